"""A coordinator's note to everyone booked on a session ("the room changed to 2F"),
and, when chosen, to its waiting list.

`send_session_message` stores the note (Japanese, optionally English), plans one
`session_message` outbox row per person and consenting proxy contact on their own
channels (desk.notify.planning, as every booking message), writes the audit entry, all
in the caller's transaction. The rows may not go out once the session started
(`not_after`); quiet hours and opt-outs are the dispatcher's, as for every message.
The compose form carries a one-time key: the same form sent twice (a double click, a
reload) finds the message the first one made and plans nothing more.

What the messages say: the SMS is the frame of templates/events/messages/sms/
session_message.txt around the note (`sms_text`; the compose page counts the same text
as it is typed, from `frame`), the call and the e-mail the booking messages' templates
of the same name (desk.events.messages.write), in the recipient's language with the
English note where there is one, else the Japanese. Delivery progress is counted as for
a cancelled day (desk.events.broadcast.tally).
"""

import re
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from desk.core import audit
from desk.core.errors import ConflictError, ValidationError
from desk.core.i18n import force_locale, format_date_short, format_datetime_long
from desk.core.i18n import format_time as format_clock
from desk.core.validation import Checker
from desk.events import broadcast, messages
from desk.events.bookings import lock_session
from desk.events.models import (
    Booking,
    BookingStatus,
    SessionMessage,
    SessionStatus,
)
from desk.events.notices import NOTE_TOPIC
from desk.extensions import db
from desk.notify import planning
from desk.notify.channels.base import PermanentError
from desk.notify.content import CHOICE, squash
from desk.notify.models import MessageChannel, OutboxMessage
from desk.notify.segments import count_segments
from desk.people.models import Person

TOPIC = NOTE_TOPIC
TEMPLATE = "session_message"
LABELS = {TEMPLATE: _l("Message from the coordinator")}
# the page warns above one segment; a Japanese note of SessionMessage.TEXT_MAX
# characters always fits this many (tests/events/test_session_messages.py)
WARN_SEGMENTS = 1
MAX_SEGMENTS = 3
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


# -- what the SMS says --------------------------------------------------------------------

def _sms_template():
    return current_app.jinja_env.get_template(f"events/messages/sms/{TEMPLATE}.txt")


def _sms_context(session):
    return {"date": format_date_short(session.start_dt), "time": format_clock(session.start_dt),
            "venue": session.venue, "phone": current_app.config["DESK_DESK_PHONE"]}


def _sms(context, note):
    """The SMS itself: the frame with the note, one line, a proxy's copy naming whose
    booking it is."""
    return messages.for_whom(squash(_sms_template().render(context, note=note)), context)


def sms_text(session, note, *, locale, person_name=None):
    """The SMS a person (or, with `person_name`, a proxy contact of that person) with
    `locale` gets with `note`: what the dispatcher sends."""
    with force_locale(locale):
        context = dict(_sms_context(session), for_proxy=person_name is not None,
                       person_name=person_name)
        return _sms(context, note)


def frame(session, *, locale):
    """(before, after): the person's own SMS is before + note + after, the note squashed
    to one line (what the compose page counts as it is typed)."""
    before, after = sms_text(session, CHOICE, locale=locale).split(CHOICE)
    return before, after


def note_for(message, locale):
    english = str(locale).startswith("en")
    return message.text_en if english and message.text_en else message.text_ja


# -- the topic notify asks (desk.events.outbox registers it) --------------------------------

def _booking_of(message, session_message):
    if message.person_id is None:
        return None
    return db.session.scalars(
        select(Booking).where(Booking.session_id == session_message.session_id,
                              Booking.person_id == message.person_id)
        .order_by(Booking.id.desc()).limit(1)).first()


