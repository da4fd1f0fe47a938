"""KPI targets per fiscal year: set, changed and cleared (each audit-logged), bad values
refused with a message and nothing changed, and the targets page."""

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.core.timeutil import fiscal_year_of, local_today
from desk.extensions import db
from desk.reports import services
from desk.reports.metrics import METRICS
from desk.reports.models import KpiTarget
from tests.fixtures.factories import NOW


@pytest.fixture
def coordinator(ctx, create_user):
    """A coordinator; the services' messages in English."""
    with force_locale("en"):
        yield create_user(Role.COORDINATOR)


@pytest.fixture
def logged_in(client, login, coordinator):
    login(client, coordinator)
    client.set_cookie("desk_locale", "en")
    return coordinator


def _targets(fiscal_year=2026):
    db.session.expire_all()
    return {row.metric: row.value for row in db.session.scalars(
        select(KpiTarget).where(KpiTarget.fiscal_year == fiscal_year))}


def _audit():
    return [(entry.action, entry.object_id, entry.before, entry.after) for entry in
            db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("kpi_target.%"))
                               .order_by(AuditEntry.id))]


def _count_audit():
    return db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action.like("kpi_target.%")))


def test_metric_keys_come_from_the_metrics_module():
    keys = [metric.key for metric in METRICS]
    assert "classes_held" in keys and "repeat_rate" in keys and len(keys) == len(set(keys))


def test_set_target_sets_changes_and_clears_with_audit(coordinator):
    target = services.set_target(2026, "classes_held", "30", actor=coordinator, now=NOW)
    db.session.commit()
    assert _targets() == {"classes_held": 30}
    target_id = target.id
    services.set_target(2026, "classes_held", "35.5", actor=coordinator, now=NOW)
    db.session.commit()
    assert _targets() == {"classes_held": 35.5}
    # the same value again: nothing changes, nothing is logged
    services.set_target(2026, "classes_held", "35.50", actor=coordinator, now=NOW)
    assert services.set_target(2026, "classes_held", "", actor=coordinator, now=NOW) is None
    db.session.commit()
    assert _targets() == {}
    created = {"fiscal_year": 2026, "metric": "classes_held", "value": 30.0}
    changed = {"fiscal_year": 2026, "metric": "classes_held", "value": 35.5}
    assert _audit() == [
        ("kpi_target.set", target_id, None, created),
        ("kpi_target.set", target_id, created, changed),
        ("kpi_target.clear", target_id, changed, None),
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "kpi_target.clear"))
    assert entry.actor_id == coordinator.id and entry.object_type == "kpi_targets"
    # clearing what is not set does nothing
    assert services.set_target(2026, "classes_held", None, actor=coordinator, now=NOW) is None
    assert len(_audit()) == 3


def test_targets_are_kept_per_fiscal_year(coordinator):
    services.set_target(2025, "classes_held", 20, actor=coordinator, now=NOW)
    services.set_target(2026, "classes_held", 24, actor=coordinator, now=NOW)
    services.set_target(2026, "repeat_rate", "４０", actor=coordinator, now=NOW)  # full-width
    db.session.commit()
    assert _targets(2025) == {"classes_held": 20}
    assert _targets(2026) == {"classes_held": 24, "repeat_rate": 40}
    assert services.targets_of(2024) == {}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("classes_held", "-1", "A target cannot be negative."),
    ("classes_held", "thirty", "Enter a number."),
    ("classes_held", "NaN", "Enter a number."),
    ("classes_held", "1e400", "Enter a number from 0 to 9,999,999,999.99."),
    ("classes_held", "1.234", "Use at most two decimal places."),
    ("classes_held", True, "Enter a number."),
    ("repeat_rate", "150", "Enter a number from 0 to 100."),
    ("survey_satisfaction", "6", "Enter a number from 0 to 5."),
])
def test_set_target_refuses_bad_values(coordinator, key, value, message):
    services.set_target(2026, key, "3", actor=coordinator, now=NOW)
    db.session.commit()
    before = _count_audit()
    with pytest.raises(ValidationError) as caught:
        services.set_target(2026, key, value, actor=coordinator, now=NOW)
    db.session.rollback()
    assert caught.value.fields == {key: message}
    assert _targets() == {key: 3} and _count_audit() == before


def test_set_target_refuses_an_unknown_metric(coordinator):
    with pytest.raises(ValidationError) as caught:
        services.set_target(2026, "happiness", "3", actor=coordinator, now=NOW)
    assert caught.value.message == "There is no such metric."
    assert _targets() == {} and _count_audit() == 0


