"""Moving a booking under concurrency, on SQLite and PostgreSQL (real commits, one
connection per request, threads released together: see test_booking_concurrency.py).

- A move into a session's last seat and a new booking of that seat at the same moment:
  exactly one gets the seat, the capacity is never exceeded, and the loser is told
  (the move is refused as full and changes nothing; the booking goes on the waiting
  list).
- Two moves the opposite way round (A -> B and B -> A) at once: both sessions are
  locked in id order, so neither waits for the other forever (no deadlock, no Busy).
"""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.bookings import MoveError
from desk.events.models import Booking, BookingStatus, EventSession
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _new_person, _transaction, run_at_once

pytestmark = LIVE_DATABASES

ROUNDS = 8
_numbers = iter(range(1, 10**6))


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=6) as app:
        yield app


def _sessions(app, *capacities):
    """Classes of one program a week and two weeks ahead (real time), with these
    capacities; their ids."""
    def action():
        now = utcnow()
        number = next(_numbers)
        venue = services.create_venue({
            "name": f"藤沢市民会館{number}", "name_kana": "フジサワシミンカイカン",
            "short_name": "市民会館", "address": "神奈川県藤沢市鵠沼東8-1",
            "default_capacity": 20}, actor="test")
        program = services.create_program({
            "title": f"LINEをはじめよう{number}", "title_kana": "ラインヲハジメヨウ",
            "topic": "line", "level": "beginner", "device": "any",
            "default_duration_minutes": 90}, actor="test")
        ids = []
        for weeks, capacity in enumerate(capacities, start=1):
            day = local_today(now) + timedelta(days=7 * weeks)
            ids.append(services.create_session({
                "kind": "class", "venue_id": venue.id, "program_id": program.id,
                "capacity": capacity, "start_dt": local_datetime(day, time(10)),
                "end_dt": local_datetime(day, time(11, 30))}, actor="test", now=now).id)
        return ids

    return _transaction(app, action)


def _book(app, session_id, now):
    def action():
        session = db.session.get(EventSession, session_id)
        return services.book_seat(session, _new_person(now), channel="web", actor="web",
                                  now=now).booking.id

    return _transaction(app, action)


def _move(app, booking_id, target_id, now):
    def action():
        booking = db.session.get(Booking, booking_id)
        target = db.session.get(EventSession, target_id)
        try:
            services.move_booking(booking, target, channel="web", actor="web", now=now)
        except MoveError as error:
            return error.code
        return "moved"

    return _transaction(app, action)


def _state(app, session_id):
    with app.app_context():
        return [(booking.id, booking.status) for booking in db.session.scalars(
            select(Booking).where(Booking.session_id == session_id).order_by(Booking.id))]


def test_a_move_and_a_booking_race_for_the_last_seat(live_app):
    for _round in range(ROUNDS):
        old_id, target_id = _sessions(live_app, 5, 1)
        moving = _book(live_app, old_id, utcnow())

        def work(index, now, moving=moving, target_id=target_id):
            if index == 0:
                return _move(live_app, moving, target_id, now)
            return _book(live_app, target_id, now)

        moved, booked_id = run_at_once(2, work)
        target = dict(_state(live_app, target_id))
        old = dict(_state(live_app, old_id))
        assert list(target.values()).count(BookingStatus.BOOKED) == 1  # never two
        if moved == "moved":
            assert target[moving] == BookingStatus.BOOKED
            assert target[booked_id] == BookingStatus.WAITLISTED
            assert moving not in old
        else:
            assert moved == "session_full"
            assert target == {booked_id: BookingStatus.BOOKED}
            assert old == {moving: BookingStatus.BOOKED}  # nothing changed


def test_moves_the_opposite_way_round_do_not_deadlock(live_app):
    for _round in range(ROUNDS):
        first_id, second_id = _sessions(live_app, 2, 2)
        there = _book(live_app, first_id, utcnow())
        back = _book(live_app, second_id, utcnow())
        answers = run_at_once(2, lambda index, now, pairs=((there, second_id),
                                                             (back, first_id)):
                              _move(live_app, *pairs[index], now))
        assert answers == ["moved", "moved"]
        assert [booking_id for booking_id, _status in _state(live_app, first_id)] == [back]
        assert [booking_id for booking_id, _status in _state(live_app, second_id)] == [there]
