"""Moving a booking from its pages: the resident's own page (behind its secret link)
and the staff's booking page (the phone desk), on SQLite and PostgreSQL."""

from datetime import time, timedelta

import pytest

from desk.core.timeutil import local_today
from desk.events import services
from desk.events.models import BookingStatus
from desk.extensions import db
from tests.events.helpers import audit_entries


@pytest.fixture
def program(ctx, create_program):
    return create_program()


@pytest.fixture
def old(ctx, create_session, program):
    return create_session(day=local_today() + timedelta(days=7), capacity=1,
                          program_id=program.id)


@pytest.fixture
def new(ctx, create_session, program):
    return create_session(day=local_today() + timedelta(days=14), capacity=1,
                          program_id=program.id, start=time(13, 30), end=time(15))


@pytest.fixture
def other(ctx, create_session):
    return create_session(day=local_today() + timedelta(days=10), capacity=5)


@pytest.fixture
def booking(old, create_person):
    booking = services.book_seat(old, create_person(), channel="web", actor="web").booking
    db.session.commit()
    return booking


def test_resident_page_offers_the_same_programs_dates_only(client, booking, new, other):
    page = client.get(f"/bookings/{booking.token}/move").get_data(as_text=True)
    assert f'value="{new.id}"' in page and f'value="{other.id}"' not in page
    assert "空き席 1" in page


def test_resident_moves_and_comes_back_to_the_booking_page(client, booking, old, new,
                                                           create_person):
    waiting = services.book_seat(old, create_person(), channel="web", actor="web").booking
    db.session.commit()
    response = client.post(f"/bookings/{booking.token}/move", data={"target": new.id})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/bookings/{booking.token}"
    db.session.expire_all()
    assert booking.session_id == new.id and waiting.status == BookingStatus.BOOKED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "予約番号は変わりません" in page and booking.display_code in page


def test_resident_move_into_a_full_date_is_refused_until_asked(client, booking, new,
                                                              create_person):
    services.book_seat(new, create_person(), channel="web", actor="web")
    db.session.commit()
    response = client.post(f"/bookings/{booking.token}/move", data={"target": new.id})
    assert response.status_code == 200
    assert "満席" in response.get_data(as_text=True)
    db.session.expire_all()
    assert booking.session_id != new.id and booking.status == BookingStatus.BOOKED
    client.post(f"/bookings/{booking.token}/move", data={"target": new.id, "to_waitlist": "y"})
    db.session.expire_all()
    assert booking.session_id == new.id and booking.status == BookingStatus.WAITLISTED


def test_resident_cannot_post_another_programs_session(client, booking, other):
    response = client.post(f"/bookings/{booking.token}/move", data={"target": other.id})
    assert response.status_code == 200
    db.session.expire_all()
    assert booking.session_id != other.id


def test_cancelled_booking_offers_nothing(client, booking, new):
    services.cancel_booking(booking, actor="web", now=booking.created_dt)
    db.session.commit()
    page = client.get(f"/bookings/{booking.token}/move").get_data(as_text=True)
    assert f'value="{new.id}"' not in page


def old_title(booking):
    return booking.moved_from_session.display_title


def test_staff_move_to_another_program_with_the_audit(staff_client, booking, new, other):
    page = staff_client.get(f"/staff/bookings/{booking.id}/move").get_data(as_text=True)
    # the same program's dates first, then the others
    assert page.index(f'value="{new.id}"') < page.index(f'value="{other.id}"')
    response = staff_client.post(f"/staff/bookings/{booking.id}/move",
                                 data={"target": other.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert booking.session_id == other.id
    entry, = audit_entries("booking.move", booking.id)
    assert entry.actor_label != "web"
    page = staff_client.get(f"/staff/bookings/{booking.id}").get_data(as_text=True)
    assert "変更前" in page and old_title(booking) in page
