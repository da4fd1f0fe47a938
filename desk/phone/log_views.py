"""The coordinators' call log page (the staff blueprint requires a staff login)."""

from flask import render_template

from desk.core.timeutil import utcnow
from desk.phone import call_log, labels


def calls():
    return render_template("phone/calls.html", log=call_log.call_log(now=utcnow()),
                           outcomes=labels.OUTCOME_LABELS, step_label=labels.step_label)
