"""Moving a booking to another session (desk.events.bookings.move_booking), on SQLite
and PostgreSQL: the new seat is taken before the old one is given up, the old
session's waiting list moves up, the calendar event keeps its UID with a higher
SEQUENCE, exactly one message says old date -> new date, the reminders move with it,
and every refusal changes nothing. Concurrency: test_move_concurrency.py.

NOW is Monday 2026-11-23 10:00 JST; the sessions are on Thursday 2026-12-03 and the
Thursday after (2026-12-10), 10:00 JST.
"""

from datetime import date, time, timedelta

import pytest
from icalendar import Calendar

from desk.core.timeutil import local_datetime
from desk.events import availability, ics, services
from desk.events.bookings import MoveError
from desk.events.models import Attendance, BookingStatus, Confirmation
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState
from desk.notify.segments import count_segments
from tests.events.helpers import audit_entries
from tests.events.test_bookings import book, counts, messages, templates
from tests.fixtures.factories import NOW
from tests.notify.channel_support import LONGEST_SHORT_NAME

NEXT_WEEK = date(2026, 12, 10)


@pytest.fixture
def program(ctx, create_program):
    return create_program()


@pytest.fixture
def old(ctx, create_session, program):
    return create_session(capacity=2, program_id=program.id)


@pytest.fixture
def new(ctx, create_session, program):
    return create_session(capacity=2, program_id=program.id, day=NEXT_WEEK, start=time(13, 30),
                          end=time(15))


def move(booking, target, **options):
    options.setdefault("channel", "web")
    options.setdefault("actor", "web")
    options.setdefault("now", NOW)
    return services.move_booking(booking, target, **options)


def test_move_keeps_the_booking_and_its_code_and_takes_a_free_seat(old, new, create_person):
    booking = book(old, create_person(), seats=2).booking
    code, token, proxy_id = booking.code, booking.token, booking.proxy_id
    result = move(booking, new)
    db.session.flush()
    assert result.booking is booking and result.old_session.id == old.id
    assert booking.session_id == new.id and booking.status == BookingStatus.BOOKED
    assert (booking.code, booking.token, booking.seats, booking.proxy_id) == (
        code, token, 2, proxy_id)
    assert booking.moved_from_session_id == old.id and booking.moved_dt == NOW
    assert availability.seats_taken(old) == 0 and availability.seats_taken(new) == 2
    entry, = audit_entries("booking.move", booking.id)
    assert entry.before["session_id"] == old.id and entry.after["session_id"] == new.id


def test_move_promotes_the_old_waiting_list_in_arrival_order(old, new, create_person):
    moving = book(old, create_person(), seats=2).booking
    first = book(old, create_person(), now=NOW + timedelta(minutes=1)).booking
    second = book(old, create_person(), now=NOW + timedelta(minutes=2)).booking
    assert first.status == second.status == BookingStatus.WAITLISTED
    result = move(moving, new)
    assert [booking.id for booking in result.promoted] == [first.id, second.id]
    assert first.status == second.status == BookingStatus.BOOKED
    assert templates(first) == ["reminder", "waitlist_promoted"]


def test_move_sends_one_message_and_moves_the_reminders(old, new, create_person):
    booking = book(old, create_person()).booking
    old_reminder, = messages(booking, BookingTemplate.REMINDER)
    move(booking, new)
    db.session.refresh(old_reminder)
    assert old_reminder.state == MessageState.CANCELLED
    moved = messages(booking, BookingTemplate.BOOKING_MOVED)
    assert [message.channel for message in moved] == [MessageChannel.SMS]
    assert moved[0].due_dt == NOW and moved[0].not_after == new.start_dt
    reminder, = messages(booking, BookingTemplate.REMINDER)
    assert reminder.due_dt == local_datetime(date(2026, 12, 9), time(10))
    assert reminder.not_after == new.start_dt
    assert templates(booking) == ["booking_moved", "reminder"]
    body = render(moved[0]).sms_body
    assert "12月3日→12月10日(木)13:30" in body and booking.display_code in body
    assert count_segments(body).segments == 1, body


def test_calendar_event_keeps_its_uid_with_a_higher_sequence(old, new, create_person, ctx):
    booking = book(old, create_person()).booking
    # the old session had changed more often than the new one: SEQUENCE still rises
    old.sequence = 5
    db.session.flush()
    before = Calendar.from_ical(ics.booking_calendar(booking, now=NOW)).walk("VEVENT")[0]
    move(booking, new)
    after = Calendar.from_ical(ics.booking_calendar(booking, now=NOW)).walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == local_datetime(NEXT_WEEK, time(13, 30))
    # a later change of the new session raises it further
    new.sequence += 1
    again = Calendar.from_ical(ics.booking_calendar(booking, now=NOW)).walk("VEVENT")[0]
    assert int(again["SEQUENCE"]) > int(after["SEQUENCE"])


def test_move_into_a_full_session_is_refused_unless_the_waiting_list_is_asked_for(
        old, new, create_person):
    booking = book(old, create_person()).booking
    book(new, create_person(), seats=2)
    db.session.commit()
    before = counts()
    with pytest.raises(MoveError) as caught:
        move(booking, new)
    assert caught.value.code == "session_full"
    db.session.rollback()
    assert counts() == before
    db.session.refresh(booking)
    assert booking.session_id == old.id and booking.status == BookingStatus.BOOKED

    result = move(booking, new, to_waitlist=True)
    assert booking.status == BookingStatus.WAITLISTED and result.waitlist_position == 1
    assert booking.booked_dt is None
    assert availability.seats_taken(old) == 0
    assert templates(booking) == ["booking_moved"]  # no reminders on the waiting list


