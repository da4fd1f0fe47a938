"""The demo's seats offered close to the start (desk.demo.offers): offers in every
state, two still open, and the seats they hold within the capacity (both databases)."""

from sqlalchemy import select

from desk.events import availability
from desk.events.models import Booking, BookingStatus, EventSession, OfferState, SeatOffer
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from tests.demo.conftest import NOW


def test_the_demo_has_offers_in_every_state(demo_context):
    offers = db.session.scalars(select(SeatOffer).order_by(SeatOffer.offered_dt,
                                                           SeatOffer.id)).all()
    assert [offer.state for offer in offers] == [
        OfferState.EXPIRED, OfferState.TAKEN, OfferState.OPEN, OfferState.DECLINED,
        OfferState.OPEN]
    session = db.session.get(EventSession, offers[0].session_id)
    assert session.start_dt > NOW
    assert all(offer.expires_dt > NOW for offer in offers if offer.is_open)
    assert availability.seats_taken(session) == session.capacity
    taken = db.session.get(Booking, offers[1].booking_id)
    assert taken.status == BookingStatus.BOOKED
    # every offer went out (through the log backend: the demo sends nothing) before
    # it closed, and nothing is left queued that is due
    offered = set(db.session.scalars(select(OutboxMessage.topic_id).where(
        OutboxMessage.template == BookingTemplate.SEAT_OFFERED,
        OutboxMessage.state == MessageState.LOGGED)))
    assert offered == {offer.booking_id for offer in offers}
