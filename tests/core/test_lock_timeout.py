"""A lock held beyond DESK_LOCK_TIMEOUT_SECONDS answers "busy, please try again" and
changes nothing, on SQLite and PostgreSQL: through a service (a Busy DeskError), the
API (409, code busy, as the OpenAPI document says), a page and an SMS reply (the
message, never a 500). Someone else holds the lock in a context, connection and transaction of their
own, as another request would: the session's row lock on PostgreSQL, the database's
write lock on SQLite (whose busy timeout is the same setting)."""

import time as clock
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.core.db import write_intent
from desk.core.errors import Busy
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import bookings, services
from desk.events.models import Booking, EventSession
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import OutboxMessage, SmsReply
from desk.people import services as people_services
from desk.people.models import Person
from desk.volunteers import services as volunteer_services
from desk.volunteers.models import Shift, ShiftAssignment, Volunteer
from tests.api.schema import ApiDocument
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_public_booking import form
from tests.notify.channel_support import (
    SMS_FROM,
    configure,
    mark_sent,
    new_sid,
    queued,
    signed_post,
)

pytestmark = LIVE_DATABASES

TIMEOUT = 0.5
BUSY_JA = "混み合っています。少し待ってから、もう一度お試しください。何も変更されていません。"
BODY = {"name": "佐藤 恵子", "kana": "さとう けいこ", "phone": "090-1234-5678", "seats": 1,
        "consent": True}


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=4,
                           DESK_LOCK_TIMEOUT_SECONDS=TIMEOUT) as app:
        yield app


@pytest.fixture(scope="module")
def class_id(live_app):
    """A class a week ahead with a shift (real time: the requests run at utcnow())."""
    with live_app.app_context():
        now = utcnow()
        venue = services.create_venue({
            "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター", "short_name": "辻堂",
            "address": "神奈川県藤沢市辻堂東海岸1-1", "default_capacity": 20}, actor="test")
        program = services.create_program({
            "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ", "topic": "basics",
            "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor="test")
        day = local_today(now) + timedelta(days=7)
        session = services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 10,
            "start_dt": local_datetime(day, time(10)), "end_dt": local_datetime(day, time(11, 30))},
            actor="test", now=now)
        volunteer_services.create_shift(session, {"role": "assistant", "places": 2},
                                        actor="test", now=now)
        volunteer_services.create_volunteer({
            "name": "山本 和夫", "name_kana": "ヤマモト カズオ", "affiliation": "ict_volunteer",
            "email": "yamamoto@example.jp"}, actor="test", now=now)
        db.session.commit()
        return session.id


def _counts(app):
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Booking, Person, OutboxMessage, AuditEntry, ShiftAssignment,
                              SmsReply)}


@contextmanager
def held(app, session_id):
    """Another transaction holding the session's lock until the block ends."""
    with app.app_context(), write_intent():
        bookings.lock_session(db.session.get(EventSession, session_id))
        try:
            yield
        finally:
            db.session.rollback()


def _in_transaction(app, action):
    """`action` in a transaction of its own, as a request runs it: committed, or rolled
    back when it raises."""
    with app.app_context(), write_intent():
        try:
            result = action()
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result


def _book(session_id):
    now = utcnow()
    person = people_services.create_person(
        {"name": "鈴木 茂", "name_kana": "スズキ シゲル", "phone": "0466-25-1234",
         "consent": True}, channel="phone_desk", consent_method="phone_staff", actor="test",
        now=now)
    return services.book_seat(db.session.get(EventSession, session_id), person,
                              channel="phone_desk", actor="test", now=now).booking.id


def test_a_service_answers_busy_and_changes_nothing(live_app, class_id):
    before = _counts(live_app)
    with held(live_app, class_id):
        started = clock.monotonic()
        with pytest.raises(Busy) as busy:
            _in_transaction(live_app, lambda: _book(class_id))
        waited = clock.monotonic() - started
    assert (busy.value.code, busy.value.status) == ("busy", 409)
    assert busy.value.message
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 4  # the setting, not a default
    assert _counts(live_app) == before
    # once the lock is free, the same request goes through
    assert _in_transaction(live_app, lambda: _book(class_id))
    assert _counts(live_app)["bookings"] == before["bookings"] + 1


