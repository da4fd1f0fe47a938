"""Taps on "book" that arrive at the same moment (a double tap, a retry on a slow
network) book once, on SQLite and PostgreSQL: the same form sent by several requests
released together by a barrier, each in its own connection with real commits (not the
savepoint-isolated `app` fixture)."""

import threading
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking
from desk.extensions import db
from desk.kiosk import services as kiosk_services
from desk.kiosk.views import DEVICE_COOKIE
from desk.people.models import Person
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.kiosk.helpers import booking_form

pytestmark = LIVE_DATABASES

TAPS = 8


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=TAPS + 2) as app:
        yield app


@pytest.fixture
def kiosk(live_app):
    """(venue id, session id, device token): a class in three days and a bound kiosk."""
    with live_app.app_context():
        now = utcnow()
        venue = services.create_venue({
            "name": f"湘南台市民センター{now.timestamp()}", "name_kana": "ショウナンダイ",
            "short_name": "湘南台", "address": "藤沢市湘南台1-8", "default_capacity": 10},
            actor="test")
        program = services.create_program({
            "title": f"はじめてのスマホ{now.timestamp()}", "title_kana": "ハジメテノスマホ",
            "topic": "basics", "level": "beginner", "device": "any",
            "default_duration_minutes": 90}, actor="test")
        day = local_today() + timedelta(days=3)
        session = services.create_session({
            "kind": "class", "program_id": program.id, "venue_id": venue.id, "capacity": 10,
            "start_dt": local_datetime(day, time(10)), "end_dt": local_datetime(day, time(11))},
            actor="test", now=now)
        device, code = kiosk_services.create_kiosk({"venue_id": venue.id, "name": "入口"},
                                                   actor="test", now=now)
        db.session.commit()
        _device, token = kiosk_services.bind_device(code, now=now)
        db.session.commit()
        return venue.id, session.id, token


def test_simultaneous_taps_book_once(live_app, kiosk):
    venue_id, session_id, token = kiosk
    form = booking_form(SimpleNamespace(id=session_id), submission="double-tap-submission")
    barrier = threading.Barrier(TAPS)
    answers, errors = [], []

    def tap():
        client = live_app.test_client()
        client.set_cookie(DEVICE_COOKIE, token, path="/kiosk")
        barrier.wait()
        try:
            response = client.post(f"/kiosk/{venue_id}/book", data=form)
            answers.append((response.status_code, response.headers.get("Location")))
        except Exception as error:  # any error fails the test below, with its text
            errors.append(repr(error))

    threads = [threading.Thread(target=tap) for _tap in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(answers) == TAPS
    assert {status for status, _location in answers} == {303}
    assert len({location for _status, location in answers}) == 1
    with live_app.app_context():
        bookings = db.session.scalar(select(func.count(Booking.id))
                                     .where(Booking.session_id == session_id))
        people = db.session.scalar(select(func.count(Person.id)))
    assert bookings == 1 and people == 1
