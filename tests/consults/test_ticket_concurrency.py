"""Ticket numbers are unique per session even when receptionists tap at the same moment,
and two volunteers taking the next visitor at once take different tickets — on SQLite
and PostgreSQL, each tap in its own context, connection and transaction."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.consults import services
from desk.consults.models import Ticket, TicketStatus
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.events.models import EventSession
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once

pytestmark = LIVE_DATABASES

TAPS = 20


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=TAPS + 2) as app:
        yield app


def _session(app):
    with app.app_context():
        now = utcnow()
        venue = event_services.create_venue({
            "name": f"辻堂市民センター{now:%H%M%S%f}", "name_kana": "ツジドウシミンセンター",
            "short_name": "辻堂", "address": "神奈川県藤沢市辻堂東海岸1-1",
            "default_capacity": 20}, actor="test")
        # today (Japan time) and running, whatever the hour the tests run
        start = max(local_datetime(local_today(now), time(0)), now - timedelta(hours=6))
        session = event_services.create_session({
            "kind": "consultation", "venue_id": venue.id,
            "start_dt": start, "end_dt": start + timedelta(hours=12)}, actor="test", now=now)
        db.session.commit()
        return session.id


def _numbers(app, session_id):
    with app.app_context():
        return sorted(db.session.scalars(select(Ticket.number).where(
            Ticket.session_id == session_id)))


def test_simultaneous_taps_get_distinct_numbers(live_app):
    session_id = _session(live_app)

    def issue(index, now):
        return _transaction(live_app, lambda: services.issue_ticket(
            db.session.get(EventSession, session_id), {}, actor="test", now=now).number)

    answers = run_at_once(TAPS, issue)
    assert sorted(answers) == list(range(1, TAPS + 1))
    assert _numbers(live_app, session_id) == list(range(1, TAPS + 1))


def test_volunteers_taking_next_at_once_take_different_tickets(live_app):
    session_id = _session(live_app)
    with live_app.app_context():
        for minute in range(6):
            services.issue_ticket(db.session.get(EventSession, session_id), {}, actor="test",
                                  now=utcnow() - timedelta(minutes=10 - minute))
        db.session.commit()

    def take(index, now):
        return _transaction(live_app, lambda: services.call_next(
            db.session.get(EventSession, session_id), actor="test", now=now).number)

    answers = run_at_once(6, take)
    assert sorted(answers) == [1, 2, 3, 4, 5, 6]
    with live_app.app_context():
        assert set(db.session.scalars(select(Ticket.status).where(
            Ticket.session_id == session_id))) == {TicketStatus.SERVING}