@pytest.mark.parametrize("fiscal_year", [2018, 2100, "20x6", "", None, True, -2026])
def test_set_target_refuses_a_fiscal_year_out_of_range(coordinator, fiscal_year):
    with pytest.raises(ValidationError) as caught:
        services.set_target(fiscal_year, "classes_held", "3", actor=coordinator, now=NOW)
    assert caught.value.message == "Choose a fiscal year from 2019 to 2099."
    assert _count_audit() == 0
    assert db.session.scalar(select(func.count(KpiTarget.id))) == 0


def test_set_targets_is_all_or_nothing(coordinator):
    services.set_target(2026, "classes_held", "10", actor=coordinator, now=NOW)
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        services.set_targets(2026, {"classes_held": "12", "venues_used": "-3",
                                    "nonsense": "1"}, actor=coordinator, now=NOW)
    db.session.rollback()
    assert caught.value.fields == {"venues_used": "A target cannot be negative.",
                                   "nonsense": "There is no such metric."}
    assert _targets() == {"classes_held": 10} and _count_audit() == 1
    changed = services.set_targets(2026, {"classes_held": "10", "venues_used": "8",
                                          "repeat_rate": ""}, actor=coordinator, now=NOW)
    db.session.commit()
    assert changed == 1 and _targets() == {"classes_held": 10, "venues_used": 8}


# -- the page -------------------------------------------------------------------------------

def _form(**values):
    return {f"target_{key}": value for key, value in values.items()}


def test_targets_page_shows_every_metric_and_the_previous_year(client, logged_in):
    services.set_target(2025, "classes_held", "29", actor=logged_in, now=NOW)
    services.set_target(2026, "classes_held", "32.5", actor=logged_in, now=NOW)
    db.session.commit()
    page = client.get("/staff/reports/targets?fy=2026").get_data(as_text=True)
    assert "令和8年度 (FY2026)" in page and "令和7年度 (FY2025)" in page
    for metric in METRICS:
        assert f'name="target_{metric.key}"' in page
    assert 'value="32.5"' in page and ">29<" in page
    # without ?fy= the page opens on the current fiscal year
    current = fiscal_year_of(local_today())
    assert f"(FY{current})" in client.get("/staff/reports/targets").get_data(as_text=True)


def test_targets_page_saves_the_changed_targets(client, logged_in):
    services.set_target(2026, "classes_held", "30", actor=logged_in, now=NOW)
    services.set_target(2026, "venues_used", "5", actor=logged_in, now=NOW)
    db.session.commit()
    response = client.post("/staff/reports/targets?fy=2026", data=_form(
        classes_held="30", venues_used="", repeat_rate="45.5", consultation_visits="700"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/reports/targets?fy=2026")
    assert _targets() == {"classes_held": 30, "repeat_rate": 45.5, "consultation_visits": 700}
    actions = [(action, (after or before)["metric"]) for action, _id, before, after in _audit()]
    assert sorted(actions[2:]) == [("kpi_target.clear", "venues_used"),
                                   ("kpi_target.set", "consultation_visits"),
                                   ("kpi_target.set", "repeat_rate")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 targets have been saved for 令和8年度 (FY2026)." in page
    # a box not sent at all leaves its target alone; sent unchanged, nothing is saved
    response = client.post("/staff/reports/targets?fy=2026", data=_form(classes_held="30"))
    assert response.status_code == 302
    assert _targets() == {"classes_held": 30, "repeat_rate": 45.5, "consultation_visits": 700}
    assert "Nothing was changed." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert len(_audit()) == 5


def test_targets_page_bad_value_changes_nothing(client, logged_in):
    services.set_target(2026, "classes_held", "30", actor=logged_in, now=NOW)
    db.session.commit()
    response = client.post("/staff/reports/targets?fy=2026", data=_form(
        classes_held="31", repeat_rate="-5", venues_used="many"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was saved: please correct the 2 targets marked below." in page
    assert 'id="target_repeat_rate-error">A target cannot be negative.' in page
    assert 'id="target_venues_used-error">Enter a number.' in page
    assert 'value="31"' in page  # what was typed stays
    assert _targets() == {"classes_held": 30} and _count_audit() == 1


@pytest.mark.parametrize("fiscal_year", ["1999", "2100", "abc"])
def test_targets_page_refuses_a_fiscal_year_out_of_range(client, logged_in, fiscal_year):
    response = client.post(f"/staff/reports/targets?fy={fiscal_year}",
                           data=_form(classes_held="30"))
    assert response.status_code == 200
    assert "Choose a fiscal year from 2019 to 2099." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(KpiTarget.id))) == 0 and _count_audit() == 0
    page = client.get(f"/staff/reports/targets?fy={fiscal_year}").get_data(as_text=True)
    assert "Choose a fiscal year from 2019 to 2099." in page
    assert f"(FY{fiscal_year_of(local_today())})" in page
