"""Read-only look-ups for the schedule pages and the API."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time, timedelta

from flask import current_app
from sqlalchemy import and_, case, false, func, or_, select

from desk.core.timeutil import local_datetime, local_day_bounds, to_local
from desk.events import availability
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    KINDS_WITH_CAPACITY,
    Booking,
    BookingStatus,
    EventSession,
    Program,
    SessionKind,
    SessionSeries,
    SessionStatus,
    Venue,
)
from desk.events.slots import takes_bookings_clause
from desk.extensions import db


def sessions_between(first_day, last_day, *, venue_id=None, kind=None, include_cancelled=True):
    """Sessions starting on the local dates first_day..last_day, in time order."""
    start, end = local_day_bounds(first_day, last_day)
    query = (select(EventSession)
             .where(EventSession.start_dt >= start, EventSession.start_dt < end)
             .order_by(EventSession.start_dt, EventSession.id))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    if kind is not None:
        query = query.where(EventSession.kind == SessionKind(kind))
    if not include_cancelled:
        query = query.where(EventSession.status != SessionStatus.CANCELLED)
    return db.session.scalars(query).unique().all()


def group_by_day(sessions, first_day, days):
    """{local date: [sessions]} for each of `days` days from first_day (empty days too)."""
    grouped = defaultdict(list)
    for session in sessions:
        grouped[to_local(session.start_dt).date()].append(session)
    return {first_day + timedelta(days=offset): grouped.get(first_day + timedelta(days=offset), [])
            for offset in range(days)}


def venues(*, active_only=False, kind=None):
    """Venues in kana order; `kind` VenueKind.CITY leaves out the community places
    (outreach classes only: not on the public list, nor for kiosks)."""
    query = select(Venue).order_by(Venue.name_kana, Venue.id)
    if active_only:
        query = query.where(Venue.is_active.is_(True))
    if kind is not None:
        query = query.where(Venue.kind == kind)
    return db.session.scalars(query).unique().all()


def programs(*, active_only=False):
    query = select(Program).order_by(Program.title_kana, Program.id)
    if active_only:
        query = query.where(Program.is_active.is_(True))
    return db.session.scalars(query).all()


def series_list():
    """Every series with its number of sessions, counted in the same query:
    [(series, count)]."""
    counts = (select(EventSession.series_id, func.count().label("sessions"))
              .where(EventSession.series_id.is_not(None))
              .group_by(EventSession.series_id).subquery())
    query = (select(SessionSeries, func.coalesce(counts.c.sessions, 0))
             .outerjoin(counts, counts.c.series_id == SessionSeries.id)
             .order_by(SessionSeries.status, SessionSeries.start_date.desc(), SessionSeries.id))
    return db.session.execute(query).unique().all()


def sessions_page(first_day, last_day=None, *, kinds=(), venue_id=None, after=None, limit=50):
    """Up to `limit` sessions starting on the local dates first_day..last_day (no end
    when last_day is None), ordered by start time then id, after the keyset
    `after` = (start_dt, id) of the previous page's last session."""
    query = select(EventSession).where(
        EventSession.start_dt >= local_datetime(first_day, time(0)))
    if last_day is not None:
        query = query.where(EventSession.start_dt < local_day_bounds(first_day, last_day)[1])
    if kinds:
        query = query.where(EventSession.kind.in_([SessionKind(kind) for kind in kinds]))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    if after is not None:
        after_dt, after_id = after
        query = query.where(or_(EventSession.start_dt > after_dt,
                                and_(EventSession.start_dt == after_dt,
                                     EventSession.id > after_id)))
    query = query.order_by(EventSession.start_dt, EventSession.id).limit(limit)
    return db.session.scalars(query).unique().all()


def venues_page(*, after=None, limit=50):
    """Up to `limit` venues (in use or not) in kana order, after the keyset
    `after` = (name_kana, id)."""
    query = select(Venue)
    if after is not None:
        after_kana, after_id = after
        query = query.where(or_(Venue.name_kana > after_kana,
                                and_(Venue.name_kana == after_kana, Venue.id > after_id)))
    query = query.order_by(Venue.name_kana, Venue.id).limit(limit)
    return db.session.scalars(query).unique().all()


# -- the phone desk and the roster (read-only) --------------------------------------------

def bookable_sessions(first_day, last_day, *, now, venue_id=None, program_id=None, limit=100):
    """Sessions staff can still book on the local dates first_day..last_day: kinds that
    take bookings, scheduled (not cancelled or held), not over, attendance not closed."""
    start, end = local_day_bounds(first_day, last_day)
    query = (select(EventSession)
             .where(EventSession.start_dt >= start, EventSession.start_dt < end,
                    EventSession.end_dt > now,
                    takes_bookings_clause(),
                    EventSession.status == SessionStatus.SCHEDULED,
                    EventSession.attendance_closed_dt.is_(None))
             .order_by(EventSession.start_dt, EventSession.id).limit(limit))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    if program_id is not None:
        query = query.where(EventSession.program_id == program_id)
    return db.session.scalars(query).unique().all()


