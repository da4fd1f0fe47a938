"""The waiting list followed up, under concurrency, on SQLite and PostgreSQL: two
parties taking the last seat of the class offered at once (one wins, the class is never
overbooked), and the job run twice at once (one follow-up per booking, one message).
Real commits on a fresh database per kind (tests/events/test_booking_concurrency.py)."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, update

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import followups, services
from desk.events.models import (
    Booking,
    BookingStatus,
    EventSession,
    FollowUpState,
    WaitlistFollowUp,
)
from desk.events.notices import BookingTemplate
from desk.events.offers import OfferClosedError
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once

pytestmark = LIVE_DATABASES


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=6) as app:
        yield app


def _person(number, now):
    return people_services.create_person(
        {"name": "高橋 美代子", "name_kana": "タカハシ ミヨコ",
         "phone": f"070-3{number:03d}-{number * 7 % 10000:04d}", "consent": True},
        channel="web", consent_method="web", actor="test", now=now)


def _setup(app, number):
    """A class whose start has just passed with one booked and two waiting, and the next
    class of the same program with one seat: (waited id, target id)."""
    def action():
        now = utcnow()
        district = services.create_district(
            {"name": f"六会地区{number}", "name_kana": "ムツアイチク", "position": number},
            actor="test")
        venue = services.create_venue({
            "name": f"六会市民センター{number}", "name_kana": "ムツアイシミンセンター",
            "short_name": "六会", "address": "神奈川県藤沢市亀井野1-1",
            "district_id": district.id, "default_capacity": 20}, actor="test")
        program = services.create_program({
            "title": f"LINEで写真を送ろう{number}", "title_kana": "ラインデシャシンヲオクロウ",
            "topic": "basics", "level": "beginner", "device": "any",
            "default_duration_minutes": 90}, actor="test")
        day = local_today(now) + timedelta(days=7)
        sessions = [services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 1,
            "start_dt": local_datetime(day + timedelta(days=offset), time(10)),
            "end_dt": local_datetime(day + timedelta(days=offset), time(11, 30))},
            actor="test", now=now) for offset in (0, 7)]
        for index in range(3):
            services.book_seat(sessions[0], _person(number * 10 + index, now), channel="web",
                               actor="test", now=now)
        # the first class started an hour ago (moved back in time for the test)
        start = now - timedelta(hours=1)
        db.session.execute(update(EventSession).where(EventSession.id == sessions[0].id)
                           .values(start_dt=start, end_dt=start + timedelta(minutes=90)))
        return sessions[0].id, sessions[1].id

    return _transaction(app, action)


def _take(app, followup_id, now):
    def action():
        followup = db.session.get(WaitlistFollowUp, followup_id)
        try:
            followups.take_followup(followup, channel="web", actor="test", now=now)
        except OfferClosedError:
            return "refused"
        return "taken"

    return _transaction(app, action)


def test_the_job_twice_at_once_follows_up_once(live_app):
    waited_id, target_id = _setup(live_app, 1)
    run_at_once(2, lambda index, now: followups_run(live_app, now))
    with live_app.app_context():
        rows = db.session.scalars(select(WaitlistFollowUp).where(
            WaitlistFollowUp.session_id == waited_id)).all()
        assert len(rows) == 2 and {row.target_session_id for row in rows} == {target_id}
        booking_ids = [row.booking_id for row in rows]
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == BookingTemplate.FOLLOWUP_OFFERED,
            OutboxMessage.topic_id.in_(booking_ids))) == 2  # one SMS each


def followups_run(app, now):
    with app.app_context():
        return followups.run_followups(now=now)


def test_two_takers_of_the_last_seat_one_wins(live_app):
    waited_id, target_id = _setup(live_app, 2)
    with live_app.app_context():
        followups.run_followups(now=utcnow())
        ids = list(db.session.scalars(select(WaitlistFollowUp.id).where(
            WaitlistFollowUp.session_id == waited_id).order_by(WaitlistFollowUp.id)))
    assert len(ids) == 2
    answers = run_at_once(2, lambda index, now: _take(live_app, ids[index], now))
    assert sorted(answers) == ["refused", "taken"]
    with live_app.app_context():
        booked = db.session.scalar(select(func.count(Booking.id)).where(
            Booking.session_id == target_id, Booking.status == BookingStatus.BOOKED))
        assert booked == 1
        states = sorted(db.session.scalars(select(WaitlistFollowUp.state).where(
            WaitlistFollowUp.id.in_(ids))))
        assert states == sorted([FollowUpState.TAKEN, FollowUpState.OPEN])
