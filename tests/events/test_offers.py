"""Seats freed close to the start are offered to the waiting list in turn
(desk.events.offers), on SQLite and PostgreSQL.

NOW is Monday 2026-11-23 10:00 JST. The class `soon` starts that day at 15:00 JST
(5 hours ahead: inside the default 24-hour window); `later` on 2026-12-03 (outside).
"""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.events import availability, offers, replies, services
from desk.events.models import BookingStatus, OfferState, SeatOffer
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import tasks
from desk.notify.kinds import Menu, Repeat, Say
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, ReplyAction
from tests.fixtures.factories import NOW


def book(session, person, *, now=NOW, seats=1):
    return services.book_seat(session, person, seats=seats, channel="web", actor="test",
                              now=now).booking


@pytest.fixture
def soon(ctx, create_session):
    return create_session(day=date(2026, 11, 23), start=time(15), end=time(16, 30), capacity=2)


@pytest.fixture
def later(ctx, create_session):
    return create_session(capacity=2)


def full_with_waitlist(session, create_person, waiting=3):
    booked = [book(session, create_person(), now=NOW - timedelta(days=3, minutes=10 - i))
              for i in range(2)]
    queue = [book(session, create_person(), now=NOW - timedelta(days=2, minutes=10 - i))
             for i in range(waiting)]
    assert all(b.status == BookingStatus.WAITLISTED for b in queue)
    return booked, queue


def offers_of(session):
    db.session.expire_all()
    return db.session.scalars(select(SeatOffer).where(SeatOffer.session_id == session.id)
                              .order_by(SeatOffer.id)).all()


def offer_messages(booking, state=MessageState.QUEUED):
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.template == BookingTemplate.SEAT_OFFERED,
        OutboxMessage.state == state)).all()


def cancel(booking, now=NOW):
    return services.cancel_booking(booking, actor="test", now=now)


# -- late and early cancellations ---------------------------------------------------------

def test_late_cancellation_creates_an_offer_not_a_booking(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    changes = cancel(booked[0])
    assert changes.promoted == []
    db.session.refresh(queue[0])
    assert queue[0].status == BookingStatus.WAITLISTED
    [offer] = offers_of(soon)
    assert offer.booking_id == queue[0].id and offer.state == OfferState.OPEN
    assert offer.expires_dt == NOW + timedelta(hours=2)
    # the seat is held for the offer: nobody else may book it
    assert availability.seats_free(soon) == 0
    assert availability.of_sessions([soon])[soon.id].free == 0
    assert book(soon, create_person()).status == BookingStatus.WAITLISTED
    assert len(offer_messages(queue[0])) == 1
    assert offer_messages(queue[0])[0].not_after == offer.expires_dt


def test_early_cancellation_still_promotes_directly(later, create_person):
    booked, queue = full_with_waitlist(later, create_person)
    changes = cancel(booked[0])
    assert changes.promoted == [queue[0]]
    assert queue[0].status == BookingStatus.BOOKED
    assert offers_of(later) == []


def test_the_window_is_configurable(app, soon, create_person, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_OFFER_WINDOW_HOURS", 4)  # 5 hours ahead: promote
    booked, queue = full_with_waitlist(soon, create_person)
    assert cancel(booked[0]).promoted == [queue[0]]
    assert offers_of(soon) == []


def test_the_deadline_is_never_after_the_start(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0], now=NOW + timedelta(hours=4))  # an hour before the start
    [offer] = offers_of(soon)
    assert offer.expires_dt == soon.start_dt


# -- in order, taking, declining, expiring ------------------------------------------------

def test_offers_go_in_order_and_each_party_once(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    cancel(booked[1], now=NOW + timedelta(minutes=1))
    assert [offer.booking_id for offer in offers_of(soon)] == [queue[0].id, queue[1].id]
    first = offers_of(soon)[0]
    offers.decline_offer(first, actor="test", now=NOW + timedelta(minutes=5))
    assert [(o.booking_id, o.state) for o in offers_of(soon)] == [
        (queue[0].id, OfferState.DECLINED), (queue[1].id, OfferState.OPEN),
        (queue[2].id, OfferState.OPEN)]
    assert offer_messages(queue[0]) == []  # the declined offer's queued message is dropped


def test_taking_an_offer_books_the_seat(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    [offer] = offers_of(soon)
    booking = offers.take_offer(offer, actor="test", now=NOW + timedelta(minutes=30))
    assert booking.status == BookingStatus.BOOKED and offer.state == OfferState.TAKEN
    assert availability.seats_taken(soon) == 2  # the offer's seat became the booking's
    # taking it again (a double tap) changes nothing
    assert offers.take_offer(offer, actor="test", now=NOW + timedelta(minutes=31)) is booking
    templates = [m.template for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic_id == booking.id, OutboxMessage.state == MessageState.QUEUED))]
    assert BookingTemplate.WAITLIST_PROMOTED in templates
    assert BookingTemplate.SEAT_OFFERED not in templates
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "seat_offers")).all()
    assert actions == ["offer.create", "offer.taken"]


