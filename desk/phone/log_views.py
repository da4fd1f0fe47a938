"""The coordinators' call log and a call's path (the staff blueprint requires a staff
login)."""

from flask import render_template, request

from desk.core.timeutil import local_today
from desk.core.web import get_or_404
from desk.phone import call_log, labels, path
from desk.phone.models import PhoneCall


def calls():
    first, last, errors = call_log.parse_period(request.args, today=local_today())
    return render_template("phone/calls.html", log=call_log.call_log(first, last),
                           errors=errors, outcomes=labels.OUTCOME_LABELS,
                           step_label=labels.step_label)


def call(call_id):
    phone_call = get_or_404(PhoneCall, call_id)
    return render_template("phone/call.html", call=phone_call,
                           path=path.path_of(phone_call), outcomes=labels.OUTCOME_LABELS,
                           step_label=labels.step_label, answer_label=labels.answer_label)
