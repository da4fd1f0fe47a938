"""A seat offered from the waiting list goes to one party only, whatever the concurrency
(desk.events.offers), on SQLite and PostgreSQL: real commits, one connection per thread,
threads released together (tests/events/test_booking_concurrency.py's way)."""

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import func, select, update

from desk.core.audit import AuditEntry
from desk.core.errors import DeskError
from desk.core.timeutil import utcnow
from desk.events import availability, offers, services
from desk.events.models import Booking, BookingStatus, EventSession, OfferState, SeatOffer
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _new_person, _transaction, run_at_once

pytestmark = LIVE_DATABASES

THREADS = 12
_venues = count(1)


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=THREADS + 2) as app:
        yield app


def _offered_session(app):
    """A class of one seat starting in about five hours (inside the offer window): its
    booked party cancelled, so the seat is offered to the first of two waiting. Returns
    (session id, first waiting booking id, second waiting booking id)."""
    with app.app_context():
        now = utcnow()
        start_dt = (now + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
        venue = services.create_venue({
            "name": f"辻堂市民センター{next(_venues)}号館", "name_kana": "ツジドウシミンセンター", "short_name": "辻堂",
            "address": "神奈川県藤沢市辻堂東海岸1-1", "default_capacity": 20}, actor="test")
        program = services.create_program({
            "title": f"LINEをはじめよう{next(_venues)}", "title_kana": "ラインヲハジメヨウ", "topic": "line",
            "level": "beginner", "device": "any", "default_duration_minutes": 60},
            actor="test")
        session = services.create_session({
            "kind": "class", "venue_id": venue.id, "program_id": program.id, "capacity": 1,
            "start_dt": start_dt, "end_dt": start_dt + timedelta(minutes=30)},
            actor="test", now=now)
        booked, first, second = (
            services.book_seat(session, _new_person(now), channel="web", actor="test",
                               now=now).booking for _index in range(3))
        services.cancel_booking(booked, actor="test", now=now)
        db.session.commit()
        [offer] = db.session.scalars(select(SeatOffer).where(
            SeatOffer.session_id == session.id)).all()
        assert offer.booking_id == first.id
        return session.id, first.id, second.id


def _take(app, booking_id, now):
    def action():
        offer = offers.latest_offer(db.session.get(Booking, booking_id))
        if offer is None:
            return "not offered yet"
        try:
            offers.take_offer(offer, actor="test", now=now)
        except DeskError:
            return "refused"
        return "taken"

    return _transaction(app, action)


def _book_new(app, session_id, now):
    def action():
        session = db.session.get(EventSession, session_id)
        return services.book_seat(session, _new_person(now), channel="web", actor="test",
                                  now=now).booking.status

    return _transaction(app, action)


def _seats_booked(app, session_id):
    with app.app_context():
        session = db.session.get(EventSession, session_id)
        return availability.seats_taken(session), db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "offer.taken",
                                                    AuditEntry.object_type == "seat_offers"))


def test_an_offered_seat_goes_to_its_party_once_while_others_book(live_app):
    session_id, first_id, _second_id = _offered_session(live_app)
    with live_app.app_context():
        taken_before = db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "offer.taken"))

    def work(index, now):
        if index % 2:
            return _take(live_app, first_id, now)  # a double tap, SMS and page at once
        return _book_new(live_app, session_id, now)

    answers = run_at_once(THREADS, work)
    assert set(answers[1::2]) == {"taken"}  # taking again is no change, never an error
    assert set(answers[0::2]) == {BookingStatus.WAITLISTED}  # the seat was held
    taken, audited = _seats_booked(live_app, session_id)
    assert taken == 1 and audited == taken_before + 1
    with live_app.app_context():
        assert db.session.get(Booking, first_id).status == BookingStatus.BOOKED


def test_a_late_take_and_the_expiry_never_both_win(live_app):
    session_id, first_id, second_id = _offered_session(live_app)
    with live_app.app_context():
        db.session.execute(update(SeatOffer).where(SeatOffer.booking_id == first_id)
                           .values(offered_dt=utcnow() - timedelta(hours=2),
                                   expires_dt=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    def work(index, now):
        if index % 3 == 0:
            return _take(live_app, first_id, now)
        if index % 3 == 1:
            return _take(live_app, second_id, now)
        with live_app.app_context():
            return ("expired", tuple(offers.expire_due(now=now)))

    answers = run_at_once(THREADS, work)
    assert set(answers[0::3]) == {"refused"}  # past its deadline
    assert set(answers[1::3]) <= {"not offered yet", "taken"}
    expired = [answer[1] for answer in answers[2::3]]
    assert sum(len(ids) for ids in expired) == 1  # one runner expired it, once
    with live_app.app_context():
        states = dict(db.session.execute(select(SeatOffer.booking_id, SeatOffer.state).where(
            SeatOffer.session_id == session_id)).all())
        assert states[first_id] == OfferState.EXPIRED
        assert states[second_id] in (OfferState.OPEN, OfferState.TAKEN)
        statuses = dict(db.session.execute(select(Booking.id, Booking.status).where(
            Booking.id.in_([first_id, second_id]))).all())
        assert statuses[first_id] == BookingStatus.WAITLISTED
    taken, _audited = _seats_booked(live_app, session_id)
    assert taken == 1  # the second party's offer or booking: one seat, never two
