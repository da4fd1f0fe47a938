"""The booking service (desk.events.bookings), rule by rule, on SQLite and PostgreSQL.

NOW is Monday 2026-11-23 10:00 JST. The default class is on Thursday 2026-12-03,
10:00-11:30 JST; its reminder is due on 2026-12-02 at 10:00 JST (01:00 UTC).
Concurrency has its own tests (test_booking_concurrency.py).
"""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, PermissionDenied, ValidationError
from desk.core.timeutil import local_datetime
from desk.events import availability, bookings, services
from desk.events.bookings import BookingClosedError, BookingError
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    Confirmation,
    SessionStatus,
)
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import dispatch
from desk.notify.models import (
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    OutboxMessage,
)
from desk.people import services as people_services
from desk.people.models import Person
from tests.events.helpers import audit_entries, last_audit
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall

REMINDER_DUE = local_datetime(date(2026, 12, 2), time(10))
EARLY = NOW - timedelta(hours=3)  # 07:00 JST on the day of the sessions held "today"


def book(session, person, **options):
    options.setdefault("channel", "web")
    options.setdefault("actor", "test")
    options.setdefault("now", NOW)
    return services.book_seat(session, person, **options)


def messages(booking, template=None, state=MessageState.QUEUED):
    query = select(OutboxMessage).where(OutboxMessage.topic == "booking",
                                        OutboxMessage.topic_id == booking.id)
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return db.session.scalars(query.order_by(OutboxMessage.id)).all()


def templates(booking, state=MessageState.QUEUED):
    return sorted(message.template for message in messages(booking, state=state))


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Booking, OutboxMessage, AuditEntry, Person)}


@pytest.fixture
def session(ctx, create_session):
    return create_session(capacity=3)


@pytest.fixture
def today_session(ctx, create_session):
    """A class today, 09:00-10:30 JST: started at NOW; bookings were taken at EARLY."""
    return create_session(day=date(2026, 11, 23), start=time(9), end=time(10, 30), capacity=3)


@pytest.fixture
def volunteer(ctx, create_user):
    return create_user(Role.VOLUNTEER)


def fill(session, create_person, count, *, now=NOW, seats=1, channel="web"):
    return [book(session, create_person(), seats=seats, now=now + timedelta(minutes=index),
                 channel=channel).booking for index in range(count)]


# -- seats and the rules that refuse a booking -------------------------------------------

@pytest.mark.parametrize("seats", [1, 2, 3])
def test_book_seat_takes_a_party_of_one_to_three(session, create_person, seats):
    result = book(session, create_person(), seats=seats)
    assert result.created and result.booking.status == BookingStatus.BOOKED
    assert result.booking.seats == seats
    assert availability.seats_taken(session) == seats
    assert availability.seats_free(session) == 3 - seats


@pytest.mark.parametrize("seats", [0, 4, -1, True, "2", None, 1.5])
def test_book_seat_refuses_a_party_size_out_of_range_and_changes_nothing(session, create_person,
                                                                         seats):
    person = create_person()
    before = counts()
    with pytest.raises(BookingError) as caught:
        book(session, person, seats=seats)
    assert set(caught.value.fields) == {"seats"} and caught.value.status == 422
    db.session.rollback()
    assert counts() == before


def test_book_seat_refuses_a_party_larger_than_the_capacity(ctx, create_session, create_person):
    small = create_session(capacity=2)
    person = create_person()
    before = counts()
    with pytest.raises(BookingError) as caught:
        book(small, person, seats=3)
    assert "seats" in caught.value.fields and "2" in caught.value.message
    db.session.rollback()
    assert counts() == before


def test_book_seat_refuses_an_ended_session(ctx, create_session, create_person):
    ended = create_session(day=date(2026, 11, 20))
    with pytest.raises(BookingClosedError) as caught:
        book(ended, create_person(), channel="phone_desk")
    assert caught.value.status == 409


def test_book_seat_refuses_a_cancelled_session(session, create_person):
    services.cancel_session(session, "台風接近のため", actor="test", now=NOW)
    with pytest.raises(BookingClosedError):
        book(session, create_person(), channel="phone_desk")


def test_book_seat_refuses_a_held_session(today_session, create_person):
    services.complete_session(today_session, actor="test", now=NOW)
    with pytest.raises(BookingClosedError):
        book(today_session, create_person(), channel="phone_desk", now=NOW)


def test_book_seat_refuses_a_session_whose_attendance_is_closed(today_session, create_person):
    services.close_attendance(today_session, actor="test", now=NOW)
    with pytest.raises(BookingClosedError):
        book(today_session, create_person(), channel="phone_desk", now=NOW)


@pytest.mark.parametrize("kind", ["consultation", "awareness_event"])
def test_book_seat_refuses_sessions_without_bookings(ctx, create_session, create_person, kind):
    drop_in = create_session(kind=kind, title="スマホ何でも相談会", capacity=None)
    with pytest.raises(BookingError) as caught:
        book(drop_in, create_person())
    assert not isinstance(caught.value, BookingClosedError)


