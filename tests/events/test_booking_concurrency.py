"""Capacity holds whatever the concurrency (DESIGN.md's invariants), on SQLite and PostgreSQL.

Many bookings start at the same moment (threads released by a barrier), each in its own
application context, its own database connection and ONE transaction (create the person,
book, commit), as a request would. These tests therefore use a fresh app and database
per kind with real commits, not the savepoint-isolated `app` fixture. Every request
must get an answer: a "database is locked" or any other error fails the test.
"""

import threading
from dataclasses import dataclass
from datetime import time, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.core.db import write_intent
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.bookings import waitlist
from desk.events.models import Booking, BookingStatus, EventSession
from desk.extensions import db
from desk.people import services as people_services
from desk.people.models import Person
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

CLIENTS = 50
CAPACITY = 10
_phones = count(1)


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    """A fresh database of each kind whose connections really run side by side."""
    with live_database_app(request.param, tmp_path_factory, connections=CLIENTS + 2) as app:
        yield app


@dataclass
class Answer:
    booking_id: int
    status: BookingStatus
    position: int | None
    seats: int
    created: bool


def _person_data():
    number = next(_phones)
    return {"name": "佐藤 恵子", "name_kana": "サトウ ケイコ",
            "phone": f"080-{number // 10000 + 1000:04d}-{number % 10000:04d}", "consent": True}


def _new_person(now):
    return people_services.create_person(_person_data(), channel="web", consent_method="web",
                                         actor="test", now=now)


@pytest.fixture
def make_session(live_app):
    """A class a week ahead (real time: the threads book at utcnow())."""
    def factory(capacity=CAPACITY):
        with live_app.app_context():
            now = utcnow()
            venue = services.create_venue({
                "name": f"湘南台市民センター{next(_phones)}", "name_kana": "ショウナンダイシミンセンター",
                "short_name": "湘南台", "address": "神奈川県藤沢市湘南台1-8",
                "default_capacity": 20}, actor="test")
            program = services.create_program({
                "title": f"はじめてのスマホ{next(_phones)}", "title_kana": "ハジメテノスマホ",
                "topic": "basics", "level": "beginner", "device": "any",
                "default_duration_minutes": 90}, actor="test")
            day = local_today(now) + timedelta(days=7)
            session = services.create_session({
                "kind": "class", "venue_id": venue.id, "program_id": program.id,
                "capacity": capacity, "start_dt": local_datetime(day, time(10)),
                "end_dt": local_datetime(day, time(11, 30))}, actor="test", now=now)
            db.session.commit()
            return session.id

    return factory


def run_at_once(count_, work):
    """Call work(index, now) in `count_` threads released together by a barrier; each
    thread takes its `now` before the barrier, as a request does when it arrives.
    Returns the answers in index order; any exception fails the test."""
    barrier = threading.Barrier(count_)
    answers = [None] * count_
    errors = []

    def worker(index):
        try:
            now = utcnow()
            barrier.wait(timeout=30)
            answers[index] = work(index, now)
        except BaseException as error:  # every failure is reported, whatever it is
            errors.append(f"{index}: {error!r}")

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never answered"
    assert not errors, errors
    assert all(answer is not None for answer in answers)
    return answers


def _transaction(app, action):
    """One transaction in a context of its own, as a request (BEGIN IMMEDIATE on SQLite)."""
    with app.app_context(), write_intent():
        try:
            result = action()
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise


def _book(app, session_id, *, now, seats=1, person_id=None):
    def action():
        person = (db.session.get(Person, person_id) if person_id is not None
                  else _new_person(now))
        session = db.session.get(EventSession, session_id)
        result = services.book_seat(session, person, seats=seats, channel="web",
                                    actor="test", now=now)
        return Answer(result.booking.id, result.booking.status, result.waitlist_position,
                      seats, result.created)

    return _transaction(app, action)


def _bookings(app, session_id):
    with app.app_context():
        return {booking.id: (booking.status, booking.seats, booking.person_id)
                for booking in db.session.scalars(
                    select(Booking).where(Booking.session_id == session_id))}


def _waitlist_ids(app, session_id):
    with app.app_context():
        return [booking.id for booking in waitlist(db.session.get(EventSession, session_id))]


def _booked_seats(bookings):
    return sum(seats for status, seats, _person in bookings.values()
               if status == BookingStatus.BOOKED)


