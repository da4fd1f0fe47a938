"""GET /api/v1/reports/kpi: every metric with its fiscal year's target (token only).

Every response goes through the `api` client, which validates it against the OpenAPI
document."""

from datetime import date, time, timedelta

import pytest

from desk.core.timeutil import local_datetime
from desk.events.models import Booking, EventSession
from desk.extensions import db
from desk.reports import services as report_services
from desk.reports.metrics import METRICS
from tests.api.helpers import assert_error
from tests.fixtures.factories import NOW


def _held_class(venue, program, day):
    start = local_datetime(day, time(10))
    session = EventSession(kind="class", venue_id=venue.id, program_id=program.id,
                           capacity=12, start_dt=start, end_dt=start + timedelta(minutes=90),
                           status="completed", created_dt=NOW, updated_dt=NOW)
    db.session.add(session)
    db.session.flush()
    return session


def _attended(session, person, seats, code):
    db.session.add(Booking(
        session_id=session.id, person_id=person.id, seats=seats, status="booked",
        code=code, token="t" + code, channel="phone_desk", queue_dt=session.start_dt,
        booked_dt=session.start_dt, created_dt=session.start_dt, attendance="attended",
        attendance_dt=session.start_dt))


@pytest.fixture
def kpi_fixture(ctx, create_venue, create_program, create_person, create_user):
    """FY2025: two classes held (2025-06-10: a with a companion, 2026-03-31: b);
    FY2026: one (2026-04-01: a). Targets of FY2025: classes_held 10, participants 40."""
    venue, program = create_venue(), create_program()
    a, b = create_person(), create_person()
    _attended(_held_class(venue, program, date(2025, 6, 10)), a, 2, "50000001")
    _attended(_held_class(venue, program, date(2026, 3, 31)), b, 1, "50000002")
    _attended(_held_class(venue, program, date(2026, 4, 1)), a, 1, "50000003")
    staff = create_user()
    report_services.set_target(2025, "classes_held", "10", actor=staff, now=NOW)
    report_services.set_target(2025, "class_participants", "40", actor=staff, now=NOW)
    db.session.commit()


def _by_key(response):
    return _by_key_json(response.get_json())


def _by_key_json(body):
    return {item["key"]: item for item in body["metrics"]}


def test_kpi_for_a_fiscal_year_with_targets(api, coordinator_token, kpi_fixture):
    response = api.get("/api/v1/reports/kpi?fy=2025", token=coordinator_token)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["fiscal_year"]) == ("2025-04-01", "2026-03-31", 2025)
    assert [item["key"] for item in body["metrics"]] == [metric.key for metric in METRICS]
    metrics = _by_key(response)
    assert (metrics["classes_held"]["value"], metrics["classes_held"]["target"]) == (2, 10)
    assert (metrics["class_participants"]["value"],
            metrics["class_participants"]["target"]) == (3, 40)
    # the year is over: 2 of 10 classes is missed, as the dashboard says it
    assert metrics["classes_held"]["achievement"] == {
        "rate": 20.0, "met": False, "status": "missed", "label": "未達成"}
    assert metrics["class_participants"]["achievement"]["rate"] == 7.5
    assert metrics["residents_reached"]["value"] == 2
    assert metrics["residents_reached"]["target"] is None  # no target set
    assert metrics["residents_reached"]["achievement"] is None
    assert metrics["survey_satisfaction"]["value"] is None  # nothing to average
    assert all(item["label"] and item["description"] for item in body["metrics"])


def test_kpi_for_dates(api, coordinator_token, kpi_fixture):
    response = api.get("/api/v1/reports/kpi?from=2026-03-31&to=2026-03-31",
                       token=coordinator_token)
    metrics = _by_key(response)
    assert response.get_json()["fiscal_year"] == 2025
    assert metrics["classes_held"]["value"] == 1
    assert metrics["classes_held"]["target"] == 10
    assert metrics["classes_held"]["achievement"] is None  # one day is not the year
    # across the fiscal-year boundary: figures of both days, no targets
    response = api.get("/api/v1/reports/kpi?from=2026-03-31&to=2026-04-01",
                       token=coordinator_token)
    assert response.get_json()["fiscal_year"] is None
    metrics = _by_key(response)
    assert metrics["classes_held"]["value"] == 2
    assert metrics["classes_held"]["target"] is None
    # only `from`: to the end of its fiscal year
    body = api.get("/api/v1/reports/kpi?from=2026-04-01", token=coordinator_token).get_json()
    assert (body["from"], body["to"], body["fiscal_year"]) == ("2026-04-01", "2027-03-31", 2026)
    assert _by_key_json(body)["classes_held"]["value"] == 1


def test_kpi_needs_a_staff_token(api, token_for, kpi_fixture):
    assert_error(api.get("/api/v1/reports/kpi?fy=2025"), 401, "unauthorized")
    assert_error(api.get("/api/v1/reports/kpi?fy=2025", token="desk_nonsense"), 401,
                 "invalid_token")
    assert_error(api.get("/api/v1/reports/kpi?fy=2025", token=token_for("volunteer")), 403)


@pytest.mark.parametrize("query", [
    "fy=25", "fy=2100", "fy=abc", "fy=2025&from=2025-04-01", "from=2026-13-01",
    "from=2026-04-02&to=2026-04-01", "year=2025",
])
def test_kpi_refuses_bad_queries(api, coordinator_token, query):
    assert_error(api.get("/api/v1/reports/kpi?" + query, token=coordinator_token), 400,
                 "invalid_query")


def test_kpi_during_the_year_says_achieved_or_met_so_far(api, coordinator_token, kpi_fixture,
                                                         create_user, monkeypatch):
    """Within the fiscal year a count that reached its target is achieved; a figure where
    less is better is met so far (the dashboard's words, desk.reports.achievement)."""
    staff = create_user()
    report_services.set_target(2026, "classes_held", "1", actor=staff, now=NOW)
    report_services.set_target(2026, "no_show_rate", "8", actor=staff, now=NOW)
    db.session.commit()
    monkeypatch.setattr("desk.api.reports.local_today", lambda: date(2026, 12, 7))
    metrics = _by_key(api.get("/api/v1/reports/kpi?fy=2026", token=coordinator_token,
                              headers={"Accept-Language": "en"}))
    assert metrics["classes_held"]["achievement"] == {
        "rate": 100.0, "met": True, "status": "achieved", "label": "Achieved"}
    # no one missed the one class: a rate of 0 beats the target, with nothing to divide by
    assert metrics["no_show_rate"]["value"] == 0
    assert metrics["no_show_rate"]["achievement"] == {
        "rate": None, "met": True, "status": "met_so_far", "label": "Met so far"}
