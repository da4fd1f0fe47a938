"""The coordinators' review of new callers' names (the staff blueprint requires a staff
login): the queue, a recording's audio (streamed by desk, never a Twilio link; its
playing is in the access log) and the form that confirms a name."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from desk.core import accesslog
from desk.core.db import writes
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.notify.channels.base import ChannelError
from desk.people.models import Person
from desk.phone import RECORDING_PLAYED, recordings


class ConfirmNameForm(FlaskForm):
    name = StringField(_l("Name (kanji)"), validators=[DataRequired(), Length(max=Person.NAME_MAX)])
    name_kana = StringField(_l("Reading of the name (kana)"),
                            validators=[DataRequired(), Length(max=Person.KANA_MAX)])


def _form(person_id, **kwargs):
    """The confirming form of one person (their own prefix: one page holds many)."""
    return ConfirmNameForm(prefix=f"person-{person_id}", **kwargs)


def _page(forms=None):
    waiting = recordings.queue()
    forms = forms or {}
    return render_template(
        "phone/names.html", waiting=waiting,
        forms={item.person.id: forms.get(item.person.id) or _form(item.person.id, formdata=None)
               for item in waiting})


def queue():
    return _page()


@writes  # the access log, and the audio kept once fetched
def audio(recording_id):
    row = recordings.playable(recording_id)
    if row is None:
        abort(404)
    try:
        data, content_type = recordings.audio_of(row)
    except ChannelError:
        abort(502)
    if row.person_id is not None:
        accesslog.record(current_user, RECORDING_PLAYED, "person", [row.person_id],
                         now=utcnow())
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def confirm(person_id):
    person = get_or_404(Person, person_id)
    form = _form(person.id)
    if form.validate_on_submit():
        result = attempt(form, lambda: recordings.confirm(
            person, {"name": form.name.data, "name_kana": form.name_kana.data},
            actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The name of %(name)s is confirmed.", name=person.name), "success")
            return redirect(url_for("phone_staff.names"))
    return _page({person.id: form})