def test_fifty_bookings_at_once_fill_ten_seats_and_queue_the_rest(live_app, make_session):
    session_id = make_session()
    answers = run_at_once(CLIENTS, lambda index, now: _book(live_app, session_id, now=now))

    stored = _bookings(live_app, session_id)
    assert len(stored) == CLIENTS
    assert _booked_seats(stored) == CAPACITY
    booked = [answer for answer in answers if answer.status == BookingStatus.BOOKED]
    waiting = [answer for answer in answers if answer.status == BookingStatus.WAITLISTED]
    assert len(booked) == CAPACITY and all(answer.position is None for answer in booked)
    # the positions given out are 1..N, without gaps or repeats ...
    assert sorted(answer.position for answer in waiting) == list(range(1, CLIENTS - CAPACITY + 1))
    # ... and still true afterwards: the answer said where each one stands
    by_position = sorted(waiting, key=lambda answer: answer.position)
    assert _waitlist_ids(live_app, session_id) == [answer.booking_id for answer in by_position]
    assert all(stored[answer.booking_id][0] == answer.status for answer in answers)


def test_parties_at_once_never_exceed_capacity(live_app, make_session):
    session_id = make_session()
    sizes = [(2, 3, 1, 2, 3)[index % 5] for index in range(CLIENTS)]
    answers = run_at_once(CLIENTS, lambda index, now: _book(live_app, session_id, now=now,
                                                            seats=sizes[index]))

    stored = _bookings(live_app, session_id)
    assert len(stored) == CLIENTS
    taken = _booked_seats(stored)
    assert taken <= CAPACITY
    waiting = [answer for answer in answers if answer.status == BookingStatus.WAITLISTED]
    # no seat is left empty that a waiting party would fit
    assert all(answer.seats > CAPACITY - taken for answer in waiting)
    assert sorted(answer.position for answer in waiting) == list(range(1, len(waiting) + 1))


def test_same_person_booking_twice_at_once_gets_one_booking(live_app, make_session):
    session_id = make_session()
    person_id = _transaction(live_app, lambda: _new_person(utcnow()).id)
    answers = run_at_once(20, lambda index, now: _book(live_app, session_id, now=now,
                                                       person_id=person_id))

    assert len({answer.booking_id for answer in answers}) == 1
    assert sum(answer.created for answer in answers) == 1
    stored = _bookings(live_app, session_id)
    assert list(stored.values()) == [(BookingStatus.BOOKED, 1, person_id)]


def test_cancellations_during_bookings_promote_in_arrival_order(live_app, make_session):
    session_id = make_session()
    start = utcnow()
    first = [_book(live_app, session_id, now=start + timedelta(microseconds=index))
             for index in range(2 * CAPACITY)]
    booked = [answer.booking_id for answer in first[:CAPACITY]]
    queued = [answer.booking_id for answer in first[CAPACITY:]]
    assert [answer.position for answer in first[CAPACITY:]] == list(range(1, CAPACITY + 1))
    cancels = 5

    def cancel(index, now):
        def action():
            booking = db.session.get(Booking, booked[index])
            changes = services.cancel_booking(booking, actor="test", now=now)
            return [promoted.id for promoted in changes.promoted]

        return _transaction(live_app, action)

    def work(index, now):
        if index < cancels:
            return cancel(index, now)
        return _book(live_app, session_id, now=now)

    answers = run_at_once(cancels + 25, work)

    stored = _bookings(live_app, session_id)
    assert _booked_seats(stored) == CAPACITY
    promoted = [booking_id for answer in answers[:cancels] for booking_id in answer]
    assert sorted(promoted) == sorted(queued[:cancels])
    assert all(answer.status == BookingStatus.WAITLISTED for answer in answers[cancels:])
    # the rest wait in arrival order: the earlier queue first, then the newcomers
    newcomers = [answer.booking_id for answer in answers[cancels:]]
    remaining = _waitlist_ids(live_app, session_id)
    assert remaining[:CAPACITY - cancels] == queued[cancels:]
    assert sorted(remaining[CAPACITY - cancels:]) == sorted(newcomers)
    with live_app.app_context():
        order = db.session.scalars(
            select(AuditEntry.object_id)
            .where(AuditEntry.action == "booking.promote",
                   AuditEntry.object_id.in_(queued))
            .order_by(AuditEntry.id)).all()
    assert order == queued[:cancels]


def test_bookings_over_http_at_once(live_app, make_session):
    """The same race through the JSON API: each request is its own transaction."""
    session_id = make_session()
    client = live_app.test_client()

    def post(index, now):
        data = _person_data()
        response = client.post(f"/api/v1/sessions/{session_id}/bookings", json={
            "name": data["name"], "kana": data["name_kana"], "phone": data["phone"],
            "seats": 1, "consent": True})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    answers = run_at_once(30, post)
    assert sum(answer["status"] == "booked" for answer in answers) == CAPACITY
    positions = sorted(answer["waitlist_position"] for answer in answers
                       if answer["status"] == "waitlisted")
    assert positions == list(range(1, 30 - CAPACITY + 1))
    assert _booked_seats(_bookings(live_app, session_id)) == CAPACITY