def publicly_bookable(now, *, days):
    """A query of the classes a public channel (the kiosk, the phone line) can still book
    within `days`: kinds with seats, scheduled, attendance open, not yet closed for
    booking (DESK_BOOKING_CLOSES_MINUTES), at a venue in use; soonest first."""
    closes = timedelta(minutes=current_app.config["DESK_BOOKING_CLOSES_MINUTES"])
    return (select(EventSession).join(Venue, EventSession.venue_id == Venue.id)
            .where(EventSession.kind.in_(KINDS_WITH_CAPACITY),
                   EventSession.status == SessionStatus.SCHEDULED,
                   EventSession.attendance_closed_dt.is_(None),
                   EventSession.start_dt > now + closes,
                   EventSession.start_dt < now + timedelta(days=days),
                   Venue.is_active.is_(True))
            .order_by(EventSession.start_dt, EventSession.id))


def upcoming_bookings_of(people, now):
    """The active bookings of these people for sessions that have not ended, soonest
    first."""
    return db.session.scalars(
        select(Booking).join(Booking.session)
        .where(Booking.person_id.in_([person.id for person in people]),
               Booking.status.in_(ACTIVE_BOOKING_STATUSES), EventSession.end_dt > now)
        .order_by(EventSession.start_dt, Booking.id)).unique().all()


def person_bookings(person):
    """The person's bookings, the latest session first."""
    return db.session.scalars(
        select(Booking).join(Booking.session).where(Booking.person_id == person.id)
        .order_by(EventSession.start_dt.desc(), Booking.id.desc())).unique().all()


def bookings_by_session_start(ids):
    """The bookings with these ids, the latest session first."""
    return db.session.scalars(
        select(Booking).join(Booking.session).where(Booking.id.in_(ids))
        .order_by(EventSession.start_dt.desc(), Booking.id.desc())).unique().all()


@dataclass
class Roster:
    """A session's bookings as the roster shows them."""

    booked: list = field(default_factory=list)  # by kana
    waitlisted: list = field(default_factory=list)  # in queue order
    cancelled: list = field(default_factory=list)  # by kana

    def seats(self, attendance):
        """Booked seats marked `attendance` (None: not marked yet)."""
        return sum(booking.seats for booking in self.booked
                   if booking.attendance == attendance)

    @property
    def booked_seats(self):
        return sum(booking.seats for booking in self.booked)

    @property
    def unmarked(self):
        return [booking for booking in self.booked if booking.attendance is None]


def _by_kana(booking):
    return booking.person.kana_key, booking.person.name, booking.id


def roster(session):
    """The session's bookings: booked seats and cancelled ones sorted by kana (the
    reading, as folded for search), the waiting list in its order."""
    bookings = db.session.scalars(
        select(Booking).where(Booking.session_id == session.id)
        .order_by(Booking.queue_dt, Booking.id)).unique().all()
    result = Roster()
    groups = {BookingStatus.BOOKED: result.booked, BookingStatus.WAITLISTED: result.waitlisted,
              BookingStatus.CANCELLED: result.cancelled}
    for booking in bookings:
        groups[booking.status].append(booking)
    result.booked.sort(key=_by_kana)
    result.cancelled.sort(key=_by_kana)
    return result


def roster_sessions_on(day):
    """The sessions of a local date whose roster can be printed (not cancelled, not
    consultations), in time order."""
    start, end = local_day_bounds(day)
    return db.session.scalars(
        select(EventSession)
        .where(EventSession.start_dt >= start, EventSession.start_dt < end,
               EventSession.status != SessionStatus.CANCELLED,
               EventSession.kind != SessionKind.CONSULTATION)
        .order_by(EventSession.start_dt, EventSession.id)).unique().all()


MOVE_TARGET_DAYS = 92
MOVE_TARGET_LIMIT = 40


def move_targets(booking, *, now, other_programs):
    """The sessions a booking may be moved to, with their availability: the upcoming
    sessions of its own program first (by date), then, with `other_programs` (staff),
    every other upcoming session that takes bookings, within MOVE_TARGET_DAYS. Not the
    booking's own session, nothing cancelled or started. [(session, Availability)]."""
    session = booking.session
    query = (select(EventSession)
             .where(EventSession.id != session.id,
                    EventSession.status == SessionStatus.SCHEDULED,
                    EventSession.attendance_closed_dt.is_(None),
                    EventSession.start_dt > now,
                    EventSession.start_dt < now + timedelta(days=MOVE_TARGET_DAYS),
                    takes_bookings_clause()))
    same = (EventSession.program_id == session.program_id if session.program_id is not None
            else false())
    if not other_programs:
        query = query.where(same)
    sessions = db.session.scalars(
        query.order_by(case((same, 0), else_=1), EventSession.start_dt, EventSession.id)
        .limit(MOVE_TARGET_LIMIT)).unique().all()
    counts = availability.of_sessions(sessions)
    return [(target, counts[target.id]) for target in sessions]
