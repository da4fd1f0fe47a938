"""Every figure with a target says in words whether it is achieved or missed (met so far
or not met yet while the fiscal year runs), in the dashboard, the printed report and the
exports, for figures where more is better and where less is better (the no-show rate):
a missed no-show rate never reads as more than 100 % achieved."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from desk.auth.models import Role
from desk.extensions import db
from desk.reports import dashboard_views
from desk.reports.services import set_target
from tests.fixtures.factories import NOW
from tests.reports.test_dashboard import parse_html, row_of, tables

# FY2026 is over (May 2027, JST)
AFTER_THE_YEAR = datetime(2027, 5, 1, 1, 0, tzinfo=UTC)


def _client(client, create_user, login, monkeypatch, now):
    monkeypatch.setattr(dashboard_views, "utcnow", lambda: now)
    login(client, create_user(Role.COORDINATOR))
    client.set_cookie("desk_locale", "en")
    return client


def _targets(no_show, participants):
    # the dataset's FY2026: no-show rate 25 % (2 of 8 bookings), 9 class participants
    set_target(2026, "no_show_rate", no_show, actor="test", now=NOW)
    set_target(2026, "class_participants", participants, actor="test", now=NOW)
    db.session.commit()


def _page_rows(client, endpoint):
    path = "/staff/reports" + ("/print" if endpoint == "print" else "")
    text = client.get(path, query_string={"period": "fy", "fy": "2026"}).get_data(as_text=True)
    found = tables(parse_html(text))
    rows = next(rows for caption, rows in found.items() if "actual against target" in caption)
    return rows, text


CASES = [
    # (now, no-show target, participants target, no-show row, participants row)
    (AFTER_THE_YEAR, "20", "20", ["25%", "20% or less", "80%", "Missed"],
     ["9", "20", "45%", "Missed"]),
    (AFTER_THE_YEAR, "30", "5", ["25%", "30% or less", "120%", "Achieved"],
     ["9", "5", "180%", "Achieved"]),
    (NOW, "20", "20", ["25%", "20% or less", "80%", "Not met yet"],
     ["9", "20", "45%", "Not met yet"]),
    (NOW, "30", "5", ["25%", "30% or less", "120%", "Met so far"],
     ["9", "5", "180%", "Achieved"]),
]


@pytest.mark.parametrize("endpoint", ["dashboard", "print"])
@pytest.mark.parametrize(("now", "no_show", "participants", "no_show_row", "participants_row"),
                         CASES)
def test_page_and_print_say_achieved_or_missed(kpi_data, client, create_user, login,
                                               monkeypatch, endpoint, now, no_show,
                                               participants, no_show_row, participants_row):
    _targets(no_show, participants)
    staff = _client(client, create_user, login, monkeypatch, now)
    rows, text = _page_rows(staff, endpoint)
    assert row_of(rows, "No-show rate")[1:5] == no_show_row
    assert row_of(rows, "Class participants")[1:5] == participants_row
    assert "125%" not in text and "112.5%" not in text
    # the chart says it too, beside the rate
    rate, status = no_show_row[2], no_show_row[3]
    assert f"{rate} {status}</text>" in text


@pytest.mark.parametrize(("now", "no_show", "participants", "no_show_row", "participants_row"),
                         CASES[:2])
def test_exports_say_achieved_or_missed(kpi_data, client, create_user, login, monkeypatch,
                                        now, no_show, participants, no_show_row,
                                        participants_row):
    _targets(no_show, participants)
    staff = _client(client, create_user, login, monkeypatch, now)
    args = {"period": "fy", "fy": "2026"}
    response = staff.get("/staff/reports/report/targets.csv", query_string=args)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Metric", "Actual", "Target", "Achievement rate", "Against the target"]
    for name, want in (("No-show rate", no_show_row), ("Class participants", participants_row)):
        rate, status = row_of(rows, name)[3:5]
        assert (float(rate), status) == (float(want[2].rstrip("%")), want[3])
    workbook = openpyxl.load_workbook(io.BytesIO(
        staff.get("/staff/reports/report.xlsx", query_string=args).data))
    sheet_rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    no_show_xlsx = row_of(sheet_rows, "No-show rate")
    assert no_show_xlsx[3:5] == [float(no_show_row[2].rstrip("%")), no_show_row[3]]
    assert no_show_xlsx[3] <= 100 or no_show_row[3] == "Achieved"
