"""Read-only look-ups for the kiosk: the classes it offers, and the staff's kiosk list."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from desk.events.availability import of_sessions
from desk.events.bookings import booking_by_token
from desk.events.models import (
    BookingChannel,
    EventSession,
    Venue,
)
from desk.events.queries import publicly_bookable
from desk.extensions import db
from desk.kiosk.models import KioskDevice

HORIZON_DAYS = 90  # how far ahead the kiosk offers classes
HERE_LIMIT = 8
NEARBY_LIMIT = 6
# the confirmation page shows a booking for this long after it was made at a kiosk
DONE_PAGE_MINUTES = 15


@dataclass(frozen=True)
class SessionGroup:
    key: str  # "here", "nearby" (same district) or "elsewhere"
    sessions: list


def _bookable(now):
    return publicly_bookable(now, days=HORIZON_DAYS)


def kiosk_sessions(venue, *, now):
    """The classes a kiosk at `venue` offers, in groups: this venue's first, then the
    venues of the same district, or, when there are none, all other venues."""
    here = db.session.scalars(
        _bookable(now).where(EventSession.venue_id == venue.id).limit(HERE_LIMIT)
    ).unique().all()
    others = _bookable(now).where(EventSession.venue_id != venue.id)
    nearby = []
    if venue.district_id is not None:
        nearby = db.session.scalars(
            others.where(Venue.district_id == venue.district_id).limit(NEARBY_LIMIT)
        ).unique().all()
    groups = [SessionGroup("here", here)]
    if nearby:
        groups.append(SessionGroup("nearby", nearby))
    else:
        groups.append(SessionGroup("elsewhere", db.session.scalars(
            others.limit(NEARBY_LIMIT)).unique().all()))
    return [group for group in groups if group.sessions]


def seats_of(groups):
    return of_sessions([session for group in groups for session in group.sessions])


def done_booking(token, *, now):
    """The booking a kiosk's confirmation page shows: made at a kiosk, in the last
    DONE_PAGE_MINUTES; None otherwise (the page has closed)."""
    booking = booking_by_token(token)
    if booking is None or booking.channel != BookingChannel.KIOSK:
        return None
    if now - booking.created_dt > timedelta(minutes=DONE_PAGE_MINUTES):
        return None
    return booking


def kiosks():
    """Every kiosk, the ones in use first, then by venue and name."""
    query = (select(KioskDevice).join(Venue, KioskDevice.venue_id == Venue.id)
             .order_by(KioskDevice.revoked_dt.is_not(None), Venue.name_kana, KioskDevice.name,
                       KioskDevice.id))
    return db.session.scalars(query).unique().all()