def test_online_booking_closes_at_the_start_by_default(today_session, create_person):
    before_start = local_datetime(date(2026, 11, 23), time(8, 59))
    assert book(today_session, create_person(), now=before_start).created
    with pytest.raises(BookingClosedError):
        book(today_session, create_person(), now=local_datetime(date(2026, 11, 23), time(9)))


@pytest.mark.parametrize("channel", ["web", "kiosk", "phone_line", "api"])
def test_online_booking_closes_minutes_before_the_start(ctx, monkeypatch, session, create_person,
                                                        channel):
    monkeypatch.setitem(ctx.config, "DESK_BOOKING_CLOSES_MINUTES", 60)
    an_hour_before = session.start_dt - timedelta(minutes=60)
    assert book(session, create_person(), channel=channel,
                now=an_hour_before - timedelta(minutes=1)).created
    with pytest.raises(BookingClosedError) as caught:
        book(session, create_person(), channel=channel, now=an_hour_before)
    assert caught.value.code == "booking_closed" and caught.value.status == 409


def test_staff_can_still_book_after_online_booking_closed(ctx, monkeypatch, session,
                                                          create_person, coordinator):
    monkeypatch.setitem(ctx.config, "DESK_BOOKING_CLOSES_MINUTES", 60)
    result = book(session, create_person(), channel="phone_desk", actor=coordinator,
                  now=session.start_dt - timedelta(minutes=10))
    assert result.created and result.booking.channel == BookingChannel.PHONE_DESK
    assert result.booking.actor_id == coordinator.id


def test_staff_cannot_book_after_the_end(session, create_person):
    with pytest.raises(BookingClosedError):
        book(session, create_person(), channel="phone_desk", now=session.end_dt)


# -- the booking itself --------------------------------------------------------------------

def test_booking_records_channel_actor_proxy_and_confirmation(session, create_person,
                                                              coordinator):
    person = create_person()
    proxy = people_services.add_proxy(person, {"name": "佐藤 一郎", "phone": "090-8888-1111"},
                                      consent_method="phone_staff", actor="test", now=NOW)
    booking = book(session, person, channel="phone_desk", actor=coordinator,
                   proxy=proxy).booking
    assert booking.channel == BookingChannel.PHONE_DESK and booking.actor_id == coordinator.id
    assert booking.proxy_id == proxy.id
    assert booking.confirmation == Confirmation.UNCONFIRMED
    assert booking.booked_dt == NOW and booking.queue_dt == NOW
    assert booking.attendance is None and not booking.is_walk_in
    assert len(booking.token) >= 32


def test_booking_again_returns_the_existing_booking(session, create_person):
    person = create_person()
    first = book(session, person)
    before = counts()
    again = book(session, person, channel="phone_desk", seats=2)
    assert not again.created and again.booking.id == first.booking.id
    assert again.booking.seats == 1 and again.booking.channel == BookingChannel.WEB
    assert counts() == before


def test_booking_again_on_the_waiting_list_returns_its_position(session, create_person):
    fill(session, create_person, 3)
    person = create_person()
    first = book(session, person, now=NOW + timedelta(hours=1))
    assert first.waitlist_position == 1
    again = book(session, person, now=NOW + timedelta(hours=2))
    assert not again.created and again.waitlist_position == 1


def test_a_cancelled_booking_does_not_block_booking_again(session, create_person):
    person = create_person()
    first = book(session, person).booking
    services.cancel_booking(first, actor="test", now=NOW)
    second = book(session, person)
    assert second.created and second.booking.id != first.id


def test_the_database_keeps_one_active_booking_per_person(session, create_person):
    from sqlalchemy.exc import IntegrityError

    person = create_person()
    first = book(session, person).booking
    twin = Booking(session_id=session.id, person_id=person.id, seats=1,
                   status=BookingStatus.WAITLISTED, code="99999999", token="t" * 32,
                   channel=BookingChannel.WEB, queue_dt=NOW, created_dt=NOW)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(twin)
            db.session.flush()
    assert db.session.get(Booking, first.id).status == BookingStatus.BOOKED


def test_full_session_waitlists_with_positions_without_gaps(session, create_person):
    fill(session, create_person, 3)
    waiting = fill(session, create_person, 3, now=NOW + timedelta(hours=1))
    assert [bookings.waitlist_position(booking) for booking in waiting] == [1, 2, 3]
    assert [booking.booked_dt for booking in waiting] == [None] * 3
    services.cancel_booking(waiting[1], actor="test", now=NOW)
    assert [bookings.waitlist_position(booking) for booking in (waiting[0], waiting[2])] == [1, 2]
    assert bookings.waitlist_position(waiting[1]) is None