def test_a_shift_sign_up_answers_busy_and_changes_nothing(live_app, class_id):
    def sign_up():
        shift = db.session.scalars(select(Shift).where(Shift.session_id == class_id)).one()
        volunteer = db.session.scalars(select(Volunteer)).first()
        return volunteer_services.sign_up_for_shift(shift, volunteer, actor="test",
                                                    now=utcnow())

    before = _counts(live_app)
    with live_app.app_context(), write_intent():
        shift = db.session.scalars(select(Shift).where(Shift.session_id == class_id)).one()
        volunteer_services.lock_shift(shift)
        with pytest.raises(Busy):
            _in_transaction(live_app, sign_up)
        db.session.rollback()
    assert _counts(live_app) == before


def test_the_api_answers_409_busy(live_app, class_id):
    document = ApiDocument(live_app)
    client = live_app.test_client()
    url = f"/api/v1/sessions/{class_id}/bookings"
    before = _counts(live_app)
    with held(live_app, class_id):
        response = client.post(url, json=BODY, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    document.validate_response("POST", url, response)
    error = response.get_json()["error"]
    assert error["code"] == "busy"
    assert error["message"] == "Busy, please try again. Nothing was changed."
    assert _counts(live_app) == before
    with held(live_app, class_id):
        cancelled = client.post("/api/v1/bookings/27410386/cancel",
                                json={"phone": "090-1234-5678"})
    assert cancelled.status_code in (202, 409)  # SQLite waits before it reads anything
    document.validate_response("POST", "/api/v1/bookings/27410386/cancel", cancelled)


def test_a_page_says_busy_instead_of_failing(live_app, class_id):
    client = live_app.test_client()
    before = _counts(live_app)
    with held(live_app, class_id):
        response = client.post(f"/sessions/{class_id}/book", data=form(),
                               headers={"Accept-Language": "en"})
    # PostgreSQL: the form shows the message; SQLite: the whole request waited for the
    # write lock before reading the session, and the busy page says so
    assert response.status_code in (200, 409)
    assert "Busy, please try again. Nothing was changed." in response.get_data(as_text=True)
    assert _counts(live_app) == before


def test_an_sms_reply_answers_busy(live_app, class_id, monkeypatch):
    """"2" asks, "2" again cancels: that second reply meets the held lock."""
    configure(monkeypatch, live_app)
    client = live_app.test_client()
    with live_app.app_context():
        now = utcnow()
        person = people_services.create_person(
            {"name": "高橋 和子", "name_kana": "タカハシ カズコ", "phone": "080-2345-6789",
             "consent": True}, channel="phone_desk", consent_method="phone_staff",
            actor="test", now=now)
        booking = services.book_seat(db.session.get(EventSession, class_id), person,
                                     channel="phone_desk", actor="test", now=now).booking
        db.session.commit()
        mark_sent(queued(booking, "sms", BookingTemplate.BOOKING_CONFIRMED)[0], now)
        booking_id = booking.id

    def reply(body):
        return signed_post(client, "/twilio/sms", {"From": "+818023456789", "To": SMS_FROM,
                                                   "Body": body, "MessageSid": new_sid()})

    assert reply("2").status_code == 200
    before = _counts(live_app)
    with held(live_app, class_id):
        response = reply("2")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert BUSY_JA in response.get_data(as_text=True)
    assert _counts(live_app) == before
    with live_app.app_context():
        assert db.session.get(Booking, booking_id).is_active


def test_a_booking_insert_that_waits_for_another_transaction_answers_busy(live_app, class_id):
    """A booking's INSERT runs below SQLAlchemy's execution (desk.core.statements): a
    wait there that runs out is Busy too. Two requests with the same key at two
    classes: the second's INSERT waits for the first's uncommitted row in the index of
    keys (on SQLite, for the write lock the first holds)."""
    other_id = _in_transaction(live_app, lambda: services.create_session({
        "kind": "class", "venue_id": db.session.get(EventSession, class_id).venue_id,
        "program_id": db.session.get(EventSession, class_id).program_id, "capacity": 10, "start_dt": local_datetime(local_today() + timedelta(days=8), time(10)),
        "end_dt": local_datetime(local_today() + timedelta(days=8), time(11))},
        actor="test", now=utcnow()).id)
    details = people_services.public_details({
        "name": "佐藤 恵子", "name_kana": "サトウ ケイコ", "phone": "090-1234-5678",
        "consent": True})

    def book(session_id):
        return bookings.book_public(db.session.get(EventSession, session_id), details,
                                    channel="api", consent_method="web", actor="api",
                                    now=utcnow(), request_key="retry-0123456789")

    before = _counts(live_app)
    with live_app.app_context(), write_intent():
        book(class_id)  # not committed yet
        try:
            with pytest.raises(Busy):
                _in_transaction(live_app, lambda: book(other_id))
        finally:
            db.session.rollback()
    assert _counts(live_app) == before
