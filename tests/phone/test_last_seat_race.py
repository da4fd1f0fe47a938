"""Callers going for the last seat at once, on SQLite and PostgreSQL: each heard the
class with its seat free and presses the confirming key together with the others; one
gets the seat, the others are told it was just taken and offered the waiting list, and
nothing is oversold. Each request runs in its own connection with real commits."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.people import services as people_services
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.notify.channel_support import AUTH_TOKEN, PUBLIC_URL
from tests.phone.conftest import Caller

pytestmark = LIVE_DATABASES

CALLERS = 4
TAKEN = "すみません。今、席が なくなりました。"


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=CALLERS + 2,
                           TWILIO_AUTH_TOKEN=AUTH_TOKEN, DESK_PUBLIC_URL=PUBLIC_URL) as app:
        yield app


@pytest.fixture
def last_seat(live_app):
    """A one-seat class in three days, and CALLERS residents each on their own line."""
    with live_app.app_context():
        now = utcnow()
        stamp = f"{now.timestamp()}"
        venue = services.create_venue({
            "name": f"辻堂市民センター{stamp}", "name_kana": "ツジドウシミンセンター",
            "short_name": "辻堂", "address": "藤沢市辻堂1-1", "default_capacity": 10},
            actor="test")
        program = services.create_program({
            "title": f"はじめてのスマホ{stamp}", "title_kana": "ハジメテノスマホ",
            "topic": "basics", "level": "beginner", "device": "any",
            "default_duration_minutes": 90}, actor="test")
        day = local_today() + timedelta(days=3)
        session = services.create_session({
            "kind": "class", "program_id": program.id, "venue_id": venue.id, "capacity": 1,
            "start_dt": local_datetime(day, time(10)), "end_dt": local_datetime(day, time(11))},
            actor="test", now=now)
        numbers = []
        for index in range(CALLERS):
            number = f"0466-3{index}-{int(now.timestamp()) % 10000:04d}"
            people_services.create_person(
                {"name": f"辻 花子{index}", "name_kana": "つじ はなこ", "phone": number,
                 "consent": True}, channel="phone_desk", consent_method="phone_staff",
                actor="test", now=now)
            numbers.append("+81" + number.replace("-", "")[1:])
        db.session.commit()
        return session.id, numbers


def test_one_caller_gets_the_last_seat(live_app, last_seat):
    session_id, numbers = last_seat
    callers = [Caller(live_app.test_client(), number) for number in numbers]
    for call in callers:
        call.ring()
        call.press("1")
        call.press("1")
        call.press("1")
        confirm = call.press("1")
        assert confirm.asked[2] == "予約する ときは 1、やめる ときは 2を 押してください。"
    barrier = threading.Barrier(CALLERS)
    answers, errors = [], []

    def confirm(call):
        barrier.wait()
        try:
            answers.append(call.press("1"))
        except Exception as error:  # any error fails the test below, with its text
            errors.append(repr(error))

    threads = [threading.Thread(target=confirm, args=(call,)) for call in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    booked = [turn for turn in answers if turn.asked and turn.asked[0] == "予約が できました。"]
    taken = [turn for turn in answers if turn.said and turn.said[0] == TAKEN]
    assert (len(booked), len(taken)) == (1, CALLERS - 1)
    for turn in taken:
        assert "キャンセル待ちに する ときは 1、やめる ときは 2を 押してください。" in turn.asked
    with live_app.app_context():
        statuses = db.session.scalars(select(Booking.status).where(
            Booking.session_id == session_id)).all()
        seats = db.session.scalar(select(func.sum(Booking.seats)).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED))
    assert statuses == [BookingStatus.BOOKED] and seats == 1
