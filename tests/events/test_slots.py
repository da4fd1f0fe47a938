"""Reserved slots of a consultation session (desk.events.slots), end to end: the slots of a
session, the session's rules, the first free slot for each booking, cancellation and
promotion, moving a session, no two booked bookings on one slot (also under
concurrency, on SQLite and PostgreSQL), and what the web page, the confirmation SMS, the
calendar file and the API say."""

from datetime import time, timedelta
from itertools import count

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import func, select

from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime, local_today, to_local, utcnow
from desk.events import ics, services, slots
from desk.events.bookings import BookingError, fit_capacity, waitlist_position
from desk.events.models import Booking, BookingStatus, CancelReason, EventSession
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, OutboxMessage, RecipientKind
from tests.api.schema import ApiDocument
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _new_person, _transaction, run_at_once
from tests.fixtures.factories import NOW
from tests.fixtures.pages import text

pytestmark = LIVE_DATABASES

DAY = NOW.date() + timedelta(days=10)  # 2026-12-03, a Thursday
_phones = count(7000)


def at(hour, minute=0, day=DAY):
    return local_datetime(day, time(hour, minute))


@pytest.fixture
def make_desk(ctx, create_session):
    """A consultation session 10:00-12:00 with reserved slots of 30 minutes."""
    def factory(capacity=4, slot_minutes=30, day=DAY, start=time(10), end=time(12)):
        return create_session(kind="consultation", day=day, start=start, end=end,
                              capacity=capacity, slot_minutes=slot_minutes)

    return factory


@pytest.fixture
def desk_session(make_desk):
    return make_desk()


def book(session, person, **kwargs):
    result = services.book_seat(session, person, channel="phone_desk", actor="test",
                                now=kwargs.pop("now", NOW), **kwargs)
    db.session.commit()
    return result.booking


def booked_slots(session):
    db.session.expire_all()
    return [booking.slot_dt for booking in db.session.scalars(
        select(Booking).where(Booking.session_id == session.id,
                              Booking.status == BookingStatus.BOOKED)
        .order_by(Booking.slot_dt))]


def booking_count():
    return db.session.scalar(select(func.count()).select_from(Booking))


# -- the slots of a session -----------------------------------------------------------------

def test_slots_of_a_session_follow_one_another_from_the_start(desk_session):
    assert desk_session.has_reserved_slots and desk_session.takes_bookings
    assert slots.slot_times(desk_session) == [at(10), at(10, 30), at(11), at(11, 30)]
    assert slots.slots_that_fit(at(10), at(12), 30) == 4
    assert slots.slots_that_fit(at(10), at(11, 50), 30) == 3


def test_fewer_slots_than_fit_are_the_first_ones(make_desk):
    assert slots.slot_times(make_desk(capacity=2)) == [at(10), at(10, 30)]


def test_a_consultation_session_without_slot_length_takes_no_bookings(create_session,
                                                                       create_person, ctx):
    walk_ins_only = create_session(kind="consultation", day=DAY, capacity=4)
    assert slots.slot_times(walk_ins_only) == [] and not walk_ins_only.takes_bookings
    with pytest.raises(BookingError):
        services.book_seat(walk_ins_only, create_person(), channel="phone_desk", actor="test",
                           now=NOW)


@pytest.mark.parametrize(("values", "field"), [
    ({"capacity": 5}, "capacity"),  # 4 slots of 30 minutes fit in 10:00-12:00
    ({"capacity": None}, "capacity"),
    ({"capacity": 0}, "capacity"),
    ({"slot_minutes": 9}, "slot_minutes"),
    ({"slot_minutes": 121}, "slot_minutes"),
    ({"slot_minutes": "half an hour"}, "slot_minutes"),
    ({"slot_minutes": 120, "end_dt": at(11, 30)}, "slot_minutes"),  # not even one fits
])
def test_slot_rules_are_checked(ctx, create_venue, values, field):
    data = {"kind": "consultation", "venue_id": create_venue().id, "start_dt": at(10),
            "end_dt": at(12), "capacity": 4, "slot_minutes": 30, **values}
    before = db.session.scalar(select(func.count()).select_from(EventSession))
    with pytest.raises(ValidationError) as raised:
        services.create_session(data, actor="test", now=NOW)
    assert field in raised.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == before


