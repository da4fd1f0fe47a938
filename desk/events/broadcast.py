"""Broadcast: a coordinator cancels every session of a day, or of one venue on a day
(a typhoon), in one action, and watches the messages go out.

`cancel_day` cancels each scheduled session of that day that has not started yet
through desk.events.services.cancel_session, which cancels its bookings and plans the
`session_cancelled` message to every attendee and consenting proxy on their own
channel (SMS, call, e-mail). Everything happens in the caller's transaction, so the
day is cancelled whole or not at all. `progress` counts those messages by state, per
session, for the delivery progress page.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.core import audit
from desk.core.errors import ValidationError
from desk.core.timeutil import local_day_bounds
from desk.core.validation import Checker
from desk.events import services as event_services
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    EventSession,
    SessionStatus,
    Venue,
)
from desk.events.notices import TOPIC, BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage

# the order of the states on the progress page: still moving first, then the outcomes
PROGRESS_STATES = (MessageState.QUEUED, MessageState.SENDING, MessageState.SENT,
                   MessageState.DELIVERED, MessageState.LOGGED, MessageState.UNDELIVERED,
                   MessageState.FAILED, MessageState.UNKNOWN, MessageState.CANCELLED)
# states that say the message still has to go somewhere
PENDING_STATES = (MessageState.QUEUED, MessageState.SENDING)


def _day_query(day, venue_id):
    start, end = local_day_bounds(day)
    query = (select(EventSession)
             .where(EventSession.start_dt >= start, EventSession.start_dt < end)
             .order_by(EventSession.start_dt, EventSession.id))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    return query


def sessions_to_cancel(day, *, venue_id=None, now):
    """The scheduled sessions of local `day` (at one venue, or all) not started yet."""
    query = _day_query(day, venue_id).where(EventSession.status == SessionStatus.SCHEDULED,
                                            EventSession.start_dt > now)
    return db.session.scalars(query).unique().all()


def people_booked(sessions):
    """{session id: active bookings} for a preview of who will be told."""
    ids = [session.id for session in sessions]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Booking.session_id, func.count(Booking.id))
        .where(Booking.session_id.in_(ids), Booking.status.in_(ACTIVE_BOOKING_STATUSES))
        .group_by(Booking.session_id)).all()
    return dict(rows)


def _check(day, venue_id, reason):
    """(day, venue id or None, reason), or a ValidationError naming every bad field."""
    checker = Checker({"day": day, "venue_id": venue_id, "cancel_reason": reason})
    day = checker.date("day")
    venue_id = checker.integer("venue_id", 1, 2 ** 31 - 1)
    reason = checker.text("cancel_reason", EventSession.REASON_MAX, required=True)
    if venue_id is not None and db.session.get(Venue, venue_id) is None:
        checker.fail("venue_id", _("Choose a venue from the list."))
    checker.done()
    return day, venue_id, reason


def cancel_day(day, reason, *, venue_id=None, actor, now):
    """Cancel every scheduled session of `day` (at `venue_id`, or everywhere) that has
    not started; returns the sessions cancelled. Nothing is committed here."""
    day, venue_id, reason = _check(day, venue_id, reason)
    sessions = sessions_to_cancel(day, venue_id=venue_id, now=now)
    if not sessions:
        message = _("There is no scheduled session left to cancel on that day.")
        raise ValidationError(message, fields={"day": message})
    for session in sessions:
        event_services.cancel_session(session, reason, actor=actor, now=now)
    audit.record("session.cancel_day", actor=actor, object_type="sessions",
                 after={"day": day, "venue_id": venue_id,
                        "session_ids": [session.id for session in sessions]},
                 note=reason, now=now)
    return sessions


# -- delivery progress (read only) --------------------------------------------------------

@dataclass
class SessionProgress:
    session: EventSession
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class Progress:
    rows: list
    totals: Counter

    @property
    def total(self):
        return sum(self.totals.values())

    @property
    def pending(self):
        return sum(self.totals[state] for state in PENDING_STATES)


def tally(sessions, counted):
    """The Progress of `sessions` from `counted`, rows of (session id, state, count):
    the one way every delivery progress page counts (a cancelled day here, a
    coordinator's note in desk.events.session_messages)."""
    rows = {session.id: SessionProgress(session) for session in sessions}
    totals = Counter()
    for session_id, state, count in counted:
        rows[session_id].counts[MessageState(state)] += count
        totals[MessageState(state)] += count
    return Progress(rows=list(rows.values()), totals=totals)


def progress(day, *, venue_id=None):
    """The cancelled sessions of `day` (at one venue, or all) with their
    `session_cancelled` messages counted by state."""
    sessions = db.session.scalars(
        _day_query(day, venue_id).where(EventSession.status == SessionStatus.CANCELLED)
    ).unique().all()
    if not sessions:
        return tally([], [])
    return tally(sessions, db.session.execute(
        select(Booking.session_id, OutboxMessage.state, func.count(OutboxMessage.id))
        .join(Booking, (OutboxMessage.topic == TOPIC) & (OutboxMessage.topic_id == Booking.id))
        .where(Booking.session_id.in_([session.id for session in sessions]),
               OutboxMessage.template == BookingTemplate.SESSION_CANCELLED)
        .group_by(Booking.session_id, OutboxMessage.state)))