def test_deadline_expiry_moves_to_the_next_and_is_idempotent(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    [first] = offers_of(soon)
    db.session.commit()  # the task works in transactions of its own
    assert offers.expire_due(now=NOW + timedelta(hours=1)) == []  # not due yet
    later = NOW + timedelta(hours=2)
    assert offers.expire_due(now=later) == [first.id]
    assert offers.expire_due(now=later) == []  # run twice: nothing more
    states = [(o.booking_id, o.state) for o in offers_of(soon)]
    assert states == [(queue[0].id, OfferState.EXPIRED), (queue[1].id, OfferState.OPEN)]
    assert offer_messages(queue[0]) == [] and len(offer_messages(queue[1])) == 1


def test_the_dispatchers_periodic_jobs_run_the_expiry(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    db.session.commit()
    assert "seat_offers.expire" in tasks.run_periodic(now=NOW + timedelta(hours=3))
    assert [o.state for o in offers_of(soon)] == [OfferState.EXPIRED, OfferState.OPEN]


def test_taking_after_the_deadline_is_refused_with_a_message(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    [offer] = offers_of(soon)
    with pytest.raises(offers.OfferClosedError) as caught:
        offers.take_offer(offer, actor="test", now=NOW + timedelta(hours=2, minutes=1))
    assert "12:00" in caught.value.message
    db.session.refresh(queue[0])
    assert queue[0].status == BookingStatus.WAITLISTED


def test_no_offer_after_the_start(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0], now=NOW + timedelta(hours=4, minutes=30))  # offered till 15:00
    db.session.commit()
    offers.expire_due(now=soon.start_dt)
    assert [o.state for o in offers_of(soon)] == [OfferState.EXPIRED]
    with pytest.raises(offers.OfferClosedError):
        offers.take_offer(offers_of(soon)[0], actor="test", now=soon.start_dt)


def test_cancelling_an_offered_booking_offers_the_seat_on(soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    cancel(queue[0], now=NOW + timedelta(minutes=3))
    assert [(o.booking_id, o.state) for o in offers_of(soon)] == [
        (queue[0].id, OfferState.WITHDRAWN), (queue[1].id, OfferState.OPEN)]


# -- answering by SMS and by key -----------------------------------------------------------

def _sent_offer(booking, channel=MessageChannel.SMS):
    [message] = [m for m in offer_messages(booking) if m.channel == channel]
    return message


def test_sms_reply_1_takes_the_offer_and_2_declines(app, soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    cancel(booked[1], now=NOW + timedelta(minutes=1))
    first, second = _sent_offer(queue[0]), _sent_offer(queue[1])
    with app.test_request_context():
        action, text = replies.answer_sms(first, "1", address=first.address, previous=None,
                                          now=NOW + timedelta(minutes=10))
        assert action == ReplyAction.CONFIRMED and queue[0].display_code in text
        action, text = replies.answer_sms(second, "2", address=second.address,
                                          previous=None, now=NOW + timedelta(minutes=10))
        assert action == ReplyAction.CANCELLED
        action, text = replies.answer_sms(first, "何？", address=first.address,
                                          previous=None, now=NOW + timedelta(minutes=10))
        assert action == ReplyAction.HELP
    assert queue[0].status == BookingStatus.BOOKED
    assert [(o.booking_id, o.state) for o in offers_of(soon)] == [
        (queue[0].id, OfferState.TAKEN), (queue[1].id, OfferState.DECLINED),
        (queue[2].id, OfferState.OPEN)]


def test_call_keys_take_and_decline_the_offer(app, soon, create_person):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    message = _sent_offer(queue[0])
    with app.test_request_context():
        assert replies.offers_keys(message, now=NOW)
        assert "1" in replies.menu_text(message)
        assert replies.press_key(message, "gather", "9", now=NOW) == Repeat()
        assert replies.press_key(message, "gather", "5", now=NOW) == Menu()
        answer = replies.press_key(message, "gather", "1", now=NOW + timedelta(minutes=1))
        assert isinstance(answer, Say)
        assert not replies.offers_keys(message, now=NOW + timedelta(minutes=2))
    assert queue[0].status == BookingStatus.BOOKED


def test_the_offer_sms_fits_one_segment_in_japanese(app, soon, create_person):
    from desk.notify.segments import count_segments
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    message = _sent_offer(queue[0])
    from desk.events import messages
    with app.test_request_context():
        content = messages.render(message, now=NOW)
    assert "12:00" in content.sms_body and "1" in content.sms_body
    assert count_segments(content.sms_body).segments == 1


# -- the public page -------------------------------------------------------------------------

def test_the_offer_page_takes_the_seat_with_one_button(app, client, soon, create_person,
                                                      monkeypatch):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    db.session.commit()
    monkeypatch.setattr("desk.events.booking_views.utcnow", lambda: NOW + timedelta(minutes=5))
    page = client.get(f"/bookings/{queue[0].token}/offer")
    assert page.status_code == 200 and "12:00" in page.get_data(as_text=True)
    assert client.get(f"/bookings/{queue[1].token}/offer").status_code == 404
    answer = client.post(f"/bookings/{queue[0].token}/offer", data={"take": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert offers_of(soon)[0].state == OfferState.TAKEN


def test_the_offer_page_refuses_after_the_deadline(app, client, soon, create_person,
                                                  monkeypatch):
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    db.session.commit()
    monkeypatch.setattr("desk.events.booking_views.utcnow", lambda: NOW + timedelta(hours=3))
    answer = client.post(f"/bookings/{queue[0].token}/offer", data={"take": "1"})
    assert answer.status_code == 409
    assert "12:00" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert offers_of(soon)[0].state == OfferState.OPEN


# -- personal data: an offer points at a person through its booking -----------------------

def test_erasing_an_offered_person_withdraws_the_offer_and_offers_the_seat_on(soon,
                                                                            create_person):
    from desk.people import erasure
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    erasure.stop_and_delete(queue[0].person, received_via="phone",
                            received_on=date(2026, 11, 23), actor="test",
                            now=NOW + timedelta(minutes=5))
    assert [(o.booking_id, o.state) for o in offers_of(soon)] == [
        (queue[0].id, OfferState.WITHDRAWN), (queue[1].id, OfferState.OPEN)]


def test_a_disclosure_lists_the_persons_offers(soon, create_person):
    from desk.people import disclosure
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    found = disclosure.disclosure_for(queue[0].person, actor="test", now=NOW,
                                      municipality="藤沢市")
    [offer] = offers_of(soon)
    assert found.ids("seat_offers") == [offer.id]


def test_merging_moves_the_offer_with_its_booking(soon, create_person):
    from desk.people import services as people_services
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    keep = create_person()
    people_services.merge_people(keep, queue[0].person, actor="test", now=NOW)
    [offer] = offers_of(soon)
    assert offer.booking.person_id == keep.id and offer.state == OfferState.OPEN


def test_an_sms_reply_through_notify_takes_the_offer_once(app, soon, create_person):
    from desk.notify import replies as notify_replies
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    message = _sent_offer(queue[0])
    message.state, message.sent_dt = MessageState.LOGGED, NOW
    db.session.flush()
    with app.test_request_context():
        answer = notify_replies.handle_sms(message.address, "１", provider_id="SMoffer1",
                                           now=NOW + timedelta(minutes=3))
        again = notify_replies.handle_sms(message.address, "１", provider_id="SMoffer1",
                                          now=NOW + timedelta(minutes=4))
    assert "予約しました" in answer and queue[0].display_code in answer
    assert again is None  # Twilio's second delivery of the same SMS: nothing done twice
    assert queue[0].status == BookingStatus.BOOKED
    assert offers_of(soon)[0].state == OfferState.TAKEN


def test_moving_a_booking_away_withdraws_its_offer_and_offers_the_seat_on(
        soon, later, create_person):
    """A waitlisted booking offered a seat, moved to another date by the desk: the offer
    goes (its seat held no longer for someone who left) and the seat is offered to the
    next in line; a "1" to the old offer books nothing at either session."""
    booked, queue = full_with_waitlist(soon, create_person)
    cancel(booked[0])
    [first] = offers_of(soon)
    services.move_booking(queue[0], later, channel="phone_desk", actor="test", now=NOW,
                          to_waitlist=True)
    states = [(offer.booking_id, offer.state) for offer in offers_of(soon)]
    assert states == [(queue[0].id, OfferState.WITHDRAWN), (queue[1].id, OfferState.OPEN)]
    with pytest.raises(offers.OfferClosedError):
        offers.take_offer(first, actor="test", now=NOW)
    db.session.refresh(queue[0])
    assert queue[0].session_id == later.id
