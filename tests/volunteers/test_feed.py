"""The personal calendar feed, read back by `icalendar` and by the independent `ics`
library: times in Asia/Tokyo, one stable UID per shift and volunteer whose SEQUENCE
grows with every change, cancelled shifts marked CANCELLED, a revocable token, and
nothing about attendees or other volunteers."""

from datetime import UTC, time, timedelta

import icalendar
import ics as ics_library
import pytest

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.events.services import book_seat
from desk.extensions import db
from desk.volunteers import feed, services
from tests.events.test_ics import unfold
from tests.fixtures.factories import NOW

PUBLIC_URL = "https://desk.city.example.jp"
DESK_PHONE = "0466-25-1111"
# the feed is served on the real clock (it lists shifts from 90 days back): a day ahead
DAY = local_today(utcnow()) + timedelta(days=10)


def at(hour, minute=0):
    """The UTC time of `hour`:`minute` JST on DAY."""
    return local_datetime(DAY, time(hour, minute)).astimezone(UTC)


@pytest.fixture
def settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setitem(app.config, "DESK_DESK_PHONE", DESK_PHONE)
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME", "藤沢市")
    return app


@pytest.fixture
def session(ctx, settings, create_venue, create_program, create_session):
    venue = create_venue(name="湘南台市民センター", short_name="湘南台",
                         address="神奈川県藤沢市湘南台1-8")
    program = create_program(title="LINE入門", title_en="LINE for beginners")
    return create_session(venue_id=venue.id, program_id=program.id, day=DAY, start=time(10),
                          end=time(12))


@pytest.fixture
def shift(session, create_shift):
    return create_shift(session, role="lead", places=2, skills=["line"], notes="鍵を受け取る")


@pytest.fixture
def volunteer(create_volunteer):
    return create_volunteer(name="山本 和夫", skills=["line"], language="en")


@pytest.fixture
def signed_up(shift, volunteer):
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    db.session.commit()
    return assignment


def fetch(client, volunteer_or_token, status=200):
    token = getattr(volunteer_or_token, "feed_token", volunteer_or_token)
    response = client.get(f"/volunteer/feed/{token}.ics")
    assert response.status_code == status
    return response


def events_of(client, volunteer):
    calendar = icalendar.Calendar.from_ical(fetch(client, volunteer).get_data())
    return calendar, calendar.walk("VEVENT")


def test_feed_read_by_icalendar(client, signed_up, shift, volunteer):
    response = fetch(client, volunteer)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["Content-Disposition"] == 'inline; filename="shifts.ics"'
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Shifts of 山本 和夫 (藤沢市)"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"shift-{shift.id}-volunteer-{volunteer.id}@desk.city.example.jp"
    assert event["SEQUENCE"] == 0
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert start.utcoffset() == timedelta(hours=9)
    # 10:00-12:00 in Japan is 01:00-03:00 UTC
    assert start.astimezone(UTC) == at(10)
    assert end.astimezone(UTC) == at(12)
    assert str(event["SUMMARY"]) == "Lead · LINE for beginners"
    assert str(event["LOCATION"]) == "湘南台市民センター, 神奈川県藤沢市湘南台1-8"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    page = f"{PUBLIC_URL}/volunteer/shifts/{shift.id}"
    for expected in ("Role: Lead", "Skills asked for: LINE", "鍵を受け取る", DESK_PHONE, page):
        assert expected in description, expected
    assert str(event["URL"]) == page
    assert event.decoded("LAST-MODIFIED") == signed_up.updated_dt
    assert event.decoded("DTSTAMP") == signed_up.updated_dt


def test_feed_read_by_the_ics_library(client, signed_up, shift, volunteer):
    calendar = ics_library.Calendar(fetch(client, volunteer).get_data().decode("utf-8"))
    (event,) = calendar.events
    assert event.uid == f"shift-{shift.id}-volunteer-{volunteer.id}@desk.city.example.jp"
    assert event.begin.datetime == at(10)
    assert event.begin.utcoffset() == timedelta(hours=9)
    assert event.end.datetime == at(12)
    assert event.status == "CONFIRMED"
    assert event.name == "Lead · LINE for beginners"
    assert DESK_PHONE in event.description


def test_feed_raw_text(client, signed_up):
    lines = unfold(fetch(client, signed_up.volunteer).get_data())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "METHOD:PUBLISH" not in lines
    assert f"DTSTART;TZID=Asia/Tokyo:{DAY:%Y%m%d}T100000" in lines
    assert f"DTEND;TZID=Asia/Tokyo:{DAY:%Y%m%d}T120000" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines


def test_the_feed_speaks_the_volunteers_language(client, signed_up, volunteer):
    services.update_volunteer(volunteer, {"language": "ja"}, actor="test", now=NOW)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["SUMMARY"]).endswith("LINE入門")
    assert "湘南台市民センター（神奈川県藤沢市湘南台1-8）" == str(event["LOCATION"])


def test_the_feed_names_the_venue_in_the_volunteers_language(client, signed_up, volunteer,
                                                            session):
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["LOCATION"]).startswith("湘南台市民センター")  # no English name yet
    session.venue.name_en = "Shonandai Citizen Center"
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["LOCATION"]) == "Shonandai Citizen Center, 神奈川県藤沢市湘南台1-8"
    services.update_volunteer(volunteer, {"language": "ja"}, actor="test", now=NOW)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["LOCATION"]).startswith("湘南台市民センター")


