"""One request key sent to two sessions at the same moment (on SQLite and PostgreSQL,
real commits): the session locks do not keep the two apart, so the second meets the
first in the unique index of request keys, or finds its booking; either way it is
refused as a reused key, never an error page."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.db import write_intent
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import public_booking, services
from desk.events.bookings import RepeatedRequestError
from desk.events.models import Booking, BookingChannel, EventSession
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

KEY = "concurrent-key-0123456789"


def _sessions(now):
    venue = services.create_venue({
        "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
        "short_name": "湘南台", "address": "神奈川県藤沢市湘南台1-8",
        "default_capacity": 20}, actor="test")
    program = services.create_program({
        "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ", "topic": "basics",
        "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor="test")
    ids = []
    for days in (7, 8):
        day = local_today(now) + timedelta(days=days)
        ids.append(services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 5,
            "start_dt": local_datetime(day, time(10)),
            "end_dt": local_datetime(day, time(11, 30))}, actor="test", now=now).id)
    db.session.commit()
    return ids


def _book(session_id, phone, now):
    data = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": phone, "seats": 1,
            "consent": True}
    return public_booking.book_online(db.session.get(EventSession, session_id),
                                      data, channel=BookingChannel.API, now=now,
                                      request_key=KEY)


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_one_key_at_two_sessions_at_once_books_once(kind, tmp_path_factory):
    with live_database_app(kind, tmp_path_factory, connections=4) as app:
        now = utcnow()
        with app.app_context():
            first_session, second_session = _sessions(now)
        flushed, release = threading.Event(), threading.Event()
        outcome = {}

        def first():
            with app.app_context(), write_intent():
                _book(first_session, "090-1234-5678", now)
                flushed.set()
                release.wait(timeout=30)  # the booking is inserted, not yet committed
                db.session.commit()

        def second():
            with app.app_context(), write_intent():
                try:
                    _book(second_session, "080-2345-6789", now)
                    outcome["second"] = "booked"
                except RepeatedRequestError as error:
                    outcome["second"] = error.code
                finally:
                    db.session.rollback()

        threads = [threading.Thread(target=first)]
        threads[0].start()
        assert flushed.wait(timeout=30)
        threads.append(threading.Thread(target=second))
        threads[1].start()
        threads[1].join(timeout=1)  # the second waits for the first's lock or key
        release.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        assert outcome == {"second": "request_key_reused"}
        with app.app_context():
            assert db.session.scalar(select(func.count(Booking.id))) == 1
