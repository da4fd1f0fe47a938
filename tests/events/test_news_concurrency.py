"""The digest of new classes goes out once per period whatever the number of runners
(the in-process scheduler of several `desk serve` processes, Celery beat twice by
mistake): runners started at the same moment, each with its own connection and real
commits, on SQLite and PostgreSQL."""

import threading
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.timeutil import local_datetime
from desk.events import news, news_digest
from desk.events import services as event_services
from desk.events.models import NewsDelivery, NewsDigest
from desk.extensions import db
from desk.notify import tasks
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.fixtures.factories import NOW

pytestmark = LIVE_DATABASES

RUNNERS = 8
SUBSCRIBERS = 5
DIGEST_AT = local_datetime(date(2026, 12, 1), time(10))


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=RUNNERS + 2,
                           DESK_NEWS_DIGEST=(1, time(10))) as app:
        yield app


def _setup(app):
    with app.app_context():
        venue = event_services.create_venue({
            "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター", "short_name": "辻堂",
            "address": "神奈川県藤沢市辻堂東海岸1-1", "default_capacity": 20}, actor="test")
        program = event_services.create_program({
            "title": "LINEを使ってみよう", "title_kana": "ラインヲツカッテミヨウ", "topic": "line",
            "level": "beginner", "device": "any", "default_duration_minutes": 90},
            actor="test")
        event_services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 12,
            "start_dt": local_datetime(date(2026, 12, 10), time(10)),
            "end_dt": local_datetime(date(2026, 12, 10), time(11, 30))}, actor="test", now=NOW)
        for number in range(SUBSCRIBERS):
            person = people_services.create_person(
                {"name": "佐藤 恵子", "name_kana": "さとう けいこ",
                 "phone": f"090-5000-{number:04d}"}, channel="web", consent_method="web",
                actor="test", now=NOW)
            news.subscribe_news(person, {"topics": ["line"], "channel": "sms",
                                         "consent": True}, method="web", actor="test", now=NOW)
        db.session.commit()


def test_concurrent_runners_make_one_digest(live_app):
    _setup(live_app)
    barrier = threading.Barrier(RUNNERS)
    results, errors = [], []

    def run():
        with live_app.app_context():
            try:
                barrier.wait()
                results.append(news_digest.run_digest(now=DIGEST_AT))
            except Exception as error:  # every runner must get an answer
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    made = [result for result in results if result is not None]
    assert made == [{"period": "2026-12", "classes": 1, "messages": SUBSCRIBERS}]
    with live_app.app_context():
        assert db.session.scalar(select(func.count(NewsDigest.id))) == 1
        assert db.session.scalar(select(func.count(NewsDelivery.id))) == SUBSCRIBERS
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.topic == news.TOPIC)) == SUBSCRIBERS


def test_the_scheduler_asks_the_digest_every_round(live_app):
    """desk serve's scheduler and Celery beat run notify's periodic jobs; the digest is
    one of them, and a period already made is left alone."""
    assert "news_digest" in tasks.PERIODIC
    february = local_datetime(date(2027, 2, 1), time(10))
    with live_app.app_context():
        assert tasks.run_periodic(now=february - timedelta(minutes=1)) in (
            {}, {"news_digest": {"period": "2027-01", "classes": 0, "messages": 0}})
        assert tasks.run_periodic(now=february) == {
            "news_digest": {"period": "2027-02", "classes": 0, "messages": 0}}
        assert tasks.run_periodic(now=february + timedelta(hours=1)) == {}
        db.session.remove()