def test_a_waitlisted_booking_moves_into_a_free_seat(old, new, create_person):
    book(old, create_person(), seats=2)
    waiting = book(old, create_person()).booking
    assert waiting.status == BookingStatus.WAITLISTED
    result = move(waiting, new)
    assert waiting.status == BookingStatus.BOOKED and not result.promoted
    assert waiting.confirmation == Confirmation.UNCONFIRMED


@pytest.mark.parametrize(("case", "code"), [
    ("same", "same_session"),
    ("cancelled_target", "session_cancelled"),
    ("started_target", "session_started"),
    ("already_booked", "already_booked"),
    ("cancelled_booking", "booking_cancelled"),
    ("other_program", "other_program"),
    ("party_too_large", "not_bookable"),
    ("attended", "attendance_recorded"),
])
def test_refused_moves_change_nothing(old, new, create_person, create_session, case, code):
    person = create_person()
    if case == "party_too_large":
        old = create_session(capacity=3, program_id=old.program_id)
    booking = book(old, person, seats=3 if case == "party_too_large" else 1).booking
    target = new
    if case == "same":
        target = old
    elif case == "cancelled_target":
        services.cancel_session(new, "台風のため", actor="test", now=NOW)
    elif case == "started_target":
        target = create_session(day=date(2026, 11, 23), start=time(9), end=time(11),
                                program_id=old.program_id)
    elif case == "already_booked":
        book(new, person)
    elif case == "cancelled_booking":
        services.cancel_booking(booking, actor="test", now=NOW)
    elif case == "other_program":
        target = create_session(day=NEXT_WEEK)
    elif case == "attended":
        booking.attendance = Attendance.ATTENDED
    db.session.commit()
    before = counts()
    with pytest.raises(MoveError) as caught:
        move(booking, target)
    assert caught.value.code == code and caught.value.message
    db.session.rollback()
    assert counts() == before


def test_staff_may_move_to_another_program(old, create_session, create_person, coordinator):
    booking = book(old, create_person()).booking
    other = create_session(day=NEXT_WEEK)
    move(booking, other, channel="phone_desk", actor=coordinator)
    assert booking.session_id == other.id


def test_a_booking_whose_session_started_cannot_move(ctx, create_session, create_person, new):
    today = create_session(day=date(2026, 11, 23), start=time(9), end=time(11),
                           program_id=new.program_id)
    booking = book(today, create_person(), now=NOW - timedelta(hours=3)).booking
    with pytest.raises(MoveError) as caught:
        move(booking, new, channel="phone_desk", actor="test")
    assert caught.value.code == "booking_started"


def test_move_sms_fits_one_segment_with_the_longest_names(ctx, create_venue, create_program,
                                                         create_session, create_person,
                                                         monkeypatch):
    from desk.demo import data as demo_data
    from tests.notify.channel_support import PUBLIC_URL, configure
    from tests.notify.test_content import DESK_PHONE, message_for

    monkeypatch.setitem(ctx.config, "DESK_DESK_PHONE", DESK_PHONE)
    title = max((program["title"] for program in demo_data.PROGRAMS), key=len)
    venue = create_venue(short_name=LONGEST_SHORT_NAME)
    program = create_program(title=title)
    first = create_session(venue_id=venue.id, program_id=program.id, day=date(2026, 11, 30))
    second = create_session(venue_id=venue.id, program_id=program.id, day=date(2026, 12, 13),
                            start=time(13, 30), end=time(15))
    booking = book(first, create_person()).booking
    move(booking, second)
    for replies in (True, False):
        configure(monkeypatch, ctx,
                  DESK_PUBLIC_URL=PUBLIC_URL if replies else "http://127.0.0.1:5000")
        body = render(message_for(booking, "sms", "booking_moved")).sms_body
        assert count_segments(body).segments == 1, f"{len(body)}: {body}"
        assert "11月30日→12月13日(日)13:30" in body and LONGEST_SHORT_NAME in body
        assert DESK_PHONE in body
        english = render(message_for(booking, "sms", "booking_moved", locale="en")).sms_body
        assert "Nov 30 → Sun, Dec 13 13:30" in english


def test_move_call_and_email_say_old_and_new_date(old, new, create_person, ctx, monkeypatch):
    from tests.notify.test_content import message_for

    booking = book(old, create_person(email="keiko@example.jp")).booking
    move(booking, new)
    call = render(message_for(booking, "voice", "booking_moved"))
    assert "12月3日" in call.voice_text and "12月10日" in call.voice_text
    assert booking.display_code not in call.voice_text  # read out digit by digit
    email = render(message_for(booking, "email", "booking_moved",
                               address="keiko@example.jp"))
    assert "12月10日" in email.email_subject
    assert "2026年12月3日" in email.email_text and "予約番号は変わりません" in email.email_text
    event = Calendar.from_ical(email.ics).walk("VEVENT")[0]
    assert email.ics_method == "REQUEST"
    assert str(event["UID"]) == ics.booking_uid(booking)