def test_slot_length_is_ignored_for_other_kinds(ctx, create_session):
    session = create_session(kind="class", day=DAY, slot_minutes=30)
    assert session.slot_minutes is None and not session.has_reserved_slots


# -- booking a slot ---------------------------------------------------------------------------

def test_bookings_get_the_first_free_slot_in_order(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(5)]
    assert [booking.slot_dt for booking in made[:4]] == slots.slot_times(desk_session)
    assert made[4].status == BookingStatus.WAITLISTED and made[4].slot_dt is None
    assert waitlist_position(made[4]) == 1
    assert slots.free_slots(desk_session) == []


def test_a_cancellation_frees_its_slot_for_the_next_booking(desk_session, create_person):
    first, second, third = (book(desk_session, create_person()) for _ in range(3))
    services.cancel_booking(second, actor="test", now=NOW)
    db.session.commit()
    assert second.slot_dt is None
    assert slots.first_free_slot(desk_session) == at(10, 30)
    newcomer = book(desk_session, create_person())
    assert newcomer.slot_dt == at(10, 30)
    assert booked_slots(desk_session) == [at(10), at(10, 30), at(11)]
    assert (first.slot_dt, third.slot_dt) == (at(10), at(11))


def test_a_promoted_booking_takes_the_freed_slot(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(6)]
    changes = services.cancel_booking(made[1], actor="test", now=NOW)
    db.session.commit()
    assert changes.promoted == [made[4]]
    assert made[4].status == BookingStatus.BOOKED and made[4].slot_dt == at(10, 30)
    assert made[5].slot_dt is None and waitlist_position(made[5]) == 1
    assert booked_slots(desk_session) == slots.slot_times(desk_session)


def test_a_slot_is_for_one_person(desk_session, create_person):
    person = create_person()
    with force_locale("en"), pytest.raises(BookingError) as raised:
        services.book_seat(desk_session, person, seats=2, channel="phone_desk", actor="test",
                           now=NOW)
    assert "one person" in raised.value.fields["seats"]
    db.session.rollback()
    assert booking_count() == 0


def test_the_database_refuses_two_booked_bookings_on_one_slot(desk_session, create_person):
    first = book(desk_session, create_person())
    second = book(desk_session, create_person())
    second.slot_dt = first.slot_dt
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()


def test_session_cancellation_releases_every_slot(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(2)]
    services.cancel_session(desk_session, "台風のため", actor="test", now=NOW)
    db.session.commit()
    assert all(booking.status == BookingStatus.CANCELLED and booking.slot_dt is None
               for booking in made)


# -- changing the session ---------------------------------------------------------------------

def test_moving_the_session_moves_the_slots_in_order(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(3)]
    services.cancel_booking(made[1], actor="test", now=NOW)  # 10:30 left free
    services.update_session(desk_session, {"start_dt": at(13), "end_dt": at(15)},
                            actor="test", now=NOW)
    db.session.commit()
    assert (made[0].slot_dt, made[2].slot_dt) == (at(13), at(14))
    assert booked_slots(desk_session) == [at(13), at(14)]
    assert slots.first_free_slot(desk_session) == at(13, 30)
    changed = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == BookingTemplate.SESSION_CHANGED)).all()
    assert {message.topic_id for message in changed} == {made[0].id, made[2].id}


def test_a_new_slot_length_gives_new_times_in_order(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(3)]
    services.update_session(desk_session, {"slot_minutes": 20, "capacity": 6}, actor="test",
                            now=NOW)
    db.session.commit()
    assert [booking.slot_dt for booking in made] == [at(10), at(10, 20), at(10, 40)]
    assert slots.slot_times(desk_session)[-1] == at(11, 40)


def test_times_that_no_longer_fit_the_booked_slots_are_refused(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(3)]
    with force_locale("en"), pytest.raises(ValidationError) as raised:
        services.update_session(desk_session, {"end_dt": at(11), "capacity": 2},
                                actor="test", now=NOW)
    assert "3 people have booked" in raised.value.fields["slot_minutes"]
    db.session.rollback()
    db.session.expire_all()
    assert desk_session.end_dt == at(12)
    assert [booking.slot_dt for booking in made] == [at(10), at(10, 30), at(11)]


