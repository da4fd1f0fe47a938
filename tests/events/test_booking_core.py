"""The booking service's core rules: seats, waiting list, promotion, messages."""

from datetime import timedelta

import pytest

from desk.events import services
from desk.events.models import BookingStatus
from desk.extensions import db
from desk.notify.models import MessageState, MessageTemplate, OutboxMessage
from tests.fixtures.factories import NOW


@pytest.fixture
def small_class(ctx, create_session):
    return create_session(capacity=3)


def test_book_seat_books_until_full_then_waitlists(small_class, create_person):
    results = [services.book_seat(small_class, create_person(), channel="web", actor="test",
                                  now=NOW) for _ in range(5)]
    assert [r.booking.status for r in results] == [BookingStatus.BOOKED] * 3 + [
        BookingStatus.WAITLISTED] * 2
    assert [r.waitlist_position for r in results] == [None, None, None, 1, 2]
    assert all(len(r.booking.code) == 8 for r in results)


def test_book_seat_again_returns_existing_booking(small_class, create_person):
    person = create_person()
    first = services.book_seat(small_class, person, channel="web", actor="test", now=NOW)
    again = services.book_seat(small_class, person, channel="phone_desk", actor="test", now=NOW)
    assert again.booking.id == first.booking.id and not again.created


def test_cancel_promotes_in_order_skipping_parties_too_large(small_class, create_person):
    first = services.book_seat(small_class, create_person(), seats=2, channel="web",
                               actor="test", now=NOW)
    services.book_seat(small_class, create_person(), channel="web", actor="test", now=NOW)
    big = services.book_seat(small_class, create_person(), seats=3, channel="web",
                             actor="test", now=NOW)
    single = services.book_seat(small_class, create_person(), channel="web", actor="test",
                                now=NOW)
    changes = services.cancel_booking(first.booking, actor="test", now=NOW)
    assert [b.id for b in changes.promoted] == [single.booking.id]
    assert big.booking.status == BookingStatus.WAITLISTED


def test_booking_plans_confirmation_and_reminder(small_class, create_person):
    result = services.book_seat(small_class, create_person(), channel="web", actor="test",
                                now=NOW)
    db.session.flush()
    messages = db.session.query(OutboxMessage).filter_by(booking_id=result.booking.id).all()
    assert sorted(m.template for m in messages) == [MessageTemplate.BOOKING_CONFIRMED,
                                                    MessageTemplate.REMINDER]
    reminder = next(m for m in messages if m.template == MessageTemplate.REMINDER)
    assert reminder.due_dt == small_class.start_dt.replace(hour=1, minute=0) - timedelta(days=1)
    services.cancel_booking(result.booking, actor="test", now=NOW)
    assert reminder.state == MessageState.CANCELLED


def test_cancel_session_cancels_bookings(small_class, create_person):
    result = services.book_seat(small_class, create_person(), channel="web", actor="test",
                                now=NOW)
    services.cancel_session(small_class, "台風のため", actor="test", now=NOW)
    assert result.booking.status == BookingStatus.CANCELLED


def test_capacity_reduction_waitlists_latest(small_class, create_person):
    results = [services.book_seat(small_class, create_person(), channel="web", actor="test",
                                  now=NOW + timedelta(minutes=i)) for i in range(3)]
    services.update_session(small_class, {"capacity": 2}, actor="test", now=NOW)
    assert [r.booking.status for r in results] == [BookingStatus.BOOKED] * 2 + [
        BookingStatus.WAITLISTED]
