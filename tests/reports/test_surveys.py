"""Survey entry: the grid of paper sheets of a held class (several at once, empty rows
skipped, one bad cell and nothing saved), deleting a sheet, sessions that take no
sheets, and the list of sessions.

The pages run on the real clock; the sessions here are on 2026-11-20 (before NOW, so
held whenever the tests run)."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.events import services as event_services
from desk.events.models import SessionStatus
from desk.extensions import db
from desk.people.models import AgeBand
from desk.reports import metrics, services
from desk.reports.models import CanDo, SurveyEntry
from tests.fixtures.factories import NOW

HELD_DAY = date(2026, 11, 20)


@pytest.fixture
def coordinator(ctx, client, login, create_user):
    user = create_user(Role.COORDINATOR)
    login(client, user)
    client.set_cookie("desk_locale", "en")
    return user


@pytest.fixture
def held_class(ctx, create_session):
    return create_session(day=HELD_DAY)


@pytest.fixture
def district(ctx, create_district):
    return create_district(name="湘南台", name_kana="ショウナンダイ")


def _grid(*rows):
    """Form data of the grid: rows-<n>-<field> for each row given (dicts)."""
    data = {}
    for index, row in enumerate(rows):
        for name in services.SURVEY_FIELDS:
            data[f"rows-{index}-{name}"] = row.get(name, "")
    return data


def _entries(session):
    db.session.expire_all()
    return [(entry.satisfaction, entry.can_do, entry.age_band, entry.district_id, entry.comment)
            for entry in services.entries_of(session)]


def _audit(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def _url(session):
    return f"/staff/reports/surveys/{session.id}"


def test_grid_saves_three_sheets_and_skips_empty_rows(client, coordinator, held_class,
                                                       district):
    page = client.get(_url(held_class)).get_data(as_text=True)
    assert page.count('name="rows-') == 10 * 5 and 'id="rows-9-comment"' in page
    assert '<label class="visually-hidden" for="rows-0-satisfaction">Sheet 1: ' in page
    response = client.post(_url(held_class), data=_grid(
        {"satisfaction": "5", "can_do": "yes", "age_band": "70s",
         "district_id": str(district.id), "comment": "とても分かりやすかった"},
        {"satisfaction": "4", "can_do": "partly"},
        {},
        {"comment": "  "},  # only blanks: an empty row
        {"can_do": "no", "age_band": "80s", "comment": "字が小さい"},
        {}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(held_class))
    assert _entries(held_class) == [
        (5, CanDo.YES, AgeBand.SEVENTIES, district.id, "とても分かりやすかった"),
        (4, CanDo.PARTLY, None, None, None),
        (None, CanDo.NO, AgeBand.EIGHTIES, None, "字が小さい"),
    ]
    entries = services.entries_of(held_class)
    assert {entry.entered_by_id for entry in entries} == {coordinator.id}
    added = _audit("survey.add")
    assert [entry.object_id for entry in added] == [entry.id for entry in entries]
    assert added[0].after == {"session_id": held_class.id, "satisfaction": 5, "can_do": "yes",
                              "age_band": "70s", "district_id": district.id,
                              "comment": "とても分かりやすかった"}
    assert {entry.actor_id for entry in added} == {coordinator.id}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 sheets have been saved." in page and "Sheets entered: 3" in page
    assert "字が小さい" in page and "70 to 79" in page and "湘南台" in page
    # the sheets count in the KPIs of the period
    figures = metrics.compute(HELD_DAY, HELD_DAY, now=NOW)
    assert figures["survey_responses"] == 3
    assert figures["survey_satisfaction"] == 4.5
    assert figures["survey_can_do_share"] == pytest.approx(100 / 3, abs=0.1)


def test_grid_with_a_bad_cell_saves_nothing(client, coordinator, held_class, district):
    response = client.post(_url(held_class), data=_grid(
        {"satisfaction": "5", "can_do": "yes", "comment": "よかった"},
        {"satisfaction": "6", "can_do": "partly"},
        {},
        {"satisfaction": "3", "can_do": "maybe", "district_id": "999999"}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was saved: please correct the 3 answers marked below." in page
    assert 'id="rows-1-satisfaction-error">Enter a number from 1 to 5.' in page
    assert 'id="rows-3-can_do-error">Choose one of the options.' in page
    assert 'id="rows-3-district_id-error">Choose one of the districts.' in page
    assert 'aria-describedby="rows-1-satisfaction-error"' in page
    assert '<a href="#rows-1-satisfaction">Sheet 2, Satisfaction (1 to 5): ' in page
    # what was typed stays on the page
    assert 'value="よかった"' in page and 'value="6"' in page
    assert _entries(held_class) == [] and _audit("survey.add") == []


def test_service_checks_every_row_first(coordinator, held_class):
    rows = [{"satisfaction": 3}, {"satisfaction": "three"}, {"comment": "あ" * 501},
            {"age_band": "100s"}, "not a row"]
    with force_locale("en"), pytest.raises(ValidationError) as caught:
        services.add_survey_entries(held_class, rows, actor=coordinator, now=NOW)
    assert caught.value.fields == {
        "rows-1-satisfaction": "Enter a whole number.",
        "rows-2-comment": "At most 500 characters (now 501).",
        "rows-3-age_band": "Choose one of the options.",
        "rows-4": "Enter the sheet's answers.",
    }
    db.session.rollback()
    assert _entries(held_class) == []


def test_only_empty_rows_save_nothing(client, coordinator, held_class):
    response = client.post(_url(held_class), data=_grid({}, {"comment": " "}))
    assert response.status_code == 200
    assert "Nothing was saved: every row is empty." in response.get_data(as_text=True)
    assert _entries(held_class) == []


def test_a_sheet_is_deleted(client, coordinator, held_class):
    first, _second = services.add_survey_entries(
        held_class, [{"satisfaction": 2, "comment": "二重入力"}, {"satisfaction": 5}],
        actor=coordinator, now=NOW)
    db.session.commit()
    first_id = first.id
    page = client.get(_url(held_class)).get_data(as_text=True)
    assert f'action="/staff/reports/surveys/sheets/{first_id}/delete"' in page
    response = client.post(f"/staff/reports/surveys/sheets/{first_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(held_class))
    assert _entries(held_class) == [(5, None, None, None, None)]
    deleted = _audit("survey.delete")
    assert [(entry.object_id, entry.before["comment"], entry.actor_id) for entry in deleted] == [
        (first_id, "二重入力", coordinator.id)]
    assert "The sheet has been deleted." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/staff/reports/surveys/sheets/{first_id}/delete").status_code == 404


def test_a_consultation_session_is_refused(client, coordinator, create_session):
    consultation = create_session(kind="consultation", day=HELD_DAY, capacity=None)
    with force_locale("en"), pytest.raises(ValidationError, match="not for consultation"):
        services.add_survey_entries(consultation, [{"satisfaction": 5}], actor=coordinator,
                                    now=NOW)
    db.session.rollback()
    page = client.get(_url(consultation)).get_data(as_text=True)
    assert "Consultation sessions have no questionnaire" in page
    assert 'name="rows-0-satisfaction"' not in page
    response = client.post(_url(consultation), data=_grid({"satisfaction": "5"}))
    assert response.status_code == 200
    assert "not for consultation sessions" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SurveyEntry.id))) == 0


def test_sessions_not_held_are_refused(coordinator, create_session, held_class):
    future = create_session(day=date(2026, 12, 3))
    with force_locale("en"), pytest.raises(ValidationError, match="not been held yet"):
        services.add_survey_entries(future, [{"satisfaction": 5}], actor=coordinator, now=NOW)
    event_services.cancel_session(future, "会場の都合", actor="test", now=NOW)
    assert future.status == SessionStatus.CANCELLED
    with force_locale("en"), pytest.raises(ValidationError, match="cancelled"):
        services.add_survey_entries(future, [{"satisfaction": 5}], actor=coordinator, now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count(SurveyEntry.id))) == 0


def test_session_list_shows_held_sessions_with_their_sheets(client, coordinator, held_class,
                                                            create_session):
    consultation = create_session(kind="consultation", day=HELD_DAY, capacity=None)
    future = create_session(day=date(2099, 12, 3))
    services.add_survey_entries(held_class, [{"satisfaction": 4}, {"can_do": "yes"}],
                                actor=coordinator, now=NOW)
    db.session.commit()
    listed = {session.id: sheets for session, sheets in services.surveyable_sessions(NOW)}
    assert listed[held_class.id] == 2
    assert consultation.id not in listed and future.id not in listed
    page = client.get("/staff/reports/surveys").get_data(as_text=True)
    assert f'href="{_url(held_class)}"' in page
    assert f'href="{_url(consultation)}"' not in page and f'href="{_url(future)}"' not in page


@pytest.mark.parametrize(("query", "rows"), [("", 10), ("?rows=20", 20), ("?rows=abc", 10),
                                             ("?rows=100000", 200)])
def test_grid_shows_more_rows_on_request(client, coordinator, held_class, query, rows):
    page = client.get(_url(held_class) + query).get_data(as_text=True)
    assert page.count('name="rows-') == rows * 5
    assert f'id="rows-{rows - 1}-satisfaction"' in page