def render(message, *, now):
    """The Content of a coordinator's note: PermanentError when the note or the booking
    of its person no longer exists."""
    session_message = (db.session.get(SessionMessage, message.topic_id)
                       if message.topic_id is not None else None)
    if session_message is None:
        raise PermanentError("the session message no longer exists", code="no_booking")
    note = note_for(session_message, message.locale)
    return messages.write(message, _booking_of(message, session_message), now=now,
                          extra={"note": note}, sms=lambda context: _sms(context, note))


def check_send_again(message, *, now):
    session_message = (db.session.get(SessionMessage, message.topic_id)
                       if message.topic_id is not None else None)
    if session_message is None:
        return
    messages.check_still_wanted(session_message.session, _booking_of(message, session_message),
                                now=now)


def describe(outbox_messages):
    ids = {message.topic_id for message in outbox_messages if message.topic_id is not None}
    found = {row.id: row for row in db.session.scalars(
        select(SessionMessage).where(SessionMessage.id.in_(ids))
        .options(joinedload(SessionMessage.session)))} if ids else {}
    texts = {}
    for message in outbox_messages:
        row = found.get(message.topic_id)
        if row is not None:
            texts[message.id] = _("%(session)s, %(when)s: message from the coordinator",
                                  session=row.session.display_title,
                                  when=format_datetime_long(row.session.start_dt))
    return texts


# -- who is told ---------------------------------------------------------------------------

def statuses(include_waitlist):
    if include_waitlist:
        return (BookingStatus.BOOKED, BookingStatus.WAITLISTED)
    return (BookingStatus.BOOKED,)


def recipients(session, *, include_waitlist):
    """The active bookings whose people are told, in arrival order."""
    return db.session.scalars(
        select(Booking).where(Booking.session_id == session.id,
                              Booking.status.in_(statuses(include_waitlist)))
        .options(joinedload(Booking.person).selectinload(Person.proxies))
        .order_by(Booking.queue_dt, Booking.id)).unique().all()


def _rows(session, bookings, *, topic_id, now):
    return [row for booking in bookings
            for row in planning.person_message_values(
                TEMPLATE, person=booking.person, topic=TOPIC, topic_id=topic_id,
                due=now, now=now, not_after=session.start_dt)]


@dataclass
class Preview:
    """What confirming would send: how many people, messages per channel, and the
    segments of the longest SMS among them (each counted as it will be sent)."""

    people: int
    channels: Counter
    sms_segments: int


def preview(session, data, *, now):
    """The Preview of a note (`data` as `send_session_message` takes it), or a
    ValidationError; nothing is changed."""
    text_ja, text_en, include_waitlist, _key = _check(data, key_required=False)
    _check_open(session, now)
    bookings = recipients(session, include_waitlist=include_waitlist)
    rows = _rows(session, bookings, topic_id=None, now=now)
    names = {booking.person.id: booking.person for booking in bookings}
    segments = 0
    for row in rows:
        if row["channel"] == MessageChannel.SMS:
            person = names[row["person_id"]]
            note = text_en if str(row["locale"]).startswith("en") and text_en else text_ja
            name = (None if row["proxy_id"] is None or person.name_to_confirm
                    else person.name)
            text = sms_text(session, note, locale=row["locale"], person_name=name)
            segments = max(segments, count_segments(text).segments)
    return Preview(people=len(bookings), channels=Counter(row["channel"] for row in rows),
                   sms_segments=segments)


# -- sending -------------------------------------------------------------------------------

def _check(data, *, key_required=True):
    checker = Checker(data)
    text_ja = checker.text("text_ja", SessionMessage.TEXT_MAX, required=True)
    text_en = checker.text("text_en", SessionMessage.TEXT_MAX)
    for name, value in (("text_ja", text_ja), ("text_en", text_en)):
        if value is not None and CHOICE in value:
            checker.fail(name, _("Remove the control characters from this text."))
    include_waitlist = checker.boolean("include_waitlist")
    key = data.get("key") or ""
    if key_required and not KEY_PATTERN.fullmatch(str(key)):
        checker.fail("text_ja", _("The form has expired. Open it again and write the "
                                  "message once more."))
    checker.done()
    return text_ja, text_en, include_waitlist, key


