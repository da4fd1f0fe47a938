"""Every table of the dashboard as files: one .xlsx with a sheet per table, and each
table as CSV, read back and compared with the report's own tables."""

import csv
import io

import openpyxl
from flask import url_for

from desk.auth.models import Role
from desk.core.timeutil import local_today, utcnow
from desk.reports.dashboard import build_report, parse_period


def _report(app, args):
    with app.test_request_context():
        now = utcnow()
        period, choice = parse_period(args, local_today(now))
        return build_report(period, choice, today=local_today(now), now=now)


def _cell(value):
    return "" if value is None else value


def test_every_dashboard_table_in_one_workbook(ctx, client, login, create_user):
    login(client, create_user(Role.COORDINATOR))
    args = {"period": "fy", "fy": str(local_today().year if local_today().month >= 4
                                      else local_today().year - 1)}
    response = client.get("/staff/reports/report.xlsx", query_string=args)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    report = _report(ctx, args)
    assert len(workbook.worksheets) == len(report.tables)
    for sheet, table in zip(workbook.worksheets, report.tables, strict=True):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == [str(head) for head in table.header]
        assert len(rows) == len(table.rows) + 1
        for got, want in zip(rows[1:], table.rows, strict=True):
            assert [_cell(value) for value in got] == [
                _cell(value if value is None or isinstance(value, int | float) else str(value))
                for value in want]


def test_each_dashboard_table_as_csv(ctx, client, login, create_user):
    login(client, create_user(Role.COORDINATOR))
    args = {"period": "month", "month": local_today().strftime("%Y-%m")}
    report = _report(ctx, args)
    page = client.get("/staff/reports", query_string=args).get_data(as_text=True)
    for panel in report.all_panels:
        with ctx.test_request_context():
            url = url_for("reports.report_csv", slug=panel.slug, **report.choice.query())
        assert url.replace("&", "&amp;") in page  # every table offers its CSV
        response = client.get(url)
        assert response.status_code == 200
        assert response.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[0] == [str(head) for head in panel.table.header]
        assert len(rows) == len(panel.table.rows) + 1


def test_unknown_table_or_bad_period(ctx, client, login, create_user):
    login(client, create_user(Role.COORDINATOR))
    assert client.get("/staff/reports/report/nothing.csv").status_code == 404
    response = client.get("/staff/reports/report.xlsx", query_string={"period": "fy",
                                                                       "fy": "1800"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/reports")


def test_every_csv_export_names_its_charset_once(ctx, client, login, create_user):
    """Werkzeug adds a charset to a text mimetype that already has one: the header said
    `text/csv; charset=utf-8; charset=utf-8`."""
    login(client, create_user(Role.COORDINATOR))
    today = local_today().isoformat()
    for path in ("/staff/reports/opendata/events.csv", "/staff/reports/opendata/venues.csv",
                 f"/staff/reports/attendance.csv?from={today}&to={today}",
                 "/staff/reports/report/targets.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", path