def test_a_booking_that_waited_for_the_lock_queues_behind_the_one_that_went_first(
        session, create_person):
    """A request takes `now` on arrival, then waits for the session lock: the one that got
    the lock first is ahead in the queue, whatever the clock said."""
    fill(session, create_person, 3)
    first = book(session, create_person(), now=NOW + timedelta(seconds=2))
    second = book(session, create_person(), now=NOW + timedelta(seconds=1))
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert [booking.id for booking in bookings.waitlist(session)] == [first.booking.id,
                                                                    second.booking.id]


def test_a_small_party_takes_seats_a_waiting_large_party_does_not_fit(session, create_person):
    fill(session, create_person, 2)
    large = book(session, create_person(), seats=2).booking
    single = book(session, create_person(), seats=1).booking
    assert large.status == BookingStatus.WAITLISTED and single.status == BookingStatus.BOOKED


# -- the booking code ------------------------------------------------------------------------

def test_booking_codes_are_eight_random_digits_shown_as_four_four(session, create_person):
    codes = [booking.code for booking in fill(session, create_person, 6)]
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert len(set(codes)) == len(codes)
    booking = db.session.scalar(select(Booking).where(Booking.code == codes[0]))
    assert booking.display_code == f"{codes[0][:4]}-{codes[0][4:]}"


def test_new_code_keeps_leading_zeros(monkeypatch):
    monkeypatch.setattr(bookings.secrets, "randbelow", lambda limit: 42)
    assert bookings.new_code() == "00000042"


def test_a_code_collision_takes_another_code(session, create_person, monkeypatch):
    taken = book(session, create_person()).booking.code
    fresh = "12345678" if taken != "12345678" else "87654321"
    offered = iter([taken, fresh])
    monkeypatch.setattr(bookings, "new_code", lambda: next(offered))
    booking = book(session, create_person()).booking
    assert booking.code == fresh


def test_no_free_code_fails_loudly_and_inserts_nothing(session, create_person, monkeypatch):
    taken = book(session, create_person()).booking.code
    person = create_person()
    before = counts()
    monkeypatch.setattr(bookings, "new_code", lambda: taken)
    with pytest.raises(RuntimeError):
        book(session, person)
    db.session.rollback()
    assert counts() == before


def test_find_booking_needs_the_code_and_the_phone_of_the_person_or_proxy(session,
                                                                        create_person):
    person = create_person(phone="090-2222-3333")
    people_services.add_proxy(person, {"name": "佐藤 花子", "phone": "080-4444-5555"},
                              consent_method="phone_staff", actor="test", now=NOW)
    booking = book(session, person).booking
    assert bookings.find_booking(booking.display_code, "+819022223333") == booking
    assert bookings.find_booking(booking.code, "+818044445555") == booking
    assert bookings.find_booking(booking.code, "+819099999999") is None
    assert bookings.find_booking(booking.code, None) is None
    assert bookings.find_booking("1234", "+819022223333") is None
    assert bookings.booking_by_token(booking.token) == booking
    assert bookings.booking_by_token("x" * 65) is None
    assert bookings.booking_by_token("") is None


# -- cancelling and the waiting list ---------------------------------------------------------

def test_cancel_frees_the_seats_and_promotes_in_arrival_order(session, create_person):
    booked = fill(session, create_person, 3)
    waiting = fill(session, create_person, 3, now=NOW + timedelta(hours=1))
    changes = services.cancel_booking(booked[0], actor="test", now=NOW + timedelta(hours=2))
    assert booked[0].status == BookingStatus.CANCELLED
    assert booked[0].cancel_reason == CancelReason.PERSON
    assert booked[0].cancelled_dt == NOW + timedelta(hours=2)
    assert changes.promoted == [waiting[0]] and changes.cancelled == [booked[0]]
    assert waiting[0].status == BookingStatus.BOOKED
    assert waiting[0].booked_dt == NOW + timedelta(hours=2)
    assert [bookings.waitlist_position(booking) for booking in waiting[1:]] == [1, 2]
    assert availability.seats_taken(session) == 3


def test_cancel_promotes_past_a_party_too_large_for_the_freed_seats(session, create_person):
    first = book(session, create_person(), seats=2).booking
    book(session, create_person())
    large = book(session, create_person(), seats=3, now=NOW + timedelta(minutes=1)).booking
    pair = book(session, create_person(), seats=2, now=NOW + timedelta(minutes=2)).booking
    single = book(session, create_person(), now=NOW + timedelta(minutes=3)).booking
    changes = services.cancel_booking(first, actor="test", now=NOW + timedelta(hours=1))
    assert changes.promoted == [pair]
    assert large.status == BookingStatus.WAITLISTED and single.status == BookingStatus.WAITLISTED
    assert bookings.waitlist_position(large) == 1 and bookings.waitlist_position(single) == 2


def test_cancelling_a_waiting_entry_promotes_nobody(session, create_person):
    fill(session, create_person, 3)
    waiting = fill(session, create_person, 2, now=NOW + timedelta(hours=1))
    changes = services.cancel_booking(waiting[0], actor="test", now=NOW)
    assert changes.promoted == [] and waiting[1].status == BookingStatus.WAITLISTED


