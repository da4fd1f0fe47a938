"""A booking's calendar file, read back by three independent readers: icalendar, the
`ics` library, and a minimal RFC 5545 line unfolder written here (for the raw text:
CRLF line ends, folded lines of at most 75 octets, the TZID on DTSTART)."""

from datetime import timedelta

import icalendar
import ics as ics_library
import pytest

from desk.core.timeutil import local_today, to_local, utcnow
from desk.events import services
from desk.extensions import db

PUBLIC_URL = "https://desk.city.example.jp"


@pytest.fixture
def booked(ctx, app, monkeypatch, create_venue, create_program, create_session,
           create_person):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setitem(app.config, "DESK_DESK_PHONE", "0466-25-1111")
    venue = create_venue(name="湘南台市民センター", address="神奈川県藤沢市湘南台1-8",
                         latitude="35.3965", longitude="139.4666")
    program = create_program(title="はじめてのスマホ教室", what_to_bring="充電したスマートフォン")
    session = create_session(day=local_today() + timedelta(days=10), venue_id=venue.id,
                             program_id=program.id, capacity=1)
    now = utcnow()
    first = services.book_seat(session, create_person(name="伊藤 節子", phone="0466-82-4455"),
                               seats=1, channel="web", actor="web", now=now).booking
    waiting = services.book_seat(session, create_person(), channel="web", actor="web",
                                 now=now).booking
    db.session.commit()
    return first, waiting


