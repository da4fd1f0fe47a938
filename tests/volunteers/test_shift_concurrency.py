"""The last place on a shift is taken once, whatever the concurrency, on SQLite and
PostgreSQL: volunteers sign up at the same moment (threads released by a barrier), each
in its own context, connection and transaction, as requests would."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.errors import ConflictError
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.extensions import db
from desk.volunteers import services
from desk.volunteers.models import AssignmentStatus, Shift, ShiftAssignment, Volunteer
from tests.conftest import _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once

VOLUNTEERS = 20


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=VOLUNTEERS + 2) as app:
        yield app


def _setup(app, places):
    """A shift a week ahead with `places` places and VOLUNTEERS volunteers: their ids."""
    with app.app_context():
        now = utcnow()
        stamp = now.strftime("%H%M%S%f")
        venue = event_services.create_venue({
            "name": f"藤沢公民館{stamp}", "name_kana": "フジサワコウミンカン", "short_name": "藤沢",
            "address": "神奈川県藤沢市朝日町1-1", "default_capacity": 20}, actor="test")
        day = local_today(now) + timedelta(days=7)
        session = event_services.create_session({
            "kind": "consultation", "venue_id": venue.id,
            "start_dt": local_datetime(day, time(13)), "end_dt": local_datetime(day, time(16))},
            actor="test", now=now)
        shift = services.create_shift(session, {"role": "reception", "places": places},
                                      actor="test", now=now)
        volunteers = [services.create_volunteer({
            "name": "山本 和夫", "name_kana": "ヤマモト カズオ", "affiliation": "ict_volunteer",
            "email": f"v{stamp}-{index}@example.jp"}, actor="test", now=now)
            for index in range(VOLUNTEERS)]
        db.session.commit()
        return shift.id, [volunteer.id for volunteer in volunteers]


def _sign_up(app, shift_id, volunteer_id, now):
    def action():
        shift = db.session.get(Shift, shift_id)
        volunteer = db.session.get(Volunteer, volunteer_id)
        try:
            services.sign_up_for_shift(shift, volunteer, actor="test", now=now)
        except ConflictError as error:
            return error.code
        return "taken"

    return _transaction(app, action)


def _holders(app, shift_id):
    with app.app_context():
        return db.session.scalar(select(func.count(ShiftAssignment.id)).where(
            ShiftAssignment.shift_id == shift_id,
            ShiftAssignment.status == AssignmentStatus.ACTIVE))


@pytest.mark.parametrize("places", [1, 3])
def test_the_last_place_is_taken_once(live_app, places):
    shift_id, volunteer_ids = _setup(live_app, places)
    answers = run_at_once(VOLUNTEERS, lambda index, now: _sign_up(
        live_app, shift_id, volunteer_ids[index], now))
    assert answers.count("taken") == places
    assert answers.count("shift_full") == VOLUNTEERS - places
    assert _holders(live_app, shift_id) == places


def test_one_volunteer_tapping_twice_holds_one_place(live_app):
    shift_id, volunteer_ids = _setup(live_app, 3)
    answers = run_at_once(8, lambda index, now: _sign_up(live_app, shift_id, volunteer_ids[0],
                                                         now))
    assert answers.count("taken") == 1
    assert answers.count("already_on_shift") == 7
    assert _holders(live_app, shift_id) == 1