def test_cancel_twice_is_refused(session, create_person):
    booking = book(session, create_person()).booking
    services.cancel_booking(booking, actor="test", now=NOW)
    with pytest.raises(ConflictError):
        services.cancel_booking(booking, actor="test", now=NOW)


def test_after_the_start_only_staff_cancel_and_nobody_is_promoted(today_session, create_person,
                                                                   coordinator, volunteer):
    booked = fill(today_session, create_person, 3, now=EARLY)
    waiting = book(today_session, create_person(), now=EARLY + timedelta(hours=1)).booking
    with pytest.raises(BookingClosedError):
        services.cancel_booking(booked[0], actor=volunteer, now=NOW)
    with pytest.raises(BookingClosedError):
        services.cancel_booking(booked[0], actor=None, now=NOW)
    for channel in ("web", "kiosk", "phone_line", "api"):  # a resident, by code and phone
        with pytest.raises(BookingClosedError):
            services.cancel_booking(booked[0], actor=channel, now=NOW)
    changes = services.cancel_booking(booked[0], reason=CancelReason.STAFF, actor=coordinator,
                                      now=NOW)
    assert booked[0].status == BookingStatus.CANCELLED and changes.promoted == []
    assert waiting.status == BookingStatus.WAITLISTED


def test_promote_waitlist_does_nothing_once_started(today_session, create_person):
    fill(today_session, create_person, 2, now=EARLY)
    waiting = book(today_session, create_person(), seats=2, now=EARLY).booking
    assert waiting.status == BookingStatus.WAITLISTED
    assert services.promote_waitlist(today_session, actor="test", now=NOW) == []
    assert services.promote_waitlist(today_session, actor="test", now=EARLY) == []  # no room


