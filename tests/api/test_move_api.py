"""Moving a booking through the API (POST /api/v1/bookings/{code}/move): a resident with
the code and phone (same program only), a coordinator's token with the code alone.
Every answer is validated against the OpenAPI document by the `api` client."""

from datetime import time, timedelta

import pytest

from desk.auth.models import Role
from desk.core.timeutil import local_today
from desk.events import services
from desk.events.models import Booking, BookingStatus
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import OutboxMessage
from tests.api.helpers import assert_error
from tests.events.test_bookings import counts

PHONE = "090-1234-5678"


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
def booking(old, create_person):
    booking = services.book_seat(old, create_person(phone=PHONE), channel="web",
                                 actor="test").booking
    db.session.commit()
    return booking


def url(booking):
    return f"/api/v1/bookings/{booking.display_code}/move"


def test_resident_moves_with_code_and_phone(api, booking, old, new, create_person):
    waiting = services.book_seat(old, create_person(), channel="web", actor="test").booking
    db.session.commit()
    response = api.post(url(booking), json={"session_id": new.id, "phone": "09012345678"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "code": booking.code, "status": "booked", "waitlist_position": None,
        "session_id": new.id, "seats": 1, "slot_start": None, "moved_from_session_id": old.id}
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).session_id == new.id
    assert db.session.get(Booking, waiting.id).status == BookingStatus.BOOKED
    moved = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.topic_id == booking.id,
        OutboxMessage.template == BookingTemplate.BOOKING_MOVED)).all()
    assert len(moved) == 1


def test_wrong_phone_is_404_and_changes_nothing(api, booking, new):
    before = counts()
    response = api.post(url(booking), json={"session_id": new.id, "phone": "090-9999-0000"})
    assert_error(response, 404, "not_found")
    assert counts() == before


@pytest.mark.parametrize(("body", "fields"), [
    ({"phone": PHONE}, ["session_id"]),
    ({"session_id": 999999, "phone": PHONE}, ["session_id"]),
    ({"session_id": "x", "phone": PHONE}, ["session_id"]),
    ({"session_id": 1}, ["phone"]),
    ({"session_id": 1, "phone": PHONE, "seats": 2}, ["seats"]),
])
def test_wrong_fields_are_422(api, booking, body, fields):
    assert_error(api.post(url(booking), json=body), 422, fields=fields)


def test_full_session_needs_waitlist_true(api, booking, new, create_person):
    services.book_seat(new, create_person(), channel="web", actor="test")
    db.session.commit()
    before = counts()
    response = api.post(url(booking), json={"session_id": new.id, "phone": PHONE})
    error = assert_error(response, 422, "session_full")
    assert "満席" in error["message"]
    assert counts() == before
    response = api.post(url(booking), json={"session_id": new.id, "phone": PHONE,
                                            "waitlist": True})
    assert response.status_code == 200
    assert response.get_json()["status"] == "waitlisted"
    assert response.get_json()["waitlist_position"] == 1


@pytest.mark.parametrize("case", ["same_session", "other_program", "already_booked"])
def test_refusals_answer_with_their_code(api, booking, old, new, create_session,
                                         case):
    target = {"same_session": old, "other_program": None, "already_booked": new}[case]
    if case == "other_program":
        target = create_session(day=local_today() + timedelta(days=10))
    if case == "already_booked":
        services.book_seat(new, booking.person, channel="web", actor="test")
        db.session.commit()
    before = counts()
    response = api.post(url(booking), json={"session_id": target.id, "phone": PHONE})
    assert_error(response, 422, case)
    assert counts() == before


def test_staff_token_moves_by_code_to_another_program(api, booking, create_session,
                                                      token_for):
    other = create_session(day=local_today() + timedelta(days=10))
    response = api.post(url(booking), json={"session_id": other.id},
                        token=token_for(Role.COORDINATOR))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["session_id"] == other.id


@pytest.mark.parametrize("role", [Role.VOLUNTEER])
def test_a_volunteer_token_is_refused(api, booking, new, token_for, role):
    response = api.post(url(booking), json={"session_id": new.id}, token=token_for(role))
    assert_error(response, 403)


def test_a_bad_token_is_refused_not_ignored(api, booking, new):
    response = api.post(url(booking), json={"session_id": new.id, "phone": PHONE},
                        token="desk_nonsense")
    assert_error(response, 401, "invalid_token")
