"""Reserved slots of a consultation session.

A consultation session with `slot_minutes` offers `capacity` reserved slots of that
length, one after another from its start (never more than fit before its end). A booked
booking of such a session holds exactly one slot (`Booking.slot_dt`, the slot's start);
a waitlisted or cancelled booking holds none. The booking service
(desk.events.bookings) gives and takes slots under the session lock, so the first free
slot it sees is really free; the partial unique index `uq_bookings_slot` keeps two
booked bookings off one slot whatever happens.

A no-show keeps its slot: its time has passed, so the slot is not given again (a class
frees a no-show's seat on the day; a slot has no "rest of the day").

Read-only helpers plus the two writers the booking service and the session service
call (`assign`, `release`, `settle`, `move`); nothing here commits.
"""

from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from desk.events.models import (
    KINDS_WITH_CAPACITY,
    Booking,
    BookingStatus,
    EventSession,
    SessionKind,
)
from desk.extensions import db

SLOT_MINUTES_MIN = 10
SLOT_MINUTES_MAX = 120


# -- the slots of a session -------------------------------------------------------------------

def slots_that_fit(start_dt, end_dt, slot_minutes):
    """How many slots of `slot_minutes` fit one after another from start to end."""
    if not slot_minutes or start_dt is None or end_dt is None or end_dt <= start_dt:
        return 0
    return int((end_dt - start_dt) // timedelta(minutes=slot_minutes))


def slot_times(session):
    """The starts (UTC) of the slots `session` offers, in order; [] when it has none."""
    if not session.has_reserved_slots:
        return []
    count = min(session.capacity or 0,
                slots_that_fit(session.start_dt, session.end_dt, session.slot_minutes))
    length = timedelta(minutes=session.slot_minutes)
    return [session.start_dt + index * length for index in range(count)]


def slot_end(session, slot_dt):
    return slot_dt + timedelta(minutes=session.slot_minutes)


def slot_range(booking):
    """(start, end) of the slot the booking holds, or None."""
    if booking.slot_dt is None or not booking.session.slot_minutes:
        return None
    return booking.slot_dt, slot_end(booking.session, booking.slot_dt)


def holds_slot():
    """SQL: the bookings that hold a slot: booked, with a slot (a no-show keeps it)."""
    return and_(Booking.status == BookingStatus.BOOKED, Booking.slot_dt.is_not(None))


def held(session):
    """The booked bookings of `session` that hold a slot, by slot time."""
    return list(db.session.scalars(
        select(Booking).where(Booking.session_id == session.id, holds_slot())
        .order_by(Booking.slot_dt, Booking.id)))


def free_slots(session):
    """The offered slots no booked booking holds, in order."""
    offered = slot_times(session)
    if not offered:
        return []
    taken = set(db.session.scalars(
        select(Booking.slot_dt).where(Booking.session_id == session.id, holds_slot())))
    return [slot for slot in offered if slot not in taken]


def free_slot_counts(sessions):
    """{session id: how many offered slots nobody holds} for those of `sessions` that
    have reserved slots, in one query (as `free_slots` counts them one by one)."""
    offered = {session.id: set(slot_times(session)) for session in sessions
               if session.has_reserved_slots}
    if not offered:
        return {}
    taken = {session_id: set() for session_id in offered}
    for session_id, slot_dt in db.session.execute(
            select(Booking.session_id, Booking.slot_dt)
            .where(Booking.session_id.in_(list(offered)), holds_slot())):
        taken[session_id].add(slot_dt)
    return {session_id: len(slot_set - taken[session_id])
            for session_id, slot_set in offered.items()}


def first_free_slot(session):
    free = free_slots(session)
    return free[0] if free else None


def takes_bookings_clause():
    """SQL: sessions that take bookings (EventSession.takes_bookings): classes, and
    consultation sessions with reserved slots."""
    return or_(EventSession.kind.in_(KINDS_WITH_CAPACITY),
               and_(EventSession.kind == SessionKind.CONSULTATION,
                    EventSession.slot_minutes.is_not(None),
                    EventSession.capacity > 0))


# -- giving and taking slots (under the session lock) ------------------------------------------

def slot_for_booked(session):
    """The slot a booking that becomes booked takes: the first free one; None for a
    session without slots (or, should the caller not have checked, none free)."""
    return first_free_slot(session) if session.has_reserved_slots else None


def assign(booking, session):
    """Give a booking that becomes booked its slot (slot_for_booked). Returns the slot."""
    booking.slot_dt = slot_for_booked(session)
    return booking.slot_dt


def release(booking):
    """A booking that stops being booked gives its slot back."""
    booking.slot_dt = None


def _reassign(bookings, wanted, session):
    """Give `bookings` the slots in `wanted` (booking id -> slot), the rest the first
    free ones in their order. Every slot is cleared first: moving one booking at a time
    could meet a slot another still holds (the unique index would refuse it)."""
    for booking in bookings:
        booking.slot_dt = None
    db.session.flush()
    for booking in bookings:
        booking.slot_dt = wanted.get(booking.id)
    db.session.flush()
    for booking in bookings:
        if booking.slot_dt is None:
            assign(booking, session)
            db.session.flush()


def settle(session):
    """After a change of capacity: a booked booking whose slot is no longer offered
    (or that holds none) takes the first free offered slot, the others keep theirs.
    Returns the bookings whose slot changed."""
    if not session.has_reserved_slots:
        return []
    offered = set(slot_times(session))
    booked = list(db.session.scalars(
        select(Booking).where(Booking.session_id == session.id,
                              Booking.status == BookingStatus.BOOKED)
        .order_by(Booking.booked_dt, Booking.id)))
    moving = [booking for booking in booked if booking.slot_dt not in offered]
    if not moving:
        return []
    before = {booking.id: booking.slot_dt for booking in moving}
    _reassign(moving, {}, session)
    return [booking for booking in moving if booking.slot_dt != before[booking.id]]


def move(session, *, old_start_dt, old_slot_minutes):
    """After a change of the session's start or slot length: each booked booking keeps
    its place in the order of slots (the third slot stays the third) at the new times;
    one whose place is no longer offered takes the first free slot. Returns the
    bookings whose slot time changed."""
    if not session.has_reserved_slots:
        return []
    booked = held(session)
    if not booked:
        return []
    before = {booking.id: booking.slot_dt for booking in booked}
    offered = slot_times(session)
    wanted = {}
    if old_slot_minutes:
        length = timedelta(minutes=old_slot_minutes)
        for booking in booked:
            index = (booking.slot_dt - old_start_dt) // length
            if 0 <= index < len(offered) and offered[index] not in wanted.values():
                wanted[booking.id] = offered[index]
    _reassign(booked, wanted, session)
    return [booking for booking in booked if booking.slot_dt != before[booking.id]]


def overbooked(session):
    """How many booked bookings hold (or need) a slot beyond the slots offered."""
    if not session.has_reserved_slots:
        return 0
    booked = db.session.scalar(
        select(func.count(Booking.id)).where(Booking.session_id == session.id,
                                             Booking.status == BookingStatus.BOOKED))
    return max(booked - len(slot_times(session)), 0)
