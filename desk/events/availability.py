"""How many seats a session has left: the one rule that booking, every listing, the
kiosk, the consultation desk and the staffing figures ask (pretix's QuotaAvailability
plays this part for its quotas).

- A booking holds seats while it is booked and not marked no-show: a no-show frees
  their seats on the day, for a walk-in. Waitlisted and cancelled bookings hold none.
- An open seat offer (desk.events.offers: a seat freed close to the start, offered to
  one waitlisted party until its deadline) holds its seats for that party: nobody else
  may take them while it is open. Its seats are counted here with the booked ones, in
  every answer below.
- A new booking may take the free seats and, at a session with reserved slots, no
  more than the free slots (desk.events.slots: a no-show keeps their slot, whose time
  has passed).

The single-session answers (`seats_taken`, `seats_free`, `places_free`) decide a
booking only under the session's lock (desk.events.bookings.lock_session), inside the
booking's transaction. `seats_taken_by` and `of_sessions` answer for many sessions at
once (listings, staffing), in a fixed number of queries whatever their number, with the
same SQL condition, `holds_seats`; `holds` states it for one booking in memory.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select, union_all

from desk.events import slots
from desk.events.models import Attendance, Booking, BookingStatus, OfferState, SeatOffer
from desk.extensions import db


def holds_seats():
    """SQL: the bookings whose seats count against the session's capacity."""
    return and_(Booking.status == BookingStatus.BOOKED,
                or_(Booking.attendance.is_(None), Booking.attendance != Attendance.NO_SHOW))


def holds(booking):
    """`holds_seats` for one booking in memory (a booking being replayed before it is
    written, as the demo does)."""
    return booking.status == BookingStatus.BOOKED and booking.attendance != Attendance.NO_SHOW


def _seats_held():
    return func.coalesce(func.sum(Booking.seats), 0)


def _offered_seats():
    return func.coalesce(func.sum(SeatOffer.seats), 0)


def offers_open():
    """SQL: the seat offers whose seats are held for the party offered them."""
    return SeatOffer.state == OfferState.OPEN


# -- one session (under its lock when the answer decides a booking) ---------------------------

def seats_taken_query(session_id):
    """SQL: the seats held at the session (what `seats_taken` runs, for a caller that
    asks it in a statement with other questions; `session_id` may be a bindparam): the
    booked seats and those of open offers."""
    booked = select(_seats_held()).where(Booking.session_id == session_id, holds_seats())
    offered = select(_offered_seats()).where(SeatOffer.session_id == session_id, offers_open())
    return select(booked.scalar_subquery() + offered.scalar_subquery())


def seats_taken(session):
    return db.session.scalar(seats_taken_query(session.id))


def seats_free(session, *, taken=None):
    """The capacity less the seats held (`taken`, when the caller read it already)."""
    if taken is None:
        taken = seats_taken(session)
    return max((session.capacity or 0) - taken, 0)


def places_free(session, *, taken=None):
    """Seats a new booking may take now: the free seats, and at a session with reserved
    slots no more than its free slots. `taken`: the seats held, when the caller read
    them already (under the lock, with seats_taken_query)."""
    free = seats_free(session, taken=taken)
    if session.has_reserved_slots:
        free = min(free, len(slots.free_slots(session)))
    return free


# -- many sessions at once ---------------------------------------------------------------------

@dataclass(frozen=True)
class Availability:
    capacity: int
    taken: int = 0  # seats held (holds_seats) and offered (offers_open)
    waiting: int = 0  # bookings on the waiting list
    slots_free: int | None = None  # reserved slots nobody holds; None: the session has none

    @property
    def seats_free(self):
        return max(self.capacity - self.taken, 0)

    @property
    def free(self):
        """Seats a new booking may take, as `places_free` says for one session."""
        if self.slots_free is None:
            return self.seats_free
        return min(self.seats_free, self.slots_free)


def _counted_rows(session_ids, *, with_waiting):
    """One row per booking holding seats (or waiting, `with_waiting`) and per open offer
    at the sessions: (session_id, held, queued), for one aggregate over both tables."""
    waiting = Booking.status == BookingStatus.WAITLISTED
    bookings_counted = or_(holds_seats(), waiting) if with_waiting else holds_seats()
    return union_all(
        select(Booking.session_id.label("session_id"),
               case((holds_seats(), Booking.seats), else_=0).label("held"),
               case((waiting, 1), else_=0).label("queued"))
        .where(Booking.session_id.in_(session_ids), bookings_counted),
        select(SeatOffer.session_id, SeatOffer.seats, literal(0))
        .where(SeatOffer.session_id.in_(session_ids), offers_open())).subquery()


def seats_taken_by(session_ids):
    """{session id: seats held or offered} in one query; a session nobody booked is
    missing."""
    if not session_ids:
        return {}
    rows = _counted_rows(session_ids, with_waiting=False)
    return {session_id: int(taken) for session_id, taken in db.session.execute(
        select(rows.c.session_id, func.sum(rows.c.held)).group_by(rows.c.session_id))}


def _held_and_waiting_by(session_ids):
    """{session id: (seats held or offered, bookings waiting)} in one aggregate query."""
    rows = _counted_rows(session_ids, with_waiting=True)
    return {session_id: (int(taken), int(queued)) for session_id, taken, queued in
            db.session.execute(
                select(rows.c.session_id, func.sum(rows.c.held), func.sum(rows.c.queued))
                .group_by(rows.c.session_id))}


def of_sessions(sessions):
    """{session id: Availability} of many sessions in one aggregate query (the seats
    held or offered and the waiting list of each), and one more for the free slots when some of
    them have reserved slots."""
    sessions = list(sessions)
    ids = [session.id for session in sessions]
    if not ids:
        return {}
    counted = _held_and_waiting_by(ids)
    free_slots = slots.free_slot_counts(sessions)
    return {session.id: Availability(capacity=session.capacity or 0,
                                     taken=counted.get(session.id, (0, 0))[0],
                                     waiting=counted.get(session.id, (0, 0))[1],
                                     slots_free=free_slots.get(session.id))
            for session in sessions}