def test_cancel_refused_once_attendance_is_recorded_or_closed(today_session, create_person):
    attended, other = fill(today_session, create_person, 2, now=EARLY)
    services.set_attendance(attended, "attended", actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.cancel_booking(attended, actor="test", now=NOW)
    services.close_attendance(today_session, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.cancel_booking(other, actor="test", now=NOW)


def test_set_confirmation_is_recorded_and_audited(session, create_person):
    booking = book(session, create_person()).booking
    services.set_confirmation(booking, "confirmed", actor="test", now=NOW)
    assert booking.confirmation == Confirmation.CONFIRMED and booking.confirmation_dt == NOW
    entry = last_audit("booking.confirmation")
    assert entry.object_id == booking.id and entry.after["confirmation"] == "confirmed"
    services.set_confirmation(booking, "confirmed", actor="test", now=NOW)
    assert len(audit_entries("booking.confirmation", booking.id)) == 1
    services.cancel_booking(booking, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.set_confirmation(booking, "declined", actor="test", now=NOW)


# -- attendance on the day --------------------------------------------------------------------

def test_attendance_is_taken_from_the_day_of_the_session(session, create_person):
    booking = book(session, create_person()).booking
    with pytest.raises(ValidationError):
        services.set_attendance(booking, "attended", actor="test", now=NOW)
    on_the_day = local_datetime(date(2026, 12, 3), time(9, 30))
    services.set_attendance(booking, "attended", actor="test", now=on_the_day)
    assert booking.attendance == Attendance.ATTENDED and booking.attendance_dt == on_the_day


def test_only_a_booked_seat_is_checked_in(today_session, create_person):
    fill(today_session, create_person, 3, now=EARLY)
    waiting = book(today_session, create_person(), now=EARLY).booking
    with pytest.raises(ValidationError):
        services.set_attendance(waiting, "attended", actor="test", now=NOW)


def test_a_no_show_frees_a_seat_for_a_walk_in(today_session, create_person, coordinator):
    booked = fill(today_session, create_person, 3, now=EARLY)
    with pytest.raises(BookingError):
        book(today_session, create_person(), walk_in=True, channel="walk_in",
             actor=coordinator)
    services.set_attendance(booked[0], "no_show", actor=coordinator, now=NOW)
    assert availability.seats_free(today_session) == 1
    walk_in = book(today_session, create_person(), walk_in=True, channel="walk_in",
                   actor=coordinator)
    assert walk_in.created and walk_in.booking.status == BookingStatus.BOOKED
    assert walk_in.booking.is_walk_in and walk_in.booking.attendance == Attendance.ATTENDED
    assert messages(walk_in.booking, state=None) == []  # nobody is reminded of today
    # the seat is gone: the no-show cannot be turned back into attended
    with pytest.raises(ValidationError):
        services.set_attendance(booked[0], "attended", actor=coordinator, now=NOW)
    services.set_attendance(booked[1], None, actor=coordinator, now=NOW)
    assert booked[1].attendance is None


def test_walk_ins_are_refused_before_the_day_and_on_drop_in_sessions(ctx, session,
                                                                      create_session,
                                                                      create_person):
    with pytest.raises(ValidationError):
        book(session, create_person(), walk_in=True, channel="walk_in")
    event = create_session(kind="awareness_event", title="スマホ体験会", day=date(2026, 11, 23),
                           start=time(9), end=time(15), capacity=None)
    with pytest.raises(BookingError):
        book(event, create_person(), walk_in=True, channel="walk_in")


def test_anonymous_headcount_on_an_awareness_event(ctx, create_session):
    event = create_session(kind="awareness_event", title="スマホ体験会", day=date(2026, 11, 23),
                           start=time(9), end=time(15), capacity=None)
    services.set_anonymous_headcount(event, 42, actor="test", now=NOW)
    assert event.anonymous_headcount == 42
    entry = last_audit("session.headcount")
    assert entry.before == {"anonymous_headcount": 0}
    assert entry.after == {"anonymous_headcount": 42}
    for bad in (-1, 100001, "12", True):
        with pytest.raises(ValidationError) as caught:
            services.set_anonymous_headcount(event, bad, actor="test", now=NOW)
        assert "anonymous_headcount" in caught.value.fields
    assert event.anonymous_headcount == 42


def test_close_attendance_marks_the_unmarked_as_no_shows_and_holds_the_session(
        today_session, create_person):
    attended, unmarked, no_show = fill(today_session, create_person, 3, now=EARLY)
    waiting = book(today_session, create_person(), now=EARLY).booking
    assert messages(waiting, BookingTemplate.WAITLIST_CONFIRMED)
    services.set_attendance(attended, "attended", actor="test", now=NOW)
    services.set_attendance(no_show, "no_show", actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.close_attendance(today_session, actor="test", now=EARLY)
    changes = services.close_attendance(today_session, actor="test", now=NOW)
    assert changes.no_shows == [unmarked]
    assert unmarked.attendance == Attendance.NO_SHOW and attended.attendance == Attendance.ATTENDED
    assert today_session.status == SessionStatus.COMPLETED
    assert today_session.attendance_closed_dt == NOW
    assert messages(waiting) == []
    assert last_audit("session.close_attendance").object_id == today_session.id
    with pytest.raises(ConflictError):
        services.close_attendance(today_session, actor="test", now=NOW)


def test_after_closing_volunteers_cannot_edit_and_coordinator_edits_are_audited(
        today_session, create_person, volunteer, coordinator, give_shift):
    give_shift(volunteer, today_session)  # a volunteer marks attendance where they staff
    booking = fill(today_session, create_person, 1, now=EARLY)[0]
    services.set_attendance(booking, "attended", actor=volunteer, now=NOW)
    services.close_attendance(today_session, actor=volunteer, now=NOW)
    with pytest.raises(PermissionDenied):
        services.set_attendance(booking, "no_show", actor=volunteer, now=NOW)
    with pytest.raises(PermissionDenied):
        book(today_session, create_person(), walk_in=True, channel="walk_in", actor=volunteer)
    with pytest.raises(PermissionDenied):
        services.set_anonymous_headcount(today_session, 3, actor=volunteer, now=NOW)
    services.set_attendance(booking, "no_show", actor=coordinator, now=NOW)
    entry = last_audit("booking.attendance")
    assert entry.actor_id == coordinator.id and entry.note == "after closing"
    assert entry.before["attendance"] == "attended" and entry.after["attendance"] == "no_show"


def test_close_attendance_refused_on_a_cancelled_session(session):
    services.cancel_session(session, "台風接近のため", actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.close_attendance(session, actor="test", now=session.end_dt)


# -- session-wide changes ---------------------------------------------------------------------

def test_cancel_session_cancels_every_booking_and_tells_everyone(session, create_person):
    booked = fill(session, create_person, 3)
    waiting = fill(session, create_person, 2, now=NOW + timedelta(hours=1))
    services.cancel_session(session, "台風接近のため", actor="test", now=NOW + timedelta(hours=2))
    assert set(session.booking_changes.cancelled) == {*booked, *waiting}
    for booking in (*booked, *waiting):
        assert booking.status == BookingStatus.CANCELLED
        assert booking.cancel_reason == CancelReason.SESSION_CANCELLED
        assert templates(booking) == ["session_cancelled"]
    for booking in booked:
        assert templates(booking, MessageState.CANCELLED) == ["booking_confirmed", "reminder"]
    for booking in waiting:
        assert templates(booking, MessageState.CANCELLED) == ["waitlist_confirmed"]
    assert len(audit_entries("booking.cancel")) == 5


def test_capacity_reduction_waitlists_the_latest_booked_at_the_front(session, create_person):
    booked = fill(session, create_person, 3)
    waiting = book(session, create_person(), now=NOW + timedelta(hours=1)).booking
    services.update_session(session, {"capacity": 2}, actor="test", now=NOW + timedelta(hours=2))
    latest = booked[2]
    assert session.booking_changes.waitlisted == [latest]
    assert latest.status == BookingStatus.WAITLISTED and latest.booked_dt is None
    assert bookings.waitlist(session) == [latest, waiting]
    assert templates(latest) == ["moved_to_waitlist"]
    assert last_audit("booking.waitlist").object_id == latest.id


def test_capacity_reduction_gives_a_seat_left_over_to_a_waiting_party_that_fits(
        ctx, create_session, create_person):
    session = create_session(capacity=4)
    early_pair = book(session, create_person(), seats=2).booking
    late_pair = book(session, create_person(), seats=2, now=NOW + timedelta(minutes=1)).booking
    single = book(session, create_person(), now=NOW + timedelta(minutes=2)).booking
    services.update_session(session, {"capacity": 3}, actor="test", now=NOW + timedelta(hours=1))
    assert early_pair.status == BookingStatus.BOOKED
    assert late_pair.status == BookingStatus.WAITLISTED
    assert single.status == BookingStatus.BOOKED
    assert session.booking_changes.promoted == [single]
    assert availability.seats_taken(session) == 3


def test_capacity_reduction_keeps_a_small_late_booking_a_moved_party_made_room_for(
        ctx, create_session, create_person):
    session = create_session(capacity=5)
    book(session, create_person())
    large = book(session, create_person(), seats=3, now=NOW + timedelta(minutes=1)).booking
    latest = book(session, create_person(), now=NOW + timedelta(minutes=2)).booking
    services.update_session(session, {"capacity": 3}, actor="test", now=NOW + timedelta(hours=1))
    assert large.status == BookingStatus.WAITLISTED and latest.status == BookingStatus.BOOKED
    assert session.booking_changes.waitlisted == [large]
    assert session.booking_changes.promoted == [latest]
    assert availability.seats_taken(session) == 2


def test_capacity_increase_promotes_the_waiting_list_in_order(session, create_person):
    fill(session, create_person, 3)
    waiting = fill(session, create_person, 3, now=NOW + timedelta(hours=1))
    services.update_session(session, {"capacity": 5}, actor="test", now=NOW + timedelta(hours=2))
    assert session.booking_changes.promoted == waiting[:2]
    assert [booking.status for booking in waiting] == [BookingStatus.BOOKED] * 2 + [
        BookingStatus.WAITLISTED]
    assert templates(waiting[0]) == ["reminder", "waitlist_promoted"]


def test_moving_a_session_replans_reminders_and_tells_everyone(session, create_person):
    booked = book(session, create_person()).booking
    fill(session, create_person, 2)
    waiting = book(session, create_person(), now=NOW + timedelta(minutes=5)).booking
    later = NOW + timedelta(hours=1)
    services.update_session(session, {"start_dt": "2026-12-10T14:00:00+09:00",
                                      "end_dt": "2026-12-10T15:30:00+09:00"},
                            actor="test", now=later)
    old_reminder, = messages(booked, BookingTemplate.REMINDER, MessageState.CANCELLED)
    assert old_reminder.due_dt == REMINDER_DUE
    new_reminder, = messages(booked, BookingTemplate.REMINDER)
    assert new_reminder.due_dt == local_datetime(date(2026, 12, 9), time(10))
    changed, = messages(booked, BookingTemplate.SESSION_CHANGED)
    assert changed.due_dt == later
    assert templates(waiting) == ["session_changed", "waitlist_confirmed"]


def test_messages_must_not_outlive_their_session_and_move_with_it(app, session,
                                                                 create_person):
    booked = book(session, create_person()).booking
    cancelled = book(session, create_person()).booking
    services.cancel_booking(cancelled, actor="test", now=NOW)
    (told,) = messages(cancelled, BookingTemplate.BOOKING_CANCELLED)
    assert {message.not_after for message in messages(booked) + [told]} == {session.start_dt}
    # the session moves two days earlier: every queued message moves with it, the
    # cancellation still waiting (not planned again) as well
    earlier = local_datetime(date(2026, 12, 1), time(10))
    services.update_session(session, {"start_dt": earlier,
                                      "end_dt": earlier + timedelta(hours=1)},
                            actor="test", now=NOW)
    db.session.commit()
    assert {message.not_after for message in messages(booked) + messages(cancelled)} == {
        earlier}
    assert messages(cancelled)[0].id == told.id
    # so the dispatcher never sends it once the session has started
    install(app, FakeBackend())
    try:
        dispatch.dispatch_due(now=earlier + timedelta(minutes=1))
    finally:
        uninstall(app)
    db.session.expire_all()
    told = db.session.get(OutboxMessage, told.id)
    assert (told.state, told.error_code) == (MessageState.CANCELLED, CODE_SESSION_STARTED)


def test_series_edits_leave_alone_sessions_with_bookings(ctx, create_series, create_person):
    series = create_series()
    sessions = {s.occurrence_date: s for s in series.sessions}
    booked_session = sessions[date(2026, 12, 8)]
    book(booked_session, create_person())
    report = services.update_series(series, {"start_time": "13:00", "end_time": "14:30"},
                                    actor="test", now=NOW)
    assert (booked_session, "has_bookings") in report.left_alone
    assert booked_session.start_dt == local_datetime(date(2026, 12, 8), time(10))
    assert sessions[date(2026, 12, 22)].start_dt == local_datetime(date(2026, 12, 22), time(13))


# -- messages ------------------------------------------------------------------------------------

def test_a_booking_plans_its_confirmation_now_and_a_reminder_the_day_before(session,
                                                                             create_person):
    booking = book(session, create_person(phone="090-1111-2222")).booking
    confirmation, = messages(booking, BookingTemplate.BOOKING_CONFIRMED)
    reminder, = messages(booking, BookingTemplate.REMINDER)
    assert confirmation.due_dt == NOW and reminder.due_dt == REMINDER_DUE
    assert reminder.due_dt.isoformat() == "2026-12-02T01:00:00+00:00"
    for message in (confirmation, reminder):
        assert message.channel == MessageChannel.SMS and message.address == "+819011112222"
        assert (message.topic, message.topic_id) == ("booking", booking.id)
        assert message.not_after == session.start_dt and message.locale == "ja"
        assert message.state == MessageState.QUEUED


def test_the_reminder_time_is_configurable(ctx, monkeypatch, session, create_person):
    monkeypatch.setitem(ctx.config, "DESK_REMINDER_TIME", time(18, 30))
    booking = book(session, create_person()).booking
    reminder, = messages(booking, BookingTemplate.REMINDER)
    assert reminder.due_dt == local_datetime(date(2026, 12, 2), time(18, 30))


def test_a_program_can_ask_for_a_second_reminder_on_the_morning(session, create_person):
    """The session starts at 10:00 JST on 2026-12-03; its program asks for 08:30."""
    services.update_program(session.program, {"morning_reminder_time": "08:30"}, actor="test")
    booking = book(session, create_person()).booking
    assert sorted(message.due_dt for message in messages(booking, BookingTemplate.REMINDER)) == [
        REMINDER_DUE, local_datetime(date(2026, 12, 3), time(8, 30))]
    # booked after the day-before reminder's time: only the morning one is still ahead
    late = book(session, create_person(), now=REMINDER_DUE + timedelta(hours=1)).booking
    assert [message.due_dt for message in messages(late, BookingTemplate.REMINDER)] == [
        local_datetime(date(2026, 12, 3), time(8, 30))]


def test_a_morning_reminder_after_the_start_is_not_planned(session, create_person):
    services.update_program(session.program, {"morning_reminder_time": "11:00"}, actor="test")
    booking = book(session, create_person()).booking
    assert [message.due_dt for message in messages(booking, BookingTemplate.REMINDER)] == [
        REMINDER_DUE]


def test_a_booking_after_the_reminder_time_gets_no_reminder(session, create_person):
    late = REMINDER_DUE + timedelta(minutes=30)
    booking = book(session, create_person(), channel="phone_desk", now=late).booking
    assert templates(booking) == ["booking_confirmed"]


def test_a_waiting_entry_gets_a_waitlist_confirmation_and_no_reminder(session, create_person):
    fill(session, create_person, 3)
    waiting = book(session, create_person()).booking
    assert templates(waiting) == ["waitlist_confirmed"]


def test_no_messages_without_consent_or_with_the_choice_none(session, create_person):
    silent = book(session, create_person(consent=False)).booking
    none = book(session, create_person(reminder_channel="none")).booking
    assert messages(silent, state=None) == [] and messages(none, state=None) == []


@pytest.mark.parametrize("person_data, expected", [
    ({"phone": "090-3333-4444"}, [("sms", "+819033334444")]),
    ({"phone": "0466-25-1234"}, [("voice", "+81466251234")]),
    ({"phone": "050-1234-5678"}, [("voice", "+815012345678")]),
    ({"phone": "080-3333-4444", "email": "keiko@example.jp"},
     [("email", "keiko@example.jp"), ("sms", "+818033334444")]),
    ({"phone": "", "email": "keiko@example.jp"}, [("email", "keiko@example.jp")]),
    ({"phone": "090-3333-4444", "reminder_channel": "voice"}, [("voice", "+819033334444")]),
    ({"phone": "0466-25-1234", "reminder_channel": "sms"}, [("voice", "+81466251234")]),
    ({"phone": "0466-25-1234", "reminder_channel": "email", "email": "k@example.jp"},
     [("email", "k@example.jp")]),
    ({"phone": "090-3333-4444", "reminder_channel": "email"}, [("sms", "+819033334444")]),
])
def test_messages_go_by_sms_to_mobiles_voice_to_landlines_and_email_where_known(
        session, create_person, person_data, expected):
    booking = book(session, create_person(**person_data)).booking
    reminders = messages(booking, BookingTemplate.REMINDER)
    assert sorted((m.channel.value, m.address) for m in reminders) == expected
    confirmations = messages(booking, BookingTemplate.BOOKING_CONFIRMED)
    assert sorted((m.channel.value, m.address) for m in confirmations) == expected


def test_messages_use_the_persons_language(session, create_person):
    booking = book(session, create_person(language="en")).booking
    assert {message.locale for message in messages(booking)} == {"en"}


def test_proxies_get_copies_only_with_their_own_consent(session, create_person):
    person = create_person(phone="0466-82-4455")
    agreed = people_services.add_proxy(
        person, {"name": "伊藤 健", "relation": "family", "phone": "090-5555-6666",
                 "wants_copies": True}, consent_method="phone_staff", actor="test", now=NOW)
    people_services.add_proxy(
        person, {"name": "ケアマネ 山田", "relation": "care_manager", "phone": "080-7777-8888",
                 "wants_copies": False}, consent_method="phone_staff", actor="test", now=NOW)
    booking = book(session, person, proxy=agreed).booking
    reminders = messages(booking, BookingTemplate.REMINDER)
    assert sorted((m.recipient_kind, m.channel.value, m.address) for m in reminders) == [
        ("person", "voice", "+81466824455"), ("proxy", "sms", "+819055556666")]
    copy = next(m for m in reminders if m.recipient_kind == "proxy")
    assert copy.proxy_id == agreed.id and copy.person_id == person.id


def test_cancelling_cancels_queued_messages_and_plans_the_cancellation(session, create_person):
    booking = book(session, create_person()).booking
    services.cancel_booking(booking, actor="test", now=NOW + timedelta(minutes=1))
    assert sorted(m.template for m in messages(booking, state=MessageState.CANCELLED)) == [
        "booking_confirmed", "reminder"]
    assert templates(booking) == ["booking_cancelled"]


def test_promotion_replaces_the_waitlist_message_with_promotion_and_reminder(session,
                                                                             create_person):
    booked = fill(session, create_person, 3)
    waiting = book(session, create_person(), now=NOW + timedelta(minutes=5)).booking
    services.cancel_booking(booked[0], actor="test", now=NOW + timedelta(minutes=10))
    assert templates(waiting) == ["reminder", "waitlist_promoted"]
    assert [m.template for m in messages(waiting, state=MessageState.CANCELLED)] == [
        "waitlist_confirmed"]


def test_nothing_is_planned_for_after_the_start(today_session, create_person):
    booking = book(today_session, create_person(), now=EARLY).booking
    assert templates(booking) == ["booking_confirmed"]
    services.cancel_booking(booking, reason="staff", actor="test", now=NOW)
    assert templates(booking) == []


# -- the audit log --------------------------------------------------------------------------------

def test_create_cancel_promote_and_attendance_are_audited(app, today_session, create_person,
                                                         coordinator, monkeypatch):
    # a seat freed on the day would be offered (tests/events/test_offers.py): promote here
    monkeypatch.setitem(app.config, "DESK_OFFER_WINDOW_HOURS", 0)
    first, second = fill(today_session, create_person, 2, now=EARLY, channel="phone_desk")
    third = book(today_session, create_person(), seats=2, now=EARLY, channel="phone_desk",
                 actor=coordinator).booking
    created = last_audit("booking.create")
    assert created.object_type == "bookings" and created.object_id == third.id
    assert created.actor_id == coordinator.id and created.note == "phone_desk"
    assert created.after["status"] == "waitlisted" and created.after["seats"] == 2
    assert created.after["code"] == third.code

    services.cancel_booking(first, actor=coordinator, now=EARLY + timedelta(minutes=1))
    cancelled = last_audit("booking.cancel")
    assert cancelled.object_id == first.id
    assert (cancelled.before["status"], cancelled.after["status"]) == ("booked", "cancelled")
    assert third.status == BookingStatus.BOOKED
    promoted = last_audit("booking.promote")
    assert promoted.object_id == third.id
    assert (promoted.before["status"], promoted.after["status"]) == ("waitlisted", "booked")

    services.set_attendance(second, "attended", actor=coordinator, now=NOW)
    marked = last_audit("booking.attendance")
    assert marked.object_id == second.id and marked.after["attendance"] == "attended"
    assert marked.note is None


def test_a_no_show_is_marked_only_once_the_session_started(ctx, create_session, create_person):
    session = create_session(day=NOW.date(), start=time(13), end=time(15), capacity=3)
    booking = services.book_seat(session, create_person(), channel="phone_desk", actor="test",
                        now=NOW).booking
    morning = session.start_dt - timedelta(hours=3)
    with pytest.raises(ValidationError):
        services.set_attendance(booking, Attendance.NO_SHOW, actor="test", now=morning)
    assert booking.attendance is None
    services.set_attendance(booking, Attendance.ATTENDED, actor="test", now=morning)
    services.set_attendance(booking, Attendance.NO_SHOW, actor="test", now=session.start_dt)
    assert booking.attendance == Attendance.NO_SHOW