def test_reserved_slots_with_bookings_cannot_be_removed(desk_session, create_person):
    book(desk_session, create_person())
    with pytest.raises(ValidationError) as raised:
        services.update_session(desk_session, {"slot_minutes": None}, actor="test", now=NOW)
    assert "slot_minutes" in raised.value.fields
    db.session.rollback()


def test_fewer_slots_move_the_latest_to_the_waiting_list(desk_session, create_person):
    made = [book(desk_session, create_person()) for _ in range(4)]
    services.cancel_booking(made[0], actor="test", now=NOW)  # 10:00 free, 11:30 held
    services.update_session(desk_session, {"capacity": 2}, actor="test", now=NOW)
    db.session.commit()
    # the latest booking (11:30) waits; the one at 11:00 is no longer offered and moves up
    assert made[3].status == BookingStatus.WAITLISTED and made[3].slot_dt is None
    assert booked_slots(desk_session) == [at(10), at(10, 30)]
    assert made[2].slot_dt == at(10)
    # more slots again: the waiting booking gets the first free one
    services.update_session(desk_session, {"capacity": 4}, actor="test", now=NOW)
    db.session.commit()
    assert made[3].status == BookingStatus.BOOKED and made[3].slot_dt == at(11)
    assert fit_capacity(desk_session, actor="test", now=NOW).promoted == []


# -- what people are told --------------------------------------------------------------------

def _message(booking, channel, template, locale="en"):
    message = OutboxMessage(
        recipient_kind=RecipientKind.PERSON, person_id=booking.person_id,
        channel=MessageChannel(channel), address=booking.person.phone,
        template=BookingTemplate(template), locale=locale, due_dt=NOW,
        topic="booking", topic_id=booking.id, not_after=booking.session.start_dt)
    db.session.add(message)
    db.session.flush()
    return message


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_confirmation_sms_says_the_slot_time(desk_session, create_person, locale):
    book(desk_session, create_person())
    second = book(desk_session, create_person())
    body = render(_message(second, "sms", "booking_confirmed", locale)).sms_body
    assert "10:30" in body and "10:00" not in body
    reminder = render(_message(second, "sms", "reminder", locale)).sms_body
    assert "10:30" in reminder and "10:00" not in reminder


def test_voice_and_email_say_the_slot_time(desk_session, create_person):
    book(desk_session, create_person())
    second = book(desk_session, create_person())
    voice = render(_message(second, "voice", "booking_confirmed")).voice_text
    assert "10:30 AM" in voice and "10 AM" not in voice
    email = render(_message(second, "email", "booking_confirmed"))
    assert "Your reserved time: 10:30–11:00" in email.email_text
    assert "10:30–11:00" in email.email_html


def test_a_class_message_still_says_the_session_start(create_session, create_person, ctx):
    session = create_session(day=DAY, start=time(13, 30), end=time(15))
    booking = book(session, create_person())
    body = render(_message(booking, "sms", "booking_confirmed")).sms_body
    assert "13:30" in body


def test_the_calendar_event_runs_for_the_slot(desk_session, create_person):
    book(desk_session, create_person())
    second = book(desk_session, create_person())
    event = Calendar.from_ical(ics.booking_calendar(second, now=NOW)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == at(10, 30)
    assert event.decoded("dtend") == at(11)


# -- the web pages and the API -----------------------------------------------------------------

@pytest.fixture
def open_desk(make_desk):
    """A slotted consultation session a week ahead of today (the web books at utcnow())."""
    return make_desk(day=local_today() + timedelta(days=7))


def _web_form(**changes):
    data = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-1234-5678",
            "email": "", "reminder_channel": "automatic", "consent": "y", "district_id": "",
            "age_band": "", "proxy_name": "", "proxy_relation": "family", "proxy_phone": ""}
    data.update(changes)
    return data


