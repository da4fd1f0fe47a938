"""What the phone line offers: the classes a caller can book (seats first, then the
full ones for the waiting list), the districts that have some, the next consultation
desks, and the upcoming bookings of the people on a number."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, select

from desk.core.districts import District
from desk.events import availability, queries
from desk.events.models import (
    Booking,
    EventSession,
    SessionKind,
    SessionStatus,
    Venue,
)
from desk.extensions import db

HORIZON_DAYS = 60
PAGE = 4  # never more than four choices read at once
DESKS_READ = 4


@dataclass(frozen=True)
class Offer:
    session: EventSession
    free: int  # seats a new booking may take now; 0: the waiting list

    @property
    def full(self):
        return self.free <= 0


def _bookable(now):
    return queries.publicly_bookable(now, days=HORIZON_DAYS)


def classes(*, now, district_id=None):
    """Offers of the bookable classes (of one district), those with seats first, each
    group soonest first."""
    query = _bookable(now)
    if district_id is not None:
        query = query.where(Venue.district_id == district_id)
    sessions = db.session.scalars(query).unique().all()
    seats = availability.of_sessions(sessions)
    offers = [Offer(session, seats[session.id].free) for session in sessions]
    return sorted(offers, key=lambda offer: offer.full)  # stable: soonest first in each


def offer_of(session_id, *, now):
    """The offer of one class, or None when it can no longer be booked here."""
    session = db.session.scalars(_bookable(now).where(EventSession.id == session_id)).first()
    if session is None:
        return None
    return Offer(session, availability.places_free(session))


def districts_with_classes(*, now):
    """The districts that have bookable classes, in the city's order."""
    ids = select(Venue.district_id).where(
        Venue.id.in_(_bookable(now).with_only_columns(EventSession.venue_id)))
    return db.session.scalars(select(District).where(District.id.in_(ids))
                              .order_by(District.position, District.id)).all()


def page_of(items, page):
    """The items of `page` (0 first) and whether more follow."""
    start = page * PAGE
    return items[start:start + PAGE], len(items) > start + PAGE


def next_desks(*, now, district_id=None):
    """The next consultation desks, those in the caller's district first."""
    order = [EventSession.start_dt, EventSession.id]
    if district_id is not None:
        order.insert(0, case((Venue.district_id == district_id, 0), else_=1))
    query = (select(EventSession).join(Venue, EventSession.venue_id == Venue.id)
             .where(EventSession.kind == SessionKind.CONSULTATION,
                    EventSession.status == SessionStatus.SCHEDULED,
                    EventSession.end_dt > now,
                    EventSession.start_dt < now + timedelta(days=HORIZON_DAYS))
             .order_by(*order).limit(DESKS_READ))
    return db.session.scalars(query).unique().all()


def bookings_on(people, *, now):
    """The upcoming active bookings of these people, soonest first."""
    return queries.upcoming_bookings_of(people, now)


def booking(booking_id):
    return db.session.get(Booking, booking_id)
