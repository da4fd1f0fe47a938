"""One compose form sent twice at the same moment (on SQLite and PostgreSQL, real
commits): the second submit waits on the session's lock, then finds the note the first
made; one note, its messages planned once."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.db import write_intent
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services, session_messages
from desk.events.models import EventSession, SessionMessage
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

FORM = {"text_ja": "会場が2階の第2会議室に変わりました。", "key": "double-submit-0123456789"}


def _session(now):
    venue = services.create_venue({
        "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター",
        "short_name": "辻堂", "address": "神奈川県藤沢市辻堂東海岸1-1",
        "default_capacity": 20}, actor="test")
    program = services.create_program({
        "title": "LINEをはじめよう", "title_kana": "ラインヲハジメヨウ", "topic": "line",
        "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor="test")
    session = services.create_session({
        "kind": "class", "program_id": program.id, "venue_id": venue.id,
        "capacity": 10, "start_dt": local_datetime(local_today(now) + timedelta(days=5), time(10)),
        "end_dt": local_datetime(local_today(now) + timedelta(days=5), time(12))},
        actor="test", now=now)
    for number in range(3):
        person = people_services.create_person(
            {"name": "佐藤 恵子", "name_kana": "さとう けいこ",
             "phone": f"090-5555-{number:04d}", "consent": True},
            channel="phone_desk", consent_method="phone_staff", actor="test", now=now)
        services.book_seat(session, person, channel="phone_desk", actor="test", now=now)
    db.session.commit()
    return session.id


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_a_form_sent_twice_at_once_sends_once(kind, tmp_path_factory):
    with live_database_app(kind, tmp_path_factory, connections=4) as app:
        now = utcnow()
        with app.app_context():
            session_id = _session(now)
        flushed, release = threading.Event(), threading.Event()
        outcome = {}

        def send():
            session = db.session.get(EventSession, session_id)
            return session_messages.send_session_message(session, FORM, actor="test", now=now)

        def first():
            with app.app_context(), write_intent():
                outcome["first"] = send()[1]
                flushed.set()
                release.wait(timeout=30)  # the note is planned, not yet committed
                db.session.commit()

        def second():
            with app.app_context(), write_intent():
                outcome["second"] = send()[1]
                db.session.commit()

        threads = [threading.Thread(target=first)]
        threads[0].start()
        assert flushed.wait(timeout=30)
        threads.append(threading.Thread(target=second))
        threads[1].start()
        threads[1].join(timeout=1)  # the second waits for the first's lock
        release.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        assert outcome == {"first": True, "second": False}
        with app.app_context():
            assert db.session.scalar(select(func.count(SessionMessage.id))) == 1
            assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.topic == session_messages.TOPIC)) == 3