def test_moving_the_shift_keeps_the_uid_and_raises_the_sequence(client, signed_up, shift,
                                                                volunteer):
    _calendar, (before,) = events_of(client, volunteer)
    later = NOW + timedelta(hours=1)
    services.update_shift(shift, {"role": "lead", "places": 2, "start_time": "13:00",
                                  "end_time": "15:30", "skills": ["line"]},
                          actor="test", now=later)
    db.session.commit()
    _calendar, (after,) = events_of(client, volunteer)
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART").astimezone(UTC) == at(13)
    assert after.decoded("DTEND").astimezone(UTC) == at(15, 30)
    assert after.decoded("LAST-MODIFIED") == later
    # the second parser sees the same
    (event,) = ics_library.Calendar(fetch(client, volunteer).get_data().decode()).events
    assert event.begin.datetime == at(13)


@pytest.mark.parametrize("how", ["session", "shift"])
def test_a_cancelled_shift_stays_with_status_cancelled(client, signed_up, shift, volunteer,
                                                       how):
    later = NOW + timedelta(hours=2)
    if how == "session":
        event_services.cancel_session(shift.session, "台風のため", actor="test", now=later)
    else:
        services.cancel_shift(shift, actor="test", now=later)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["UID"]) == f"shift-{shift.id}-volunteer-{volunteer.id}@desk.city.example.jp"
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Lead · LINE for beginners"
    assert "This shift is cancelled." in str(event["DESCRIPTION"])
    (parsed,) = ics_library.Calendar(fetch(client, volunteer).get_data().decode()).events
    assert parsed.status == "CANCELLED"


def test_withdrawing_cancels_and_signing_up_again_confirms(client, signed_up, shift,
                                                         volunteer):
    services.withdraw_from_shift(signed_up, actor="test", now=NOW)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    assert "You withdrew from this shift." in str(event["DESCRIPTION"])
    services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW + timedelta(hours=1))
    db.session.commit()
    _calendar, events = events_of(client, volunteer)
    assert [(str(item["UID"]), str(item["STATUS"]), item["SEQUENCE"]) for item in events] == [
        (str(event["UID"]), "CONFIRMED", 2)]


def test_removed_by_a_coordinator_is_cancelled(client, signed_up, volunteer):
    services.remove_from_shift(signed_up, actor="test", now=NOW)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["STATUS"]) == "CANCELLED"
    assert "A coordinator has taken you off this shift." in str(event["DESCRIPTION"])


def test_renewing_the_token_revokes_the_old_address(client, signed_up, volunteer):
    old = volunteer.feed_token
    services.renew_feed_token(volunteer, actor="test", now=NOW)
    db.session.commit()
    assert volunteer.feed_token != old
    fetch(client, old, status=404)
    assert len(events_of(client, volunteer)[1]) == 1


@pytest.mark.parametrize("token", ["unknown-token-0123456789", "short", "a" * 65,
                                   "bad token with spaces 0123"])
def test_an_unknown_token_is_not_found(client, signed_up, token):
    fetch(client, token, status=404)


def test_an_inactive_volunteer_has_no_feed(client, signed_up, volunteer):
    services.update_volunteer(volunteer, {"is_active": False}, actor="test", now=NOW)
    db.session.commit()
    fetch(client, volunteer, status=404)


def test_an_unchanged_feed_answers_not_modified(client, signed_up, volunteer):
    first = fetch(client, volunteer)
    etag = first.headers["ETag"]
    again = client.get(f"/volunteer/feed/{volunteer.feed_token}.ics",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_the_feed_lists_only_the_volunteers_own_shifts_and_nobody_else(
        client, signed_up, shift, session, volunteer, create_volunteer, create_shift,
        create_person):
    colleague = create_volunteer(name="中村 陽子", skills=["line"], shares_contact=True,
                                 email="yoko@example.jp")
    services.update_volunteer(volunteer, {"shares_contact": True}, actor="test", now=NOW)
    services.sign_up_for_shift(shift, colleague, actor="test", now=NOW)
    other_shift = create_shift(session, role="reception")
    services.sign_up_for_shift(other_shift, create_volunteer(name="小林 健一"), actor="test",
                               now=NOW)
    attendee = create_person(name="佐藤 恵子", phone="090-1234-5678")
    book_seat(session, attendee, channel="phone_desk", actor="test", now=NOW)
    db.session.commit()
    raw = fetch(client, volunteer).get_data().decode("utf-8")
    text = "".join(unfold(raw.encode("utf-8")))
    _calendar, events = events_of(client, volunteer)
    assert len(events) == 1
    for private in ("中村 陽子", "小林 健一", "yoko@example.jp", colleague.phone, "佐藤 恵子", "1234-5678",
                    "+8190", volunteer.phone, volunteer.email, "ATTENDEE", "ORGANIZER"):
        assert private not in text, private


def test_webcal_and_https_addresses(ctx, settings, volunteer):
    https = f"{PUBLIC_URL}/volunteer/feed/{volunteer.feed_token}.ics"
    assert feed.feed_url(volunteer.feed_token) == https
    assert feed.webcal_url(volunteer.feed_token) == \
        f"webcal://desk.city.example.jp/volunteer/feed/{volunteer.feed_token}.ics"
    template = ctx.jinja_env.from_string("{{ webcal_url(token) }} {{ feed_url(token) }}")
    assert template.render(token=volunteer.feed_token) == \
        f"{feed.webcal_url(volunteer.feed_token)} {https}"


def test_the_feed_gives_the_sessions_own_title_in_the_volunteers_language(
        client, signed_up, volunteer, session):
    event_services.update_session(session, {"title": "LINE特別講座",
                                            "title_en": "LINE special class"},
                                  actor="test", now=utcnow())
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert str(event["SUMMARY"]) == "Lead · LINE special class"
    services.update_volunteer(volunteer, {"language": "ja"}, actor="test", now=NOW)
    db.session.commit()
    _calendar, (event,) = events_of(client, volunteer)
    assert "LINE特別講座" in str(event["SUMMARY"])
