"""A merge runs while the same sessions are booked and cancelled (SQLite and
PostgreSQL): every request finishes (the merge locks the people, then the sessions, as
book_seat and cancel_booking lock a session before they read a person's bookings; no
deadlock), capacity holds and the kept record ends with one active booking per session.

Each request is one transaction in its own context, with real commits (see
tests/events/test_booking_concurrency.py for the harness).
"""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, EventSession
from desk.extensions import db
from desk.people import services as people_services
from desk.people.models import Person
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once

pytestmark = LIVE_DATABASES

CAPACITY = 4
CANCELS = 4
BOOKINGS = 8


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=20) as app:
        yield app


def _person(number, now, kana="サトウ ケイコ"):
    return people_services.create_person(
        {"name": "佐藤 恵子", "name_kana": kana, "phone": f"080-5555-{number:04d}",
         "consent": True}, channel="web", consent_method="web", actor="test", now=now)


def _setup(now):
    """Two classes a week ahead, each with the two records of one resident booked, other
    people booked and a waiting list. Returns (keep id, drop id, session ids, ids of
    other people's booked bookings)."""
    venue = services.create_venue({
        "name": "湘南台市民センター", "name_kana": "ショウナンダイシミンセンター",
        "short_name": "湘南台", "address": "神奈川県藤沢市湘南台1-8",
        "default_capacity": 20}, actor="test")
    program = services.create_program({
        "title": "はじめてのスマホ", "title_kana": "ハジメテノスマホ", "topic": "basics",
        "level": "beginner", "device": "any", "default_duration_minutes": 90}, actor="test")
    day = local_today(now) + timedelta(days=7)
    keep, drop = _person(1, now), _person(2, now)
    sessions, others = [], []
    for hour in (10, 14):
        session = services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id,
            "capacity": CAPACITY, "start_dt": local_datetime(day, time(hour)),
            "end_dt": local_datetime(day, time(hour + 1))}, actor="test", now=now)
        sessions.append(session.id)
        for person in (keep, drop, *(_person(10 + hour * 10 + index, now) for index in range(4))):
            booking = services.book_seat(session, person, channel="web", actor="test",
                                         now=now).booking
            if person.id not in (keep.id, drop.id) and booking.status == BookingStatus.BOOKED:
                others.append(booking.id)
    return keep.id, drop.id, sessions, others


def test_a_merge_while_the_sessions_are_booked_and_cancelled(live_app):
    keep_id, drop_id, session_ids, others = _transaction(live_app, lambda: _setup(utcnow()))
    numbers = iter(range(1000, 2000))

    def merge(now):
        keep, drop = db.session.get(Person, keep_id), db.session.get(Person, drop_id)
        return people_services.merge_people(keep, drop, actor="test", now=now).cancelled

    def cancel(index, now):
        booking = db.session.get(Booking, others[index])
        return services.cancel_booking(booking, actor="test", now=now)

    def book(index, now):
        session = db.session.get(EventSession, session_ids[index % 2])
        return services.book_seat(session, _person(next(numbers), now, kana="スズキ シゲル"),
                                  channel="web", actor="test", now=now)

    def work(index, now):
        if index == 0:
            return _transaction(live_app, lambda: merge(now))
        if index <= CANCELS:
            return _transaction(live_app, lambda: cancel(index - 1, now))
        return _transaction(live_app, lambda: book(index, now))

    answers = run_at_once(1 + CANCELS + BOOKINGS, work)

    assert len(answers[0]) == 2  # one duplicate booking cancelled per session
    with live_app.app_context():
        assert db.session.get(Person, drop_id).merged_into_id == keep_id
        assert db.session.scalar(select(Booking.id).where(Booking.person_id == drop_id)) is None
        for session_id in session_ids:
            active = db.session.scalars(select(Booking).where(
                Booking.session_id == session_id,
                Booking.status.in_(ACTIVE_BOOKING_STATUSES))).unique().all()
            assert sum(b.seats for b in active if b.status == BookingStatus.BOOKED) <= CAPACITY
            people = [booking.person_id for booking in active]
            assert len(people) == len(set(people)) and keep_id in people
