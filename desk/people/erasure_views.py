"""The coordinators' page for a resident's request to stop using and delete their
details (利用停止・削除): what will happen, the request's details, confirm. The work is
desk.people.erasure.stop_and_delete."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.timeutil import local_today, utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.people import erasure
from desk.people.forms import ErasureForm
from desk.people.models import Person


def erase(person_id):
    person = get_or_404(Person, person_id)
    if person.is_merged:
        return redirect(url_for("people.detail", person_id=person.merged_into_id))
    if person.is_anonymised:
        flash(_("This person's details have already been deleted."), "info")
        return redirect(url_for("people.detail", person_id=person.id))
    form = ErasureForm()
    if not form.is_submitted():
        form.received_on.data = local_today(utcnow())
    if form.validate_on_submit():
        result = attempt(form, lambda: erasure.stop_and_delete(
            person, received_via=form.received_via.data, received_on=form.received_on.data,
            reference=form.reference.data, actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The details of record No. %(number)d have been deleted and its future "
                    "bookings cancelled. The request is recorded.", number=person.id),
                  "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/erase.html", person=person, form=form)