def test_booking_on_the_web_shows_the_slot_time(client, open_desk, create_person):
    book(open_desk, create_person(), now=utcnow())  # 10:00 is taken
    english = {"Accept-Language": "en"}
    session_page = text(client.get(f"/sessions/{open_desk.id}", headers=english))
    assert "Reserve a time" in session_page and "4 reserved times of 30 minutes" in session_page
    form_page = client.get(f"/sessions/{open_desk.id}/book", headers=english)
    assert 'name="seats"' not in form_page.get_data(as_text=True)
    assert "You get the first free time: 10:30" in text(form_page)
    response = client.post(f"/sessions/{open_desk.id}/book", data=_web_form(), headers=english)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"], headers=english))
    assert "Booked. Your time: 10:30" in page
    assert "10:30 (30 minutes)" in page


def test_the_web_refuses_more_than_one_seat(client, open_desk):
    response = client.post(f"/sessions/{open_desk.id}/book", data=_web_form(seats="2"),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "A reserved time is for one person" in text(response)
    db.session.expire_all()
    assert booking_count() == 0


def test_the_staff_roster_shows_the_slot_times(app, client, open_desk, create_person,
                                               coordinator, login):
    person = create_person(name="鈴木 茂", name_kana="すずき しげる")
    book(open_desk, create_person(), now=utcnow())
    book(open_desk, person, now=utcnow())
    login(client, coordinator)
    page = text(client.get(f"/staff/sessions/{open_desk.id}/roster",
                           headers={"Accept-Language": "en"}))
    assert "Reserved time" in page and "10:30 鈴木 茂" in page


def test_the_api_returns_the_slot_start(app, client, open_desk):
    document = ApiDocument(app)
    url = f"/api/v1/sessions/{open_desk.id}/bookings"
    answers = []
    for number in range(5):
        response = client.post(url, json={"name": "佐藤 恵子", "kana": "サトウ ケイコ",
                                          "phone": f"090-5555-{number:04d}", "consent": True})
        document.validate_response("POST", url, response)
        assert response.status_code == 201, response.get_json()
        answers.append(response.get_json())
    day = to_local(open_desk.start_dt).date()
    assert [answer["slot_start"] for answer in answers] == [
        f"{day.isoformat()}T{clock}:00+09:00" for clock in ("10:00", "10:30", "11:00", "11:30")
    ] + [None]
    assert answers[4]["status"] == "waitlisted"
    refused = client.post(url, json={"name": "鈴木 茂", "kana": "スズキ シゲル",
                                     "phone": "090-5555-9999", "seats": 2, "consent": True})
    document.validate_response("POST", url, refused)
    assert refused.status_code == 422 and "seats" in refused.get_json()["error"]["fields"]
    session_json = client.get(f"/api/v1/sessions/{open_desk.id}")
    document.validate_response("GET", f"/api/v1/sessions/{open_desk.id}", session_json)
    assert session_json.get_json()["slot_minutes"] == 30


def test_the_api_sets_slot_minutes(app, client, ctx, create_venue, token_for_coordinator):
    document = ApiDocument(app)
    venue = create_venue()
    body = {"kind": "consultation", "venue_id": venue.id,
            "starts_at": "2026-12-03T10:00:00+09:00", "ends_at": "2026-12-03T12:00:00+09:00",
            "capacity": 4, "slot_minutes": 30}
    headers = {"Authorization": f"Bearer {token_for_coordinator}"}
    created = client.post("/api/v1/sessions", json=body, headers=headers)
    document.validate_response("POST", "/api/v1/sessions", created)
    assert created.status_code == 201 and created.get_json()["slot_minutes"] == 30
    too_many = client.post("/api/v1/sessions", json={**body, "capacity": 5}, headers=headers)
    document.validate_response("POST", "/api/v1/sessions", too_many)
    assert too_many.status_code == 422 and "capacity" in too_many.get_json()["error"]["fields"]


@pytest.fixture
def token_for_coordinator(ctx, coordinator):
    from desk.auth.services import create_token

    _token, plaintext = create_token(coordinator, name="slots test", actor="test")
    db.session.commit()
    return plaintext


def test_the_staff_session_form_sets_the_slot_length(client, ctx, coordinator, login,
                                                     create_venue):
    login(client, coordinator)
    venue = create_venue()
    response = client.post("/staff/sessions/new", data={
        "kind": "consultation", "program_id": "", "title": "", "venue_id": str(venue.id),
        "capacity": "4", "notes": "", "day": DAY.isoformat(), "start_time": "10:00",
        "end_time": "12:00", "requesting_group": "", "requesting_contact": "",
        "slot_minutes": "30"})
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    session = db.session.scalars(select(EventSession)).one()
    assert (session.slot_minutes, session.capacity) == (30, 4)
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert 'name="slot_minutes"' in page.get_data(as_text=True)
    assert "Reserved slot length (minutes)" in text(page)
    refused = client.post(f"/staff/sessions/{session.id}", data={
        "kind": "consultation", "program_id": "", "title": "", "venue_id": str(venue.id),
        "capacity": "5", "notes": "", "day": DAY.isoformat(), "start_time": "10:00",
        "end_time": "12:00", "requesting_group": "", "requesting_contact": "",
        "slot_minutes": "30"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 200 and "offer at most 4" in text(refused)


# -- concurrency (real commits, one database of each kind) -------------------------------------

CLIENTS = 24
SLOTS = 4


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=CLIENTS + 2) as app:
        yield app


def _live_desk(app):
    def action():
        now = utcnow()
        venue = services.create_venue({
            "name": f"辻堂市民センター{next(_phones)}", "name_kana": "ツジドウシミンセンター",
            "short_name": "辻堂", "address": "神奈川県藤沢市辻堂1-1", "default_capacity": 20},
            actor="test")
        day = local_today(now) + timedelta(days=7)
        return services.create_session({
            "kind": "consultation", "venue_id": venue.id, "capacity": SLOTS,
            "slot_minutes": 30, "start_dt": local_datetime(day, time(10)),
            "end_dt": local_datetime(day, time(12))}, actor="test", now=now).id

    return _transaction(app, action)


def _book_live(app, session_id, now):
    def action():
        session = db.session.get(EventSession, session_id)
        result = services.book_seat(session, _new_person(now), channel="web", actor="test",
                                    now=now)
        return result.booking.id

    return _transaction(app, action)


def _stored(app, session_id):
    with app.app_context():
        return [(booking.id, booking.status, booking.slot_dt) for booking in db.session.scalars(
            select(Booking).where(Booking.session_id == session_id))]


def test_bookings_at_once_each_get_their_own_slot(live_app):
    session_id = _live_desk(live_app)
    run_at_once(CLIENTS, lambda index, now: _book_live(live_app, session_id, now))
    stored = _stored(live_app, session_id)
    booked = [slot for _id, status, slot in stored if status == BookingStatus.BOOKED]
    assert len(stored) == CLIENTS and len(booked) == SLOTS
    with live_app.app_context():
        expected = slots.slot_times(db.session.get(EventSession, session_id))
    assert sorted(booked) == expected
    assert all(slot is None for _id, status, slot in stored if status != BookingStatus.BOOKED)


def test_cancellations_and_bookings_at_once_keep_slots_distinct(live_app):
    session_id = _live_desk(live_app)
    first = [_book_live(live_app, session_id, utcnow()) for _ in range(SLOTS + 2)]
    cancels = 2

    def work(index, now):
        if index < cancels:
            def action():
                booking = db.session.get(Booking, first[index])
                services.cancel_booking(booking, reason=CancelReason.PERSON, actor="test",
                                        now=now)
                return booking.id

            return _transaction(live_app, action)
        return _book_live(live_app, session_id, now)

    run_at_once(cancels + 10, work)
    stored = _stored(live_app, session_id)
    booked = [slot for _id, status, slot in stored if status == BookingStatus.BOOKED]
    assert len(booked) == SLOTS and len(set(booked)) == SLOTS
    with live_app.app_context():
        assert sorted(booked) == slots.slot_times(db.session.get(EventSession, session_id))
        offered = slots.slot_times(db.session.get(EventSession, session_id))
        # the two waiting before were promoted into the freed slots (10:00 and 10:30),
        # inside the cancelling transactions: nobody arriving meanwhile took them
        promoted = [db.session.get(Booking, booking_id) for booking_id in first[SLOTS:]]
        assert all(booking.status == BookingStatus.BOOKED for booking in promoted)
        assert {booking.slot_dt for booking in promoted} == set(offered[:cancels])
