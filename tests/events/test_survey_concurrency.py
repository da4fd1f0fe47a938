"""Two taps on the survey's "send" at the same moment (on SQLite and PostgreSQL, real
commits): the invitation's row lock lets the first save its answers; the second finds
them and is refused as already answered, never saving twice."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.core.db import write_intent
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services, surveys
from desk.events.models import SurveyInvitation
from desk.extensions import db
from desk.people import services as people_services
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES


def _invitation(now):
    venue = services.create_venue({
        "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター", "short_name": "辻堂",
        "address": "神奈川県藤沢市辻堂東海岸1-1-41", "default_capacity": 20}, actor="test")
    program = services.create_program({
        "title": "LINEのはじめ方", "title_kana": "ラインノハジメカタ", "topic": "line",
        "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor="test")
    day = local_today(now) - timedelta(days=1)
    session = services.create_session({
        "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 5,
        "start_dt": local_datetime(day, time(10)), "end_dt": local_datetime(day, time(11, 30))},
        actor="test", now=now - timedelta(days=10))
    person = people_services.create_person(
        {"name": "高橋 和子", "name_kana": "たかはし かずこ", "phone": "080-2345-6789",
         "consent": True}, channel="phone_desk", consent_method="phone_staff", actor="test",
        now=now)
    booking = services.book_seat(session, person, channel="phone_desk", actor="test",
                                 now=now - timedelta(days=3), survey_consent=True).booking
    services.set_attendance(booking, "attended", actor="test", now=session.end_dt)
    invitation = surveys.invitation_of(booking)
    db.session.commit()
    return invitation.id


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_two_answers_at_once_save_one(kind, tmp_path_factory):
    with live_database_app(kind, tmp_path_factory, connections=4) as app:
        now = utcnow()
        with app.app_context():
            invitation_id = _invitation(now)
        flushed, release = threading.Event(), threading.Event()
        outcome = {}

        def first():
            with app.app_context(), write_intent():
                surveys.answer(db.session.get(SurveyInvitation, invitation_id),
                               {"useful": "5"}, now=now)
                flushed.set()
                release.wait(timeout=30)  # answered, not yet committed
                db.session.commit()

        def second():
            with app.app_context(), write_intent():
                try:
                    surveys.answer(db.session.get(SurveyInvitation, invitation_id),
                                   {"useful": "1"}, now=now)
                    outcome["second"] = "saved"
                    db.session.commit()
                except surveys.SurveyClosed:
                    outcome["second"] = "closed"
                    db.session.rollback()

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
        assert outcome == {"second": "closed"}
        with app.app_context():
            assert db.session.scalar(select(SurveyInvitation.useful)) == 5
