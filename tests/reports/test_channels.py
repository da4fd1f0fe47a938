"""Bookings by channel in the KPI report: the bookings made in the fiscal year to date,
by the channel they came through (a booking made on the automated phone line counts
under the phone line), on the dashboard, its print view and its files."""

import csv
import io
import pathlib
from datetime import date, timedelta

import openpyxl

from desk.auth.models import Role
from desk.core.timeutil import local_today
from desk.events import services as events
from desk.events.models import BookingChannel
from desk.people import services as people_services
from desk.reports import metrics
from desk.reports.dashboard import build_report, parse_period
from tests.fixtures.factories import NOW

FY = {"period": "fy", "fy": "2026"}


def _bookings(create_session, create_person):
    """Made in FY2026: two on the phone line (one of 2 seats), one on the web, one by the
    staff (cancelled later: it still counts), and one duplicate dropped by a merge; one
    on the phone line in FY2025."""
    session = create_session(day=date(2026, 12, 3), capacity=20)
    earlier = create_session(day=date(2026, 3, 20), capacity=20)
    made = NOW - timedelta(days=10)
    events.book_seat(session, create_person(), seats=2, channel="phone_line", actor="phone_line",
                     now=made)
    events.book_seat(session, create_person(), channel="phone_line", actor="phone_line", now=NOW)
    events.book_seat(session, create_person(), channel="web", actor="web", now=made)
    cancelled = events.book_seat(session, create_person(), channel="phone_desk", actor="test",
                                 now=made).booking
    events.cancel_booking(cancelled, actor="test", now=NOW)
    kept = create_person(name="山田 花子", name_kana="やまだ はなこ")
    dropped = create_person(name="山田 花子", name_kana="やまだ はなこ")
    events.book_seat(session, kept, channel="kiosk", actor="kiosk", now=made)
    events.book_seat(session, dropped, channel="kiosk", actor="kiosk", now=made)
    people_services.merge_people(kept, dropped, actor="test", now=NOW)
    events.book_seat(earlier, create_person(), channel="phone_line", actor="phone_line",
                     now=made - timedelta(days=365))


def test_a_phone_line_booking_counts_under_the_phone_line(ctx, create_session,
                                                          create_person):
    _bookings(create_session, create_person)

    rows = {channel: (bookings, seats) for channel, bookings, seats in
            metrics.bookings_by_channel(date(2026, 4, 1), local_today(NOW))}

    assert list(rows) == list(BookingChannel)
    assert rows[BookingChannel.PHONE_LINE] == (2, 3)
    assert rows[BookingChannel.WEB] == (1, 1)
    assert rows[BookingChannel.PHONE_DESK] == (1, 1)
    assert rows[BookingChannel.KIOSK] == (1, 1)
    assert rows[BookingChannel.API] == (0, 0)
    previous = dict((channel, bookings) for channel, bookings, _seats in
                    metrics.bookings_by_channel(date(2025, 4, 1), date(2025, 11, 23)))
    assert previous[BookingChannel.PHONE_LINE] == 1


def test_the_report_shows_bookings_by_channel(ctx, create_session, create_person):
    _bookings(create_session, create_person)
    with ctx.test_request_context(headers={"Accept-Language": "ja"}):
        period, choice = parse_period(FY, local_today(NOW))
        report = build_report(period, choice, today=local_today(NOW), now=NOW)
        panel = report.channels
        assert report.panel("channels") is panel and panel in report.all_panels
        assert panel.table.header[:4] == ["予約の受付方法", "予約件数", "人数",
                                          "予約件数に占める割合"]
        phone_line = next(row for row in panel.table.rows if row[0] == "自動音声の電話受付")
        assert phone_line == ["自動音声の電話受付", 2, 3, 40.0, 1, 1]
        cells = panel.cells[[row[0] for row in panel.table.rows].index("自動音声の電話受付")]
        assert cells[1:] == ["2", "3", "40%", "1", "+1"]


def test_bookings_by_channel_on_the_pages_and_in_the_files(ctx, client, login, create_user,
                                                           create_session, create_person):
    _bookings(create_session, create_person)
    login(client, create_user(Role.COORDINATOR))
    headers = {"Accept-Language": "ja"}
    fy = {"period": "fy", "fy": str(local_today().year if local_today().month >= 4
                                    else local_today().year - 1)}
    for path in ("/staff/reports", "/staff/reports/print"):
        html = client.get(path, query_string=fy, headers=headers).get_data(as_text=True)
        assert 'id="channels"' in html and "自動音声の電話受付" in html
    response = client.get("/staff/reports/report/channels.csv", query_string=fy,
                          headers=headers)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["予約の受付方法", "予約件数"]
    assert [row[0] for row in rows[1:]] == [
        "電話（職員が受付）", "ウェブ", "キオスク端末", "自動音声の電話受付", "API", "当日参加",
        "相談窓口で"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        "/staff/reports/report.xlsx", query_string=fy, headers=headers).data))
    assert any(sheet.cell(1, 1).value == "予約の受付方法" for sheet in workbook.worksheets)


def test_docs_define_bookings_by_channel_with_the_same_words():
    text = " ".join((pathlib.Path(__file__).parents[2] / "docs" / "kpi.md").read_text(
        encoding="utf-8").split())
    assert " ".join(str(metrics.CHANNELS_DESCRIPTION).split()) in text
    assert all(f"`{channel.value}`" in text for channel in BookingChannel)
