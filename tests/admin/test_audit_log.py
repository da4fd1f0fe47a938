"""The audit log's page and CSV file (admins only): actions in words, times in Japan
time only, filters by dates, account, action, kind of record and one record; input that
cannot be read is said, never a 500; a download with residents' entries is in the
access log."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.core import audit
from desk.core.accesslog import AccessEntry
from desk.extensions import db

# 2026-12-02 23:30 UTC is 2026-12-03 08:30 in Japan
LATE = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
EARLY = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


@pytest.fixture
def admin(ctx, create_user):
    return create_user(Role.ADMIN, display_name="管理 一郎")


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def logged(ctx, admin, coordinator):
    audit.record("booking.create", actor=coordinator, object_type="bookings", object_id=11,
                 after={"status": "booked"}, now=EARLY)
    audit.record("person.update", actor=coordinator, object_type="people", object_id=42,
                 before={"name": "山田 太郎"}, after={"name": "山田 太朗"}, now=LATE)
    audit.record("session.update", actor=admin, object_type="sessions", object_id=7,
                 before={"start_dt": "2026-12-03T01:00:00+00:00"},
                 after={"start_dt": "2026-12-03T02:00:00+00:00"}, now=LATE)
    db.session.commit()


def _page(client, **query):
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _actions(page):
    """The actions listed, in the page's order."""
    found = [(page.index(f"<td>{label}"), label) for label in ("予約の作成", "住民の情報の変更",
                                                              "開催回の変更")
             if f"<td>{label}" in page]
    return [label for _position, label in sorted(found)]


def test_actions_in_words_and_times_in_japan_time(client, login, admin, logged):
    login(client, admin)
    page = _page(client)
    assert _actions(page) == ["開催回の変更", "住民の情報の変更", "予約の作成"]  # newest first
    assert "booking.create" not in page.split("<tbody>")[1]  # no code shown as the action
    # the session moved from 10:00 to 11:00 in Japan; no raw UTC time anywhere
    assert "10:00 → " in page and "11:00</li>" in page
    assert "+00:00" not in page and "T01:00" not in page
    assert "8:30" in page or "08:30" in page  # written 2026-12-03 08:30 JST
    # a resident's and a session's entries link to their page and to their history
    assert 'href="/staff/people/42"' in page and 'href="/staff/sessions/7"' in page
    assert "/admin/audit?type=people&amp;record=42" in page


@pytest.mark.parametrize(("query", "shown"), [
    ({"from": "2026-12-03", "to": "2026-12-03"}, ["開催回の変更", "住民の情報の変更"]),
    ({"to": "2026-12-02"}, ["予約の作成"]),  # 23:30 UTC on the 2nd is the 3rd in Japan
    ({"action": "booking.create"}, ["予約の作成"]),
    ({"type": "people", "record": "42"}, ["住民の情報の変更"]),
    ({"type": "people", "record": "４２"}, ["住民の情報の変更"]),  # full-width digits
    ({"type": "sessions"}, ["開催回の変更"]),
])
def test_filters(client, login, admin, logged, query, shown):
    login(client, admin)
    assert _actions(_page(client, **query)) == shown


def test_filter_by_account(client, login, admin, coordinator, logged):
    login(client, admin)
    assert _actions(_page(client, user=str(coordinator.id))) == ["住民の情報の変更", "予約の作成"]
    assert _actions(_page(client, user=str(admin.id))) == ["開催回の変更"]


@pytest.mark.parametrize("query", [
    {"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "2026-12-05", "to": "2026-12-01"},
    {"user": "me"}, {"action": "booking.steal"}, {"record": "abc", "type": "people"},
    {"record": "42"}, {"from": "0001-01-01"}, {"page": "x"}, {"record": "9" * 40,
                                                              "type": "people"},
])
def test_filters_that_cannot_be_read_are_said(client, login, admin, logged, query):
    login(client, admin)
    page = _page(client, **query)
    if "page" not in query:
        assert 'role="alert"' in page and "次の条件は使えませんでした" in page
        # no download of a filter that cannot be read: its link would only come back here
        assert "/admin/audit.csv" not in page


def test_csv_of_the_filtered_entries(client, login, admin, logged):
    login(client, admin)
    client.set_cookie("desk_locale", "en")
    response = client.get("/admin/audit.csv", query_string={"from": "2026-12-03",
                                                            "to": "2026-12-03"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["When (Japan time)", "Who", "Action", "Action code"]
    assert [row[2:6] for row in rows[1:]] == [
        ["Session details changed", "session.update", "Scheduled session", "7"],
        ["Resident's details changed", "person.update", "Resident's record", "42"]]
    assert rows[1][0] == "2026-12-03 08:30"
    assert rows[1][6] == "start_dt: 2026-12-03 10:00 → 2026-12-03 11:00"
    # the file holds a resident's entries: the download is in the access log
    (entry,) = db.session.scalars(select(AccessEntry)).all()
    assert (entry.action, entry.object_type, entry.object_ids) == (
        "audit.exported", "person", [42])


def test_csv_without_residents_is_not_in_the_access_log(client, login, admin, logged):
    login(client, admin)
    assert client.get("/admin/audit.csv", query_string={"type": "sessions"}).status_code == 200
    assert db.session.scalars(select(AccessEntry)).all() == []


def test_csv_with_filters_that_cannot_be_read_goes_back_to_the_page(client, login, admin):
    login(client, admin)
    response = client.get("/admin/audit.csv", query_string={"from": "2026-13-01"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/audit?")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'role="alert"' in page


def test_only_admins_read_the_audit_log(client, login, coordinator):
    login(client, coordinator)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_a_residents_and_a_sessions_page_link_their_history_for_admins(
        client, login, admin, coordinator, create_person, create_session):
    person, session = create_person(), create_session()
    db.session.commit()
    history = {f"/staff/people/{person.id}": f"/admin/audit?type=people&amp;record={person.id}",
               f"/staff/sessions/{session.id}":
                   f"/admin/audit?type=sessions&amp;record={session.id}"}
    login(client, admin)
    for page, link in history.items():
        assert link in client.get(page).get_data(as_text=True)
    login(client, coordinator)  # coordinators do not see the audit log
    for page, link in history.items():
        text = client.get(page).get_data(as_text=True)
        assert link not in text and "/admin/audit" not in text
