"""New callers: a number desk does not know books by saying the caller's name.

At the main menu's 1 (book), a caller whose number (caller ID, or the withheld number
keyed in) matches no resident is asked to say their full name after the beep and press
#. What they said arrives with the <Record>'s action (the call's next turn): a person is
made at once with the caller's number, flagged "name to confirm"
(desk.people.services.create_unnamed_person), the recording is kept as a
`phone_name_recordings` row, and the call goes on to booking. Speech recognition's
result (Twilio's real-time transcription, posted to its own webhook) is kept as the
name's hint. Coordinators listen, type in the name and reading, and confirm
(desk.phone.recordings).

Silence (no recording, or an empty one) asks again, twice, as at every step. A caller
who hangs up while saying their name leaves no person: the recording only waits to be
deleted at Twilio. A retried request is answered from the call's turn
(desk.phone.calls), and a recording is one row per RecordingSid.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.core.db import lock_rows
from desk.core.web import public_url_for
from desk.extensions import db
from desk.people import services as people_services
from desk.phone import callers
from desk.phone.flow import Goto, choice, choose, step
from desk.phone.models import NameRecording, PhoneCall
from desk.phone.twiml import Prompt, Record

ACTOR = "phone_line"
CHANNEL = "phone_line"
HUNG_UP = "hangup"  # Twilio's Digits when the caller hung up while recorded
MIN_SECONDS = 1  # a shorter recording heard nothing


@dataclass(frozen=True)
class Said:
    """What a caller said at a recording step: Twilio's recording, or the text typed in
    the simulator (`text`, no recording)."""

    recording_sid: str | None = None
    recording_url: str | None = None
    duration: int = 0
    digits: str = ""
    text: str = ""

    @property
    def hung_up(self):
        return self.digits == HUNG_UP

    @property
    def heard(self):
        """Whether anything was said."""
        if self.recording_sid is None:
            return bool(self.text.strip())
        return bool(self.recording_url) and self.duration >= MIN_SECONDS


def said_from(form):
    """The Said of a <Record>'s action request, or None (the <Redirect> after a <Record>
    that heard nothing, or a question's keys)."""
    sid = form.get("RecordingSid", "").strip()[:NameRecording.SID_MAX]
    if not sid:
        return None
    duration = form.get("RecordingDuration", "")
    return Said(recording_sid=sid,
                recording_url=form.get("RecordingUrl", "").strip()[:NameRecording.URL_MAX] or None,
                duration=int(duration) if duration.isdigit() else 0,
                digits=form.get("Digits", "").strip())


def _hint(text):
    return " ".join(text.split())[:NameRecording.HINT_MAX] or None


def _row(call, said, now):
    """The recording row of `said` (one per RecordingSid: a retried request or the
    recording status callback may have made it already)."""
    row = None
    if said.recording_sid:
        row = db.session.scalars(select(NameRecording).where(
            NameRecording.recording_sid == said.recording_sid)).first()
    if row is None:
        row = NameRecording(call_id=call.id, recording_sid=said.recording_sid, created_dt=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # the status callback of the same recording, at once
            return _row(call, said, now)
    row.recording_url = said.recording_url or row.recording_url
    row.duration_seconds = said.duration or row.duration_seconds
    return row


@step("new_name")
class SayName:
    records = True

    @staticmethod
    def ask(call, now):
        return Prompt(ask=[_("This telephone number is not registered with us yet."),
                           _("Please say your full name slowly after the beep, "
                             "then press the hash key.")],
                      record=Record(transcribed=public_url_for("phone.transcription"),
                                    recorded=public_url_for("phone.recording")))

    @staticmethod
    def press(call, said, now):
        if said.hung_up or not said.heard:
            if said.recording_sid:
                # nothing to keep: the recording only waits to be deleted at Twilio
                _row(call, said, now).deleted_dt = now
            choose(call, name_hint=None)
            return Prompt() if said.hung_up else None
        hint = _hint(said.text) or choice(call, "name_hint")
        row = _row(call, said, now)
        row.hint = hint
        person = people_services.create_unnamed_person(
            callers.number_of(call), hint=hint, language=call.language, channel=CHANNEL,
            actor=ACTOR, now=now)
        row.person_id = call.person_id = person.id
        choose(call, name_hint=None, how=None, district_id=None, area_page=0, class_page=0)
        return Goto("book_how", [_("Thank you. The staff will check your name later.")])


def _locked_call(sid):
    return lock_rows(db.session, select(PhoneCall).where(PhoneCall.call_sid == sid)).first()


def transcribed(sid, form, *, now):
    """Twilio's real-time transcription of a call heard something (TranscriptionEvent
    "transcription-content", the text in TranscriptionData's "transcript"): the hint of
    the name being said, or of the one just recorded when it comes after it."""
    if form.get("TranscriptionEvent") != "transcription-content":
        return
    try:
        data = json.loads(form.get("TranscriptionData", "") or "{}")
    except ValueError:
        return
    text = data.get("transcript") if isinstance(data, dict) else None
    call = _locked_call(sid)
    if call is None or not isinstance(text, str) or not _hint(text):
        return
    if call.step == "new_name":
        choose(call, name_hint=_hint(" ".join(filter(None, [choice(call, "name_hint"), text]))))
        return
    row = db.session.scalars(select(NameRecording).where(
        NameRecording.call_id == call.id, NameRecording.person_id.is_not(None),
        NameRecording.deleted_dt.is_(None)).order_by(NameRecording.id.desc())).first()
    if row is not None:
        row.hint = _hint(" ".join(filter(None, [row.hint, text])))
        people_services.hear_name(row.person, row.hint, actor=ACTOR, now=now)


def recorded(sid, form, *, now):
    """Twilio's recording status callback: a recording of the call exists (also when the
    caller hung up before its action was requested), so it will be deleted in time."""
    said = said_from(form)
    call = _locked_call(sid)
    if call is None or said is None:
        return
    row = _row(call, said, now)
    if row.person_id is None and (not said.heard or call.ended_dt is not None
                                  or call.step != "new_name"):
        row.deleted_dt = row.deleted_dt or now  # no person was made of it