def _check_open(session, now):
    if session.status != SessionStatus.SCHEDULED:
        raise ConflictError(_("This session is not scheduled: there is nobody to tell."))
    if session.start_dt <= now:
        raise ConflictError(_("The session has already started: a message now would "
                              "arrive too late."))


def send_session_message(session, data, *, actor, now):
    """Store the note of `data` ({"text_ja", "text_en", "include_waitlist", "key"}) and
    plan it for everyone booked (and waiting, when chosen) and their consenting proxy
    contacts. Returns (SessionMessage, True), or (the message the same key made before,
    False) without planning anything again. Nothing is committed here."""
    text_ja, text_en, include_waitlist, key = _check(data)
    # under the session's lock: a second submit of the same form waits for the first
    # and then finds its message; the unique key backs this up
    session = lock_session(session)
    existing = db.session.scalars(
        select(SessionMessage).where(SessionMessage.idempotency_key == key)).first()
    if existing is not None:
        if existing.session_id != session.id:
            raise ValidationError(_("The form has expired. Open it again and write the "
                                    "message once more."))
        return existing, False
    _check_open(session, now)
    bookings = recipients(session, include_waitlist=include_waitlist)
    if not bookings:
        message = _("Nobody is booked on this session: there is nobody to tell.")
        raise ValidationError(message, fields={"text_ja": message})
    session_message = SessionMessage(session=session, text_ja=text_ja, text_en=text_en,
                                     includes_waitlist=include_waitlist,
                                     author_id=audit.actor_fields(actor)[0],
                                     idempotency_key=key, created_dt=now)
    db.session.add(session_message)
    db.session.flush()
    session_message.planned = planning.queue(
        _rows(session, bookings, topic_id=session_message.id, now=now))
    audit.record("session.message", actor=actor, object_type="sessions",
                 object_id=session.id,
                 after={"session_message_id": session_message.id,
                        "includes_waitlist": include_waitlist, "people": len(bookings),
                        "messages": session_message.planned},
                 note=text_ja, now=now)
    db.session.flush()
    return session_message, True


# -- reading -------------------------------------------------------------------------------

def history(session):
    """The notes sent about `session`, newest first."""
    return db.session.scalars(
        select(SessionMessage).where(SessionMessage.session_id == session.id)
        .options(joinedload(SessionMessage.author))
        .order_by(SessionMessage.created_dt.desc(), SessionMessage.id.desc())).all()


def progress(session_message):
    """The note's messages counted by state (one row: its session)."""
    counted = db.session.execute(
        select(OutboxMessage.state, func.count(OutboxMessage.id))
        .where(OutboxMessage.topic == TOPIC, OutboxMessage.topic_id == session_message.id)
        .group_by(OutboxMessage.state)).all()
    return broadcast.tally([session_message.session],
                           [(session_message.session_id, state, count)
                            for state, count in counted])


@dataclass(frozen=True)
class SmsLength:
    """A note field's SMS frame and the count of the SMS with its current text."""

    field: str
    before: str
    after: str
    count: object  # desk.notify.segments.SegmentCount

    @property
    def warn(self):
        return self.count.segments > WARN_SEGMENTS


def sms_lengths(session, text_ja, text_en):
    """The SmsLength of the Japanese note (read by Japanese recipients) and of the
    English one (by English recipients; empty: they read the Japanese note)."""
    lengths = []
    for field, locale, note in (("text_ja", "ja", text_ja), ("text_en", "en", text_en)):
        before, after = frame(session, locale=locale)
        if locale == "en" and not note:
            note = text_ja
        text = before + " ".join((note or "").split()) + after
        lengths.append(SmsLength(field, before, after, count_segments(text)))
    return lengths