def fetch(client, booking, language="ja"):
    response = client.get(f"/bookings/{booking.token}.ics",
                          headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response.get_data()


def unfold(raw):
    """RFC 5545 3.1: lines end with CRLF, are at most 75 octets, and a line starting
    with a space or tab continues the previous one."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), [
        line for line in physical if len(line) > 75]
    assert not any(b"\n" in line or b"\r" in line for line in physical)
    lines = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def test_calendar_file_read_by_icalendar(client, booked):
    first, _waiting = booked
    session = first.session
    calendar = icalendar.Calendar.from_ical(fetch(client, first))
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"booking-{first.id}@desk.city.example.jp"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == session.start_dt and end == session.end_dt
    assert start.utcoffset() == timedelta(hours=9) and event["DTSTART"].params["TZID"] == \
        "Asia/Tokyo"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert str(event["SUMMARY"]) == "はじめてのスマホ教室"
    assert str(event["LOCATION"]) == "湘南台市民センター（神奈川県藤沢市湘南台1-8）"  # Japanese
    description = str(event["DESCRIPTION"])
    for expected in (first.display_code, "0466-25-1111", "充電したスマートフォン",
                     f"{PUBLIC_URL}/bookings/{first.token}"):
        assert expected in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("SEQUENCE") == 0  # a new booking's first version
    assert event.decoded("GEO") == pytest.approx((35.3965, 139.4666))
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY" and str(alarms[0]["DESCRIPTION"])
    assert alarms[0].decoded("TRIGGER") == -timedelta(hours=1)


def test_calendar_file_read_by_ics(client, booked):
    first, _waiting = booked
    session = first.session
    calendar = ics_library.Calendar(fetch(client, first, "en").decode("utf-8"))
    assert calendar.method == "PUBLISH"
    (event,) = calendar.events
    assert event.uid == f"booking-{first.id}@desk.city.example.jp"
    assert event.begin.datetime == to_local(session.start_dt)
    assert event.begin.utcoffset() == timedelta(hours=9)
    assert event.end.datetime == to_local(session.end_dt)
    assert event.status == "CONFIRMED"
    assert "Booking code: " + first.display_code in event.description
    (alarm,) = event.alarms
    assert alarm.trigger == -timedelta(hours=1)
    assert "starts in one hour" in alarm.display_text


def test_calendar_file_raw_text(client, booked):
    first, _waiting = booked
    lines = unfold(fetch(client, first))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    start = to_local(first.session.start_dt).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Asia/Tokyo:{start}" in lines
    assert "METHOD:PUBLISH" in lines and "BEGIN:VTIMEZONE" in lines
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    assert any(line.startswith("DESCRIPTION:") and first.display_code in line
               for line in lines)
    # no personal data: neither the name nor the phone number
    text = "\n".join(lines)
    assert not any(value in text for value in ("伊藤", "0466-82-4455", "0466824455",
                                                "+81466824455"))


def test_waitlisted_booking_is_tentative(client, booked):
    _first, waiting = booked
    event = icalendar.Calendar.from_ical(fetch(client, waiting, "en")).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "waiting list" in str(event["SUMMARY"])
    assert "number 1 on the waiting list" in str(event["DESCRIPTION"])


def _event(client, booking):
    return icalendar.Calendar.from_ical(fetch(client, booking)).walk("VEVENT")[0]


def test_changes_keep_the_uid_and_raise_the_sequence(client, booked):
    first, waiting = booked
    before = _event(client, first)
    assert _event(client, first)["UID"] == before["UID"]  # stable
    later = utcnow() + timedelta(minutes=1)
    services.update_session(first.session, {"start_dt": first.session.start_dt +
                                            timedelta(hours=1),
                                            "end_dt": first.session.end_dt +
                                            timedelta(hours=1)},
                            actor="test", now=later)
    db.session.commit()
    moved = _event(client, first)
    assert moved["UID"] == before["UID"]
    assert moved.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert moved.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(hours=1)

    services.cancel_booking(first, actor="web", now=later + timedelta(minutes=1))
    db.session.commit()
    cancelled = _event(client, first)
    assert str(cancelled["STATUS"]) == "CANCELLED" and not cancelled.walk("VALARM")
    assert cancelled.decoded("SEQUENCE") > moved.decoded("SEQUENCE")
    promoted = _event(client, waiting)  # the cancellation gave the seat to the waiting list
    assert str(promoted["STATUS"]) == "CONFIRMED"


def _sequence(client, booking):
    return _event(client, booking).decoded("SEQUENCE")


def test_changes_within_one_second_each_raise_the_sequence(client, booked):
    """SEQUENCE counts changes, not seconds: a move, a reinstated session, a promotion
    and a cancellation in the same second each carry a higher one."""
    first, waiting = booked
    now = utcnow().replace(microsecond=0)
    seen = [_sequence(client, first)]
    session = first.session
    services.update_session(session, {"start_dt": session.start_dt + timedelta(hours=1),
                                       "end_dt": session.end_dt + timedelta(hours=1)},
                            actor="test", now=now)
    db.session.commit()
    seen.append(_sequence(client, first))
    services.update_session(session, {"capacity": 5}, actor="test",
                            now=now + timedelta(microseconds=1))  # the waiting one is booked
    db.session.commit()
    seen.append(_sequence(client, first))
    services.cancel_session(session, "台風のため", actor="test", now=now)
    db.session.commit()
    seen.append(_sequence(client, first))
    services.reinstate_session(session, actor="test", now=now)
    db.session.commit()
    seen.append(_sequence(client, first))
    assert seen == sorted(set(seen)), seen  # strictly rising
    promoted = _event(client, waiting)
    assert str(promoted["STATUS"]) == "CANCELLED"  # cancelled with the session


def test_a_promotion_and_a_cancellation_within_one_second_raise_the_sequence(client, booked):
    first, waiting = booked
    now = utcnow().replace(microsecond=0)
    before = _sequence(client, waiting)
    services.cancel_booking(first, actor="web", now=now)  # promotes the waiting one
    db.session.commit()
    promoted = _event(client, waiting)
    assert str(promoted["STATUS"]) == "CONFIRMED"
    assert promoted.decoded("SEQUENCE") > before
    services.cancel_booking(waiting, actor="web", now=now)
    db.session.commit()
    cancelled = _event(client, waiting)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.decoded("SEQUENCE") > promoted.decoded("SEQUENCE")


def test_a_capacity_cut_and_its_undoing_within_one_second_raise_the_sequence(client, booked):
    """A booking moved to the waiting list lost its booked time: SEQUENCE still rises
    (it used to fall back to the time of booking)."""
    first, _waiting = booked
    now = utcnow().replace(microsecond=0)
    seen = [_sequence(client, first)]
    for capacity in (0, 1):
        services.update_session(first.session, {"capacity": capacity}, actor="test", now=now)
        db.session.commit()
        seen.append(_sequence(client, first))
    assert seen == sorted(set(seen)), seen


def test_cancelled_session_is_cancelled_in_the_calendar(client, booked):
    first, _waiting = booked
    services.cancel_session(first.session, "台風のため", actor="test",
                            now=utcnow() + timedelta(minutes=1))
    db.session.commit()
    event = _event(client, first)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).endswith("はじめてのスマホ教室")
