"""The coordinators' schedule pages through the test client: the session and series
forms (good and bad input), status changes, the week and month views and their
filters, and unknown ids.

A refused form answers 200 with the message next to its field and saves nothing; no
input gives a 5xx. Messages are in Japanese by default, so the tests look for the
field's error element, not for its words.
"""

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.districts import District
from desk.core.timeutil import local_datetime, local_today, to_local, utcnow
from desk.events import services
from desk.events.models import (
    EventSession,
    Program,
    SessionSeries,
    SessionStatus,
    Venue,
)
from desk.extensions import db
from tests.events.helpers import row_counts
from tests.fixtures.factories import NOW
from tests.fixtures.sql import statements_of


def field_error(html, name):
    """The error message shown next to the field `name`, or None."""
    match = re.search(rf'<p class="error-message" id="{re.escape(name)}-error">(.*?)</p>',
                      html, re.S)
    return match.group(1).strip() if match else None


def error_fields(html):
    return set(re.findall(r'<p class="error-message" id="([\w-]+)-error">', html))


def assert_refused(response, before, *fields):
    """200, an error next to each of `fields` (and only those), nothing saved."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert error_fields(html) == set(fields), error_fields(html)
    for name in fields:
        assert field_error(html, name)
        assert f'id="{name}"' in html
    assert 'class="error-summary"' in html
    assert row_counts() == before


@pytest.fixture
def place(ctx, create_venue, create_program):
    return create_venue(default_capacity=16), create_program()


@pytest.fixture
def next_week():
    """A Tuesday one to two weeks ahead (local date)."""
    today = local_today()
    return today + timedelta(days=7 + (1 - today.weekday()) % 7)


def session_form(place, on, **changes):
    venue, program = place
    data = {
        "kind": "class",
        "program_id": str(program.id),
        "title": "",
        "venue_id": str(venue.id),
        "capacity": "12",
        "notes": "",
        "day": on.isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "requesting_group": "",
        "requesting_contact": "",
    }
    data.update(changes)
    return data


def series_form(place, first, last, **changes):
    venue, program = place
    data = {
        "kind": "class",
        "program_id": str(program.id),
        "title": "",
        "venue_id": str(venue.id),
        "capacity": "12",
        "notes": "",
        "start_date": first.isoformat(),
        "until_date": last.isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "frequency": "monthly",
        "interval": "1",
        "weekdays": ["TU"],
        "ordinals": ["2", "4"],
        "custom_rule": "",
        "skip_dates": "",
    }
    data.update(changes)
    return data


def only(model):
    db.session.expire_all()
    rows = db.session.scalars(select(model).order_by(model.id)).unique().all()
    return rows


# -- sessions ----------------------------------------------------------------------------

def test_session_new_page_shows_the_form(staff_client, place, next_week):
    response = staff_client.get(f"/staff/sessions/new?date={next_week.isoformat()}")
    assert response.status_code == 200
    assert f'value="{next_week.isoformat()}"' in response.get_data(as_text=True)


def test_session_new_saves_a_class_in_utc(staff_client, place, next_week):
    response = staff_client.post("/staff/sessions/new", data=session_form(place, next_week))
    assert response.status_code == 302
    [session] = only(EventSession)
    assert response.headers["Location"].endswith(f"/staff/sessions/{session.id}")
    assert session.start_dt == local_datetime(next_week, time(10))
    assert session.end_dt == local_datetime(next_week, time(11, 30))
    assert session.capacity == 12


def test_session_new_keeps_line_breaks_in_notes(staff_client, place, next_week):
    response = staff_client.post("/staff/sessions/new", data=session_form(
        place, next_week, notes="3階 会議室\r\n筆記用具をお持ちください"))
    assert response.status_code == 302
    assert only(EventSession)[0].notes == "3階 会議室\n筆記用具をお持ちください"


def test_session_new_outreach_and_awareness_event(staff_client, place, next_week):
    outreach = staff_client.post("/staff/sessions/new", data=session_form(
        place, next_week, kind="outreach_class", requesting_group="辻堂老人クラブ",
        requesting_contact="佐藤"))
    event = staff_client.post("/staff/sessions/new", data=session_form(
        place, next_week, kind="awareness_event", program_id="", title="スマホ体験会",
        capacity=""))
    assert (outreach.status_code, event.status_code) == (302, 302)
    first, second = only(EventSession)
    assert first.requesting_group == "辻堂老人クラブ"
    assert second.title == "スマホ体験会" and second.capacity is None


@pytest.mark.parametrize("changes, fields", [
    ({"end_time": "09:00"}, ["end_time"]),
    ({"end_time": "10:00"}, ["end_time"]),
    ({"start_time": "06:00", "end_time": "19:00"}, ["end_time"]),  # over 12 hours
    ({"start_time": ""}, ["start_time"]),
    ({"start_time": "25:00"}, ["start_time"]),
    ({"day": "2026-02-30"}, ["day"]),
    ({"day": "30/11/2026"}, ["day"]),
    ({"day": "0001-01-01"}, ["day"]),
    ({"day": "0001-01-01", "start_time": "00:30", "end_time": "08:00"}, ["day"]),
    ({"day": "9999-12-31"}, ["day"]),
    ({"day": ""}, ["day"]),
    ({"venue_id": "424242"}, ["venue_id"]),
    ({"venue_id": ""}, ["venue_id"]),
    ({"program_id": "424242"}, ["program_id"]),
    ({"program_id": ""}, ["program_id"]),
    ({"kind": "lecture"}, ["kind"]),
    ({"kind": "outreach_class"}, ["requesting_group"]),
    ({"kind": "awareness_event", "program_id": "", "title": ""}, ["title"]),
    ({"capacity": "-1"}, ["capacity"]),
    ({"capacity": "501"}, ["capacity"]),
    ({"capacity": "many"}, ["capacity"]),
    ({"capacity": "2" * 400}, ["capacity"]),  # WTForms' NumberRange would overflow
    ({"title": "題" * 101}, ["title"]),
    ({"title": "ベル\x07"}, ["title"]),
    ({"notes": "注" * 2001}, ["notes"]),
    ({"kind": "outreach_class", "requesting_group": "団" * 201}, ["requesting_group"]),
    ({"title_en": "Summer class"}, ["title_en"]),  # no Japanese title to translate
    ({"title": "夏休み教室", "title_en": "x" * 201}, ["title_en"]),
    ({"notes_en": "Bring a pen."}, ["notes_en"]),
    ({"notes": "筆記用具", "notes_en": "x" * 2001}, ["notes_en"]),
])
def test_session_new_refuses_bad_input_next_to_the_field(staff_client, place, next_week,
                                                          changes, fields):
    before = row_counts()
    response = staff_client.post("/staff/sessions/new",
                                 data=session_form(place, next_week, **changes))
    assert_refused(response, before, *fields)


def test_session_new_refuses_an_inactive_venue(staff_client, place, next_week, create_venue):
    closed = create_venue(is_active=False)
    before = row_counts()
    response = staff_client.post("/staff/sessions/new", data=session_form(
        place, next_week, venue_id=str(closed.id)))
    assert_refused(response, before, "venue_id")


def test_session_english_title_and_notes_are_saved_and_shown(staff_client, place,
                                                            next_week):
    form = staff_client.get("/staff/sessions/new").get_data(as_text=True)
    assert "名前（英語）" in form and "備考（英語）" in form
    response = staff_client.post("/staff/sessions/new", data=session_form(
        place, next_week, title="夏休み教室", title_en="Summer class", notes="筆記用具",
        notes_en="Bring a pen.\r\nAnd your phone."))
    assert response.status_code == 302
    [session] = only(EventSession)
    assert (session.title_en, session.notes_en) == ("Summer class",
                                                    "Bring a pen.\nAnd your phone.")
    staff_client.set_cookie("desk_locale", "en")
    page = staff_client.get(f"/staff/sessions/{session.id}").get_data(as_text=True)
    assert "<h1>Summer class" in page and 'value="Summer class"' in page
    assert "Title in English" in page and "Notes in English" in page
    response = staff_client.post(f"/staff/sessions/{session.id}", data=session_form(
        place, next_week, title="夏休み教室", title_en="", notes="筆記用具", notes_en=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert (session.title_en, session.notes_en) == (None, None)


def test_series_english_title_and_notes_reach_the_sessions(staff_client, place, next_week):
    response = staff_client.post("/staff/series/new", data=series_form(
        place, next_week, next_week + timedelta(weeks=2), frequency="weekly", ordinals=[],
        title="相談会", title_en="Help desk", notes="予約不要", notes_en="No booking needed."))
    assert response.status_code == 302
    [series] = only(SessionSeries)
    assert (series.title_en, series.notes_en) == ("Help desk", "No booking needed.")
    assert {(session.title_en, session.notes_en) for session in series.sessions} == {
        ("Help desk", "No booking needed.")}
    assert len(series.sessions) == 3


def test_session_edit_shows_local_values(staff_client, create_session):
    session = create_session(day=date(2026, 12, 2), start=time(0, 30), end=time(2))
    html = staff_client.get(f"/staff/sessions/{session.id}").get_data(as_text=True)
    assert 'value="2026-12-02"' in html and 'value="00:30"' in html and 'value="02:00"' in html


def test_session_edit_of_a_series_session_makes_it_a_one_off(staff_client, create_series,
                                                             next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU", start_date=next_week,
                           until_date=next_week + timedelta(weeks=3))
    session = series.sessions[1]
    data = session_form((series.venue, series.program), session.occurrence_date,
                        start_time="13:00", end_time="14:30")
    response = staff_client.post(f"/staff/sessions/{session.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert session.is_detached
    assert to_local(session.start_dt).time() == time(13)
    page = staff_client.get(f"/staff/series/{series.id}").get_data(as_text=True)
    assert page.count(f"/staff/sessions/{session.id}") == 1


def test_session_edit_refuses_bad_input_and_keeps_the_session(staff_client, create_session):
    session = create_session(day=local_today() + timedelta(days=10))
    start = session.start_dt
    before = row_counts()
    data = session_form((session.venue, session.program), to_local(start).date(),
                        start_time="12:00", end_time="11:00")
    response = staff_client.post(f"/staff/sessions/{session.id}", data=data)
    assert_refused(response, before, "end_time")
    db.session.expire_all()
    assert session.start_dt == start


def test_session_cancel_and_reinstate(staff_client, create_session):
    session = create_session(day=local_today() + timedelta(days=10))
    assert staff_client.get(f"/staff/sessions/{session.id}/cancel").status_code == 200
    before = row_counts()
    refused = staff_client.post(f"/staff/sessions/{session.id}/cancel",
                                data={"cancel_reason": "   "})
    assert_refused(refused, before, "cancel_reason")

    response = staff_client.post(f"/staff/sessions/{session.id}/cancel",
                                 data={"cancel_reason": "台風のため"})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "台風のため"

    again = staff_client.post(f"/staff/sessions/{session.id}/cancel",
                              data={"cancel_reason": "重複"})
    assert again.status_code == 200
    db.session.expire_all()
    assert session.cancel_reason == "台風のため"

    assert staff_client.get(f"/staff/sessions/{session.id}").status_code == 200
    response = staff_client.post(f"/staff/sessions/{session.id}/reinstate")
    assert response.status_code == 302
    db.session.expire_all()
    assert session.status == SessionStatus.SCHEDULED


def test_session_complete_before_it_starts_changes_nothing(staff_client, create_session):
    session = create_session(day=local_today() + timedelta(days=10))
    before = row_counts()
    response = staff_client.post(f"/staff/sessions/{session.id}/complete",
                                 follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash flash--error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_session_complete_after_it_started(staff_client, create_session):
    session = create_session(day=local_today() - timedelta(days=2))
    response = staff_client.post(f"/staff/sessions/{session.id}/complete")
    assert response.status_code == 302
    db.session.expire_all()
    assert session.status == SessionStatus.COMPLETED


# -- series ------------------------------------------------------------------------------

def test_series_new_monthly_second_and_fourth_tuesday(staff_client, place):
    first = local_today()
    last = first + timedelta(days=180)
    response = staff_client.post("/staff/series/new", data=series_form(place, first, last))
    assert response.status_code == 302
    [series] = only(SessionSeries)
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2TU,4TU"
    sessions = only(EventSession)
    assert sessions and all(session.series_id == series.id for session in sessions)
    for session in sessions:
        day = to_local(session.start_dt).date()
        assert day.weekday() == 1 and (8 <= day.day <= 14 or 22 <= day.day <= 28)
        assert to_local(session.start_dt).time() == time(10)
    page = staff_client.get(response.headers["Location"], follow_redirects=True)
    assert 'class="flash flash--success"' in page.get_data(as_text=True)


def test_series_new_weekly_every_other_week_with_skips(staff_client, place, next_week):
    first, last = next_week, next_week + timedelta(weeks=8)
    skip = next_week + timedelta(weeks=2, days=2)  # a Thursday of a week that is on
    response = staff_client.post("/staff/series/new", data=series_form(
        place, first, last, frequency="weekly", interval="2", weekdays=["TU", "TH"],
        ordinals=[], skip_dates=f"{skip.isoformat()}\r\n\r\n"))
    assert response.status_code == 302
    [series] = only(SessionSeries)
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
    assert series.skip_dates == [skip]
    days = [to_local(session.start_dt).date() for session in only(EventSession)]
    expected = [next_week + timedelta(weeks=weeks, days=offset)
                for weeks in (0, 2, 4, 6, 8) for offset in (0, 2)]
    assert days == [day for day in expected if day <= last and day != skip]


def test_series_new_custom_rule(staff_client, place, next_week):
    response = staff_client.post("/staff/series/new", data=series_form(
        place, next_week, next_week + timedelta(days=120), frequency="custom",
        custom_rule="FREQ=MONTHLY;BYDAY=-1FR", weekdays=[], ordinals=[]))
    assert response.status_code == 302
    [series] = only(SessionSeries)
    assert series.rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    for session in only(EventSession):
        day = to_local(session.start_dt).date()
        assert day.weekday() == 4 and (day + timedelta(days=7)).month != day.month


@pytest.mark.parametrize("changes, fields", [
    ({"frequency": "weekly", "weekdays": []}, ["weekdays"]),
    ({"frequency": "monthly", "ordinals": []}, ["ordinals"]),
    ({"frequency": "monthly", "weekdays": ["XX"]}, ["weekdays"]),
    ({"frequency": "monthly", "ordinals": ["7"]}, ["ordinals"]),
    ({"frequency": "fortnightly"}, ["frequency"]),
    ({"frequency": "weekly", "interval": "9"}, ["interval"]),
    ({"frequency": "weekly", "interval": "0"}, ["interval"]),
    ({"frequency": "weekly", "interval": "9" * 400}, ["interval"]),
    ({"frequency": "custom", "custom_rule": "FREQ=HOURLY"}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "FREQ=WEEKLY;COUNT=3"}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "FREQ=WEEKLY;UNTIL=20270101"}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "FREQ=DAILY;BYHOUR=9"}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "every tuesday"}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": ""}, ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"},
     ["custom_rule"]),
    ({"frequency": "custom", "custom_rule": "FREQ=DAILY"}, ["custom_rule"]),  # > 400
    ({"start_date": "2027-06-01"}, ["until_date"]),  # last date before the first
    ({"until_date": "2030-12-31"}, ["until_date"]),  # more than three years
    ({"start_date": "2026-02-30"}, ["start_date"]),
    ({"until_date": "0001-01-01"}, ["until_date"]),
    ({"start_date": ""}, ["start_date"]),
    ({"end_time": "09:59"}, ["end_time"]),
    ({"start_time": "7pm"}, ["start_time"]),
    ({"skip_dates": "2026-12-08\nnot a date"}, ["skip_dates"]),
    ({"skip_dates": "2026-12-32"}, ["skip_dates"]),
    ({"skip_dates": "x" * 4401}, ["skip_dates"]),
    ({"kind": "outreach_class"}, ["kind"]),
    ({"program_id": ""}, ["program_id"]),
    ({"venue_id": "424242"}, ["venue_id"]),
    ({"kind": "awareness_event", "program_id": "", "title": ""}, ["title"]),
    ({"capacity": "501"}, ["capacity"]),
    ({"title_en": "Help desk"}, ["title_en"]),
    ({"notes_en": "No booking needed."}, ["notes_en"]),
])
def test_series_new_refuses_bad_input_next_to_the_field(staff_client, place, changes,
                                                         fields):
    first = date(2026, 12, 1)
    data = series_form(place, first, date(2027, 3, 31), **changes)
    if changes.get("frequency") == "custom" and changes["custom_rule"] == "FREQ=DAILY":
        data["until_date"] = "2028-03-31"
    before = row_counts()
    response = staff_client.post("/staff/series/new", data=data)
    assert_refused(response, before, *fields)


def test_series_edit_shows_the_pattern(staff_client, create_series):
    series = create_series(skip_dates=[date(2026, 12, 22), date(2027, 1, 12)])
    html = staff_client.get(f"/staff/series/{series.id}").get_data(as_text=True)
    assert re.search(r'id="frequency-1"[^>]*value="monthly"|value="monthly"[^>]*checked', html)
    assert re.search(r'value="TU"[^>]*checked|checked[^>]*value="TU"', html)
    assert "2026-12-22\n2027-01-12" in html


def test_series_edit_keeps_a_one_off_change_and_reports_it(staff_client, create_series,
                                                           next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU", start_date=next_week,
                           until_date=next_week + timedelta(weeks=5))
    one_off = series.sessions[2]
    services.update_session(one_off, {"capacity": 5}, actor="test", now=NOW)
    db.session.commit()
    data = series_form((series.venue, series.program), next_week,
                       next_week + timedelta(weeks=5), frequency="weekly", ordinals=[],
                       start_time="14:00", end_time="15:30")
    response = staff_client.post(f"/staff/series/{series.id}", data=data)
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('class="flash flash--info"') == 1
    db.session.expire_all()
    for session in series.sessions:
        expected = time(10) if session.id == one_off.id else time(14)
        assert to_local(session.start_dt).time() == expected
    assert one_off.capacity == 5


def test_series_edit_skip_dates_as_text(staff_client, create_series, next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU", start_date=next_week,
                           until_date=next_week + timedelta(weeks=5))
    skipped = next_week + timedelta(weeks=1)
    data = series_form((series.venue, series.program), next_week,
                       next_week + timedelta(weeks=5), frequency="weekly", ordinals=[],
                       skip_dates=f" {skipped.isoformat()} ")
    response = staff_client.post(f"/staff/series/{series.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    days = [session.occurrence_date for session in series.sessions]
    assert skipped not in days and len(days) == 5
    assert series.skip_dates == [skipped]


def test_series_edit_refused_changes_nothing(staff_client, create_series, next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU", start_date=next_week,
                           until_date=next_week + timedelta(weeks=5))
    before = row_counts()
    data = series_form((series.venue, series.program), next_week,
                       next_week + timedelta(weeks=5), frequency="weekly", ordinals=[],
                       start_time="14:00", end_time="13:00")
    response = staff_client.post(f"/staff/series/{series.id}", data=data)
    assert_refused(response, before, "end_time")
    db.session.expire_all()
    assert {to_local(session.start_dt).time() for session in series.sessions} == {time(10)}


def test_series_cancel_cancels_the_sessions_to_come(staff_client, create_series, next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU",
                           start_date=next_week - timedelta(weeks=3),
                           until_date=next_week + timedelta(weeks=2))
    assert staff_client.get(f"/staff/series/{series.id}/cancel").status_code == 200
    before = row_counts()
    refused = staff_client.post(f"/staff/series/{series.id}/cancel",
                                data={"cancel_reason": ""})
    assert_refused(refused, before, "cancel_reason")
    cancelled_at = utcnow()
    response = staff_client.post(f"/staff/series/{series.id}/cancel",
                                 data={"cancel_reason": "講師の都合"})
    assert response.status_code == 302
    db.session.expire_all()
    # the sessions still to come when it was cancelled (today's too, before 10:00)
    assert all(session.status == (SessionStatus.CANCELLED if session.start_dt > cancelled_at
                                  else SessionStatus.SCHEDULED)
               for session in series.sessions)
    assert {session.status for session in series.sessions} == {SessionStatus.CANCELLED,
                                                                SessionStatus.SCHEDULED}
    assert staff_client.get(f"/staff/series/{series.id}").status_code == 200
    again = staff_client.post(f"/staff/series/{series.id}/cancel",
                              data={"cancel_reason": "もう一度"})
    assert again.status_code == 200


def test_series_edit_of_a_cancelled_series_changes_nothing(staff_client, create_series,
                                                           next_week):
    series = create_series(rrule="FREQ=WEEKLY;BYDAY=TU", start_date=next_week,
                           until_date=next_week + timedelta(weeks=2))
    services.cancel_series(series, "事業終了", actor="test", now=NOW)
    db.session.commit()
    before = row_counts()
    data = series_form((series.venue, series.program), next_week,
                       next_week + timedelta(weeks=2), frequency="weekly", ordinals=[],
                       start_time="14:00", end_time="15:00")
    response = staff_client.post(f"/staff/series/{series.id}", data=data)
    assert response.status_code == 200
    assert 'class="flash flash--error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_series_list_page(staff_client, create_series):
    create_series()
    assert staff_client.get("/staff/series").status_code == 200


# -- venues, programs, districts ---------------------------------------------------------

def venue_form(**changes):
    data = {"name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター",
            "short_name": "辻堂C", "address": "藤沢市辻堂西海岸2-1-1", "district_id": "",
            "phone": "0466-36-1101", "accessibility_notes": "", "default_capacity": "20",
            "latitude": "", "longitude": "", "is_active": "y"}
    data.update(changes)
    return data


def test_venue_new_and_edit(staff_client, ctx, create_district):
    district = create_district()
    response = staff_client.post("/staff/venues/new",
                                 data=venue_form(district_id=str(district.id)))
    assert response.status_code == 302
    [venue] = only(Venue)
    assert venue.phone == "+81466361101" and venue.district_id == district.id
    html = staff_client.get(f"/staff/venues/{venue.id}").get_data(as_text=True)
    assert 'value="0466-36-1101"' in html
    response = staff_client.post(f"/staff/venues/{venue.id}", data=venue_form(
        default_capacity="30", accessibility_notes="段差なし\r\nエレベーターあり"))
    assert response.status_code == 302
    db.session.expire_all()
    assert venue.default_capacity == 30 and venue.district_id is None
    assert venue.accessibility_notes == "段差なし\nエレベーターあり"
    assert staff_client.get("/staff/venues").status_code == 200


@pytest.mark.parametrize("changes, fields", [
    ({"short_name": "ながいなまえ九文字"}, ["short_name"]),
    ({"name": ""}, ["name"]),
    ({"name": "館" * 101}, ["name"]),
    ({"default_capacity": "-1"}, ["default_capacity"]),
    ({"default_capacity": "501"}, ["default_capacity"]),
    ({"default_capacity": ""}, ["default_capacity"]),
    ({"district_id": "424242"}, ["district_id"]),
    ({"phone": "0466-36"}, ["phone"]),
    ({"latitude": "35.3"}, ["longitude"]),
    ({"latitude": "95", "longitude": "139"}, ["latitude"]),
    ({"longitude": "east", "latitude": "35"}, ["longitude"]),
    ({"name_en": "C" * 201}, ["name_en"]),
    ({"short_name_en": "Tsujido Citizen Center"}, ["short_name_en"]),
    ({"accessibility_notes_en": "x" * 1001}, ["accessibility_notes_en"]),
])
def test_venue_new_refuses_bad_input_next_to_the_field(staff_client, ctx, changes, fields):
    before = row_counts()
    response = staff_client.post("/staff/venues/new", data=venue_form(**changes))
    assert_refused(response, before, *fields)


def test_venue_new_invalid_phone_shows_what_was_understood(staff_client, ctx):
    before = row_counts()
    response = staff_client.post("/staff/venues/new", data=venue_form(phone="０４６６ー３６"))
    assert_refused(response, before, "phone")
    assert "0466-36" in field_error(response.get_data(as_text=True), "phone")


def test_venue_new_refuses_a_duplicate_name(staff_client, ctx, create_venue):
    create_venue(name="辻堂市民センター")
    before = row_counts()
    response = staff_client.post("/staff/venues/new", data=venue_form())
    assert_refused(response, before, "name")


def test_venue_english_names_are_saved_and_shown_to_english_staff(staff_client, ctx):
    response = staff_client.post("/staff/venues/new", data=venue_form(
        name_en="Tsujido Citizen Center", short_name_en="Tsujido C",
        accessibility_notes_en="Step-free"))
    assert response.status_code == 302
    [venue] = only(Venue)
    assert (venue.name_en, venue.short_name_en, venue.accessibility_notes_en) == (
        "Tsujido Citizen Center", "Tsujido C", "Step-free")
    staff_client.set_cookie("desk_locale", "en")
    assert ">Tsujido Citizen Center</a>" in staff_client.get("/staff/venues").get_data(
        as_text=True)
    form = staff_client.get(f"/staff/venues/{venue.id}").get_data(as_text=True)
    assert 'value="Tsujido C"' in form and "Short name for English SMS" in form
    response = staff_client.post(f"/staff/venues/{venue.id}",
                                 data=venue_form(name_en="", short_name_en=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert venue.name_en is None and venue.short_name_en is None
    assert ">辻堂市民センター</a>" in staff_client.get("/staff/venues").get_data(as_text=True)


def test_venue_new_refuses_a_duplicate_english_name(staff_client, ctx, create_venue):
    create_venue(name_en="Tsujido Citizen Center")
    before = row_counts()
    response = staff_client.post("/staff/venues/new",
                                 data=venue_form(name_en="tsujido citizen center"))
    assert_refused(response, before, "name_en")


def program_form(**changes):
    data = {"title": "マイナポータル入門", "title_kana": "マイナポータルニュウモン",
            "title_en": "", "description": "", "topic": "mynaportal", "level": "beginner",
            "device": "any", "default_duration_minutes": "90", "what_to_bring": "",
            "is_active": "y"}
    data.update(changes)
    return data


def test_program_new_and_edit(staff_client, ctx):
    assert staff_client.post("/staff/programs/new", data=program_form()).status_code == 302
    [program] = only(Program)
    assert staff_client.get(f"/staff/programs/{program.id}").status_code == 200
    response = staff_client.post(f"/staff/programs/{program.id}",
                                 data=program_form(level="intermediate", is_active=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert program.level.value == "intermediate" and program.is_active is False


@pytest.mark.parametrize("changes, fields", [
    ({"title": ""}, ["title"]),
    ({"topic": "knitting"}, ["topic"]),
    ({"default_duration_minutes": "10"}, ["default_duration_minutes"]),
    ({"default_duration_minutes": "9" * 400}, ["default_duration_minutes"]),
    ({"what_to_bring": "物" * 501}, ["what_to_bring"]),
    ({"what_to_bring_en": "x" * 501}, ["what_to_bring_en"]),
    ({"description_en": "x" * 2001}, ["description_en"]),
])
def test_program_new_refuses_bad_input_next_to_the_field(staff_client, ctx, changes, fields):
    before = row_counts()
    response = staff_client.post("/staff/programs/new", data=program_form(**changes))
    assert_refused(response, before, *fields)


def test_program_english_texts_are_saved(staff_client, ctx):
    response = staff_client.post("/staff/programs/new", data=program_form(
        title_en="Using Mynaportal", description_en="Register your card.",
        what_to_bring_en="Your My Number card"))
    assert response.status_code == 302
    [program] = only(Program)
    assert (program.title_en, program.description_en, program.what_to_bring_en) == (
        "Using Mynaportal", "Register your card.", "Your My Number card")
    staff_client.set_cookie("desk_locale", "en")
    assert ">Using Mynaportal</a>" in staff_client.get("/staff/programs").get_data(as_text=True)


def test_program_new_refuses_a_duplicate_title(staff_client, ctx, create_program):
    create_program(title="マイナポータル入門")
    before = row_counts()
    response = staff_client.post("/staff/programs/new", data=program_form())
    assert_refused(response, before, "title")


def test_district_add_edit_and_refuse_a_duplicate(staff_client, ctx):
    response = staff_client.post("/staff/districts", data={"name": "片瀬", "name_kana": "カタセ",
                                                           "position": "2"})
    assert response.status_code == 302
    [district] = only(District)
    before = row_counts()
    again = staff_client.post("/staff/districts", data={"name": "片瀬", "name_kana": "カタセ"})
    assert_refused(again, before, "name")
    response = staff_client.post(f"/staff/districts/{district.id}",
                                 data={"name": "片瀬地区", "name_kana": "カタセ", "position": "2"})
    assert response.status_code == 302
    before = row_counts()
    refused = staff_client.post(f"/staff/districts/{district.id}",
                                data={"name": "片瀬地区", "name_kana": "カタセ",
                                      "position": "10000"})
    assert_refused(refused, before, "position")


def test_district_english_name_is_saved_shown_and_unique(staff_client, ctx, create_district):
    create_district(name="片瀬", name_en="Katase")
    response = staff_client.post("/staff/districts", data={
        "name": "鵠沼", "name_kana": "クゲヌマ", "name_en": "Kugenuma", "position": "2"})
    assert response.status_code == 302
    district = db.session.scalar(select(District).where(District.name == "鵠沼"))
    assert district.name_en == "Kugenuma"
    staff_client.set_cookie("desk_locale", "en")
    page = staff_client.get("/staff/districts").get_data(as_text=True)
    assert ">Kugenuma</a>" in page and ">Katase</a>" in page
    before = row_counts()
    refused = staff_client.post(f"/staff/districts/{district.id}", data={
        "name": "鵠沼", "name_kana": "クゲヌマ", "name_en": "KATASE", "position": "2"})
    assert_refused(refused, before, "name_en")
    assert "A district with this English name already exists." in refused.get_data(as_text=True)


# -- the calendar ------------------------------------------------------------------------

def test_sessions_week_and_month_views_with_filters(staff_client, create_session,
                                                    create_venue):
    day = local_today() + timedelta(days=1)
    hall, centre = create_venue(name="市民会館"), create_venue(name="公民館")
    create_session(day=day, venue_id=hall.id, title="クラスA")
    create_session(day=day, venue_id=centre.id, kind="consultation", title="相談会B")
    iso = day.isoformat()
    for view in ("week", "month"):
        every = staff_client.get(f"/staff/sessions?view={view}&date={iso}")
        assert every.status_code == 200
        html = every.get_data(as_text=True)
        assert "クラスA" in html and "相談会B" in html
        by_venue = staff_client.get(f"/staff/sessions?view={view}&date={iso}&venue={hall.id}")
        html = by_venue.get_data(as_text=True)
        assert "クラスA" in html and "相談会B" not in html
        by_kind = staff_client.get(f"/staff/sessions?view={view}&date={iso}&kind=consultation")
        html = by_kind.get_data(as_text=True)
        assert "クラスA" not in html and "相談会B" in html


@pytest.mark.parametrize("query", [
    "date=0001-01-01", "date=9999-12-31", "date=2026-02-30", "date=garbage", "date=",
    "date=%00", "view=month&date=0001-01-01", "view=month&date=9999-12-31",
    "view=month&date=2099-12-31", "view=month&date=2000-01-01", "date=2000-01-01",
    "view=year", "venue=abc", "venue=424242", "venue=-1", "venue=%C2%B2",
    "venue=99999999999999999999999", "kind=lecture", "kind=", "kind=%00",
    "view=month&date=2026-12-01&venue=1&kind=class&extra=1",
])
def test_sessions_odd_queries_never_fail(staff_client, query):
    assert staff_client.get(f"/staff/sessions?{query}").status_code == 200


@pytest.mark.parametrize("query", [
    "date=0001-01-01", "date=9999-12-31", "date=%00", "date=2026-13-01",
])
def test_session_new_odd_date_query_never_fails(staff_client, query):
    assert staff_client.get(f"/staff/sessions/new?{query}").status_code == 200


@pytest.mark.parametrize("method, path", [
    ("get", "/staff/sessions/424242"),
    ("post", "/staff/sessions/424242"),
    ("get", "/staff/sessions/424242/cancel"),
    ("post", "/staff/sessions/424242/cancel"),
    ("post", "/staff/sessions/424242/reinstate"),
    ("post", "/staff/sessions/424242/complete"),
    ("get", "/staff/series/424242"),
    ("post", "/staff/series/424242"),
    ("get", "/staff/series/424242/cancel"),
    ("post", "/staff/series/424242/cancel"),
    ("get", "/staff/venues/424242"),
    ("get", "/staff/programs/424242"),
    ("get", "/staff/districts/424242"),
    ("get", "/staff/sessions/99999999999999999999999"),
    ("get", "/staff/series/99999999999999999999999"),
])
def test_unknown_ids_give_404(staff_client, method, path):
    assert getattr(staff_client, method)(path).status_code == 404


def test_session_list_shows_booked_of_capacity_in_one_query(staff_client, create_session,
                                                             create_person, create_venue):
    day = local_today() + timedelta(days=2)
    venue = create_venue()
    path = f"/staff/sessions?date={day.isoformat()}&venue={venue.id}"

    def book(session, seats):
        services.book_seat(session, create_person(), seats=seats, channel="phone_desk",
                           actor="test", now=NOW)
        db.session.commit()

    first = create_session(day=day, venue_id=venue.id, capacity=12)
    book(first, 3)
    few, _response = statements_of(staff_client, path)
    for hour in range(12, 16):
        book(create_session(day=day, start=time(hour), end=time(hour, 45), venue_id=venue.id,
                            capacity=2), 2)
    book(first, 1)
    full = create_session(day=day, start=time(17), end=time(18), venue_id=venue.id, capacity=1)
    book(full, 1)
    book(full, 1)  # on the waiting list
    many, response = statements_of(staff_client, path)
    assert many == few
    html = response.get_data(as_text=True)
    assert "4 / 12" in html and html.count("2 / 2") == 4 and "1 / 1" in html
    assert re.search(r"1 / 1<br><span class=\"muted\">[^<]*1", html)
    month, response = statements_of(staff_client, path + "&view=month")
    assert month == few
    html = response.get_data(as_text=True)
    assert "予約 4 / 12" in html and html.count("予約 2 / 2") == 4
    assert "予約 1 / 1、キャンセル待ち 1件" in html
