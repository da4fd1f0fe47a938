"""POST /api/v1/series: a recurring series and the sessions it generates."""

from datetime import date, timedelta

import pytest

from desk.events.models import EventSession
from desk.extensions import db
from tests.api.helpers import assert_error, row_counts


@pytest.fixture
def place(ctx, create_venue, create_program):
    return create_venue(), create_program()


def _body(place, **changes):
    venue, program = place
    body = {"kind": "class", "program_id": program.id, "venue_id": venue.id,
            "rrule": "FREQ=MONTHLY;BYDAY=2TU,4TU", "start_date": "2026-04-01",
            "until_date": "2027-03-31", "start_time": "10:00", "end_time": "11:30",
            "capacity": 12}
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


def test_create_series_second_and_fourth_tuesdays(api, place, coordinator_token):
    response = api.post("/api/v1/series", token=coordinator_token,
                        json=_body(place, skip_dates=["2026-08-11", "2026-08-25"]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    series = body["series"]
    assert series["rrule"] == "FREQ=MONTHLY;BYDAY=2TU,4TU"
    assert series["skip_dates"] == ["2026-08-11", "2026-08-25"]
    assert series["start_time"] == "10:00" and series["status"] == "active"
    starts = [item["starts_at"] for item in body["created"]]
    assert len(starts) == 22  # 24 Tuesdays in the fiscal year, less the two skipped
    assert starts[0] == "2026-04-14T10:00:00+09:00"
    assert starts[-1] == "2027-03-23T10:00:00+09:00"
    assert "2026-08-11T10:00:00+09:00" not in starts
    for item in body["created"]:
        assert date.fromisoformat(item["starts_at"][:10]).weekday() == 1
        assert item["series_id"] == series["id"]
    db.session.expire_all()
    assert db.session.query(EventSession).filter_by(series_id=series["id"]).count() == 22


def test_create_series_of_consultations(api, place, coordinator_token):
    response = api.post("/api/v1/series", token=coordinator_token, json=_body(
        place, kind="consultation", program_id=None, capacity=None, title="スマホ何でも相談",
        rrule="FREQ=WEEKLY;BYDAY=TH", start_date="2026-12-01", until_date="2026-12-31"))
    assert response.status_code == 201
    assert [item["starts_at"][:10] for item in response.get_json()["created"]] == [
        "2026-12-03", "2026-12-10", "2026-12-17", "2026-12-24", "2026-12-31"]


def test_create_series_with_english_title_and_notes(api, place, coordinator_token):
    response = api.post("/api/v1/series", token=coordinator_token, language="en", json=_body(
        place, kind="consultation", program_id=None, capacity=None, title="スマホ何でも相談",
        title_en="Smartphone help desk", notes="予約不要", notes_en="No booking needed.",
        rrule="FREQ=WEEKLY;BYDAY=TH", start_date="2026-12-01", until_date="2026-12-10"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["series"]["title"], body["series"]["title_en"],
            body["series"]["notes_en"]) == ("Smartphone help desk", "Smartphone help desk",
                                            "No booking needed.")
    assert [(item["title"], item["notes"], item["notes_en"]) for item in body["created"]] == [
        ("Smartphone help desk", "予約不要", "No booking needed.")] * 2


@pytest.mark.parametrize(("changes", "fields"), [
    ({"kind": "outreach_class"}, ["kind"]),
    ({"rrule": "FREQ=HOURLY"}, ["rrule"]),
    ({"rrule": "FREQ=DAILY;COUNT=3"}, ["rrule"]),
    ({"rrule": "not a rule"}, ["rrule"]),
    ({"rrule": 7}, ["rrule"]),
    ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, ["rrule"]),  # no date at all
    ({"rrule": "FREQ=DAILY", "until_date": "2028-03-31"}, ["rrule"]),  # over 400 dates
    ({"until_date": "2026-03-31"}, ["until_date"]),
    ({"start_date": "2026-04-31"}, ["start_date"]),
    ({"start_date": "0001-01-01", "until_date": "0001-01-31"}, ["start_date"]),
    ({"until_date": "9999-12-31", "start_date": "9999-12-01"}, ["start_date"]),
    ({"start_time": "25:00"}, ["start_time"]),
    ({"end_time": "09:00"}, ["end_time"]),
    ({"start_time": "10:00+09:00"}, ["start_time"]),
    ({"skip_dates": "2026-08-11"}, ["skip_dates"]),
    ({"skip_dates": [20260811]}, ["skip_dates"]),
    ({"skip_dates": ["2026-08-32"]}, ["skip_dates"]),
    ({"program_id": ...}, ["program_id"]),
    ({"venue_id": 0}, ["venue_id"]),
    ({"capacity": 1000}, ["capacity"]),
    ({"sessions": []}, ["sessions"]),
    ({"title_en": "Help desk"}, ["title_en"]),
    ({"notes_en": "No booking needed."}, ["notes_en"]),
])
def test_create_series_bad_body_is_422_and_changes_nothing(api, place, coordinator_token,
                                                           changes, fields):
    before = row_counts()
    response = api.post("/api/v1/series", token=coordinator_token,
                        json=_body(place, **changes))
    assert_error(response, 422, "invalid", fields)
    assert row_counts() == before


def test_create_series_unreadable_body(api, ctx, coordinator_token):
    before = row_counts()
    assert_error(api.post("/api/v1/series", token=coordinator_token, data=b"{",
                          content_type="application/json"), 400, "bad_request")
    assert_error(api.post("/api/v1/series", token=coordinator_token, data=b"[]",
                          content_type="application/json"), 400, "bad_request")
    assert_error(api.post("/api/v1/series", token=coordinator_token, data=b"{}",
                          content_type="text/json"), 415, "unsupported_media_type")
    assert row_counts() == before


def test_create_series_sessions_are_listed(api, place, coordinator_token):
    created = api.post("/api/v1/series", token=coordinator_token, json=_body(
        place, start_date="2026-12-01", until_date="2026-12-31")).get_json()["created"]
    venue_id = place[0].id
    listed = api.get("/api/v1/sessions", query_string={
        "from": "2026-12-01", "to": str(date(2026, 12, 1) + timedelta(days=30)),
        "venue_id": venue_id}).get_json()["items"]
    assert listed == created
