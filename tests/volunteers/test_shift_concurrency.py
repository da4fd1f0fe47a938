"""The last place on a shift is taken once, whatever the concurrency, on SQLite and
PostgreSQL: volunteers sign up at the same moment (threads released by a barrier), each
in its own context, connection and transaction, as requests would. A shift cancelled
(on its own, or with its session) while volunteers sign up never ends with an active
assignment: each sign-up waits for the shift's lock and then sees it cancelled."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.core.errors import ConflictError, ValidationError
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.events.models import EventSession
from desk.extensions import db
from desk.volunteers import services
from desk.volunteers.models import (
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftStatus,
    Volunteer,
)
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once

pytestmark = LIVE_DATABASES

VOLUNTEERS = 20


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=VOLUNTEERS + 2) as app:
        yield app


def _new_shift(now, places, days_ahead=7):
    """A consultation session `days_ahead` days ahead, at a venue of its own, with one
    shift of `places` places."""
    stamp = now.strftime("%H%M%S%f")
    venue = event_services.create_venue({
        "name": f"藤沢公民館{stamp}", "name_kana": "フジサワコウミンカン", "short_name": "藤沢",
        "address": "神奈川県藤沢市朝日町1-1", "default_capacity": 20}, actor="test")
    day = local_today(now) + timedelta(days=days_ahead)
    session = event_services.create_session({
        "kind": "consultation", "venue_id": venue.id,
        "start_dt": local_datetime(day, time(13)), "end_dt": local_datetime(day, time(16))},
        actor="test", now=now)
    return services.create_shift(session, {"role": "reception", "places": places},
                                 actor="test", now=now)


def _setup(app, places):
    """A shift a week ahead with `places` places and VOLUNTEERS volunteers: their ids."""
    with app.app_context():
        now = utcnow()
        stamp = now.strftime("%H%M%S%f")
        shift = _new_shift(now, places)
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


def test_one_volunteer_signing_up_for_two_overlapping_shifts_at_once_gets_one(live_app):
    """Two shifts at the same time (two tabs, two taps): the volunteer's own sign-ups
    wait for each other, so the second sees the first and is refused."""
    with live_app.app_context():
        now = utcnow()
        shift_ids = [_new_shift(now + timedelta(microseconds=index), 2).id
                     for index in range(2)]
        volunteer_id = services.create_volunteer({
            "name": "石井 直子", "name_kana": "イシイ ナオコ", "affiliation": "ict_volunteer",
            "email": f"ishii-{now:%H%M%S%f}@example.jp"}, actor="test", now=now).id
        db.session.commit()

    def sign_up(index, now):
        try:
            return _sign_up(live_app, shift_ids[index % 2], volunteer_id, now)
        except ValidationError:
            return "overlap"

    for _round in range(3):
        answers = run_at_once(2, sign_up)
        assert sorted(answers) == ["overlap", "taken"]
        with live_app.app_context():
            held = db.session.scalars(select(ShiftAssignment).where(
                ShiftAssignment.volunteer_id == volunteer_id,
                ShiftAssignment.status == AssignmentStatus.ACTIVE)).all()
            assert len(held) == 1
            services.withdraw_from_shift(held[0], actor="test", now=utcnow())
            db.session.commit()


# -- a cancellation racing the sign-ups ----------------------------------------------------------

ROUNDS = 12
SIGNING_UP = 6


def _cancel(app, shift_id, *, whole_session, now):
    def action():
        shift = db.session.get(Shift, shift_id)
        if whole_session:
            event_services.cancel_session(db.session.get(EventSession, shift.session_id),
                                          "台風のため", actor="test", now=now)
        else:
            services.cancel_shift(shift, actor="test", now=now)
        return "cancelled"

    return _transaction(app, action)


def _sign_up_or_refused(app, shift_id, volunteer_id, now):
    def action():
        try:
            services.sign_up_for_shift(db.session.get(Shift, shift_id),
                                       db.session.get(Volunteer, volunteer_id), actor="test",
                                       now=now)
        except ValidationError:
            return "refused"
        return "taken"

    return _transaction(app, action)


def _active_on_cancelled(app, shift_ids):
    with app.app_context():
        return db.session.scalar(
            select(func.count(ShiftAssignment.id)).join(ShiftAssignment.shift)
            .where(ShiftAssignment.shift_id.in_(shift_ids),
                   ShiftAssignment.status == AssignmentStatus.ACTIVE,
                   Shift.status == ShiftStatus.CANCELLED))


def test_a_cancelled_shift_keeps_no_volunteer(live_app):
    """Each round: one coordinator cancels a shift (every other round: its whole
    session) while SIGNING_UP volunteers sign up for it, all released at once."""
    _shift_id, volunteer_ids = _setup(live_app, 1)
    shift_ids = []
    for round_number in range(ROUNDS):
        with live_app.app_context():
            # a day of its own per round: no sign-up clashes with an earlier round's
            shift_ids.append(_new_shift(utcnow(), SIGNING_UP, days_ahead=8 + round_number).id)
            db.session.commit()
        shift_id = shift_ids[-1]
        answers = run_at_once(SIGNING_UP + 1, lambda index, now, shift_id=shift_id,
                              whole=round_number % 2 == 1: (
            _cancel(live_app, shift_id, whole_session=whole, now=now) if index == 0
            else _sign_up_or_refused(live_app, shift_id, volunteer_ids[index], now)))
        assert answers[0] == "cancelled"
        assert set(answers[1:]) <= {"taken", "refused"}
        assert _active_on_cancelled(live_app, [shift_id]) == 0, f"round {round_number}"
    with live_app.app_context():
        assert set(db.session.scalars(select(Shift.status).where(Shift.id.in_(shift_ids)))) \
            == {ShiftStatus.CANCELLED}
