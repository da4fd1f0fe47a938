"""CSV and .xlsx exports: read back with a parser (csv, openpyxl) and compared cell by
cell with the source table; formula-looking text is made harmless while phone numbers
and negative numbers stay intact; the attendance list on a small fixture."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import force_locale

from desk.auth.models import Role
from desk.core.csvexport import csv_bytes
from desk.core.timeutil import local_datetime
from desk.events import bookings
from desk.events.models import BookingChannel
from desk.extensions import db
from desk.reports import spreadsheet
from desk.reports.spreadsheet import Table
from tests.fixtures.factories import NOW

INJECTIONS = ["=1+1", "+81 90 1234 5678", "-2", "@SUM(A1)", "\tx", "\rx"]
ON_THE_DAY = datetime.fromisoformat("2026-12-03T03:00:00+00:00")  # 12:00 JST


def table_csv(table):
    return csv_bytes([table.header, *table.rows])


def tables_xlsx(tables):
    file = io.BytesIO()
    spreadsheet.write_xlsx(tables, file)
    return file.getvalue()


def read_csv(body):
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    text = body.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF line ends
    return list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx(body):
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook}


def xlsx_text(value):
    """What a text cell holds: None is empty; a CR is a line feed in a cell."""
    return "" if value is None else value.replace("\r", "\n")


def source_table():
    return Table("テスト", ["名前", "電話", "数", "メモ"], [
        ["佐藤 恵子", "090-1234-5678", -2, INJECTIONS[0]],
        ["鈴木 茂", "0466-25-1111", 3.5, INJECTIONS[1]],
        ["高橋", "", Decimal("2.50"), INJECTIONS[2]],
        ["田中", None, 0, INJECTIONS[3]],
        ["伊藤", "", 12, INJECTIONS[4]],
        ["渡辺", "", 7, INJECTIONS[5]],
    ])


def test_csv_guards_formula_text_and_keeps_numbers_and_phones():
    table = source_table()
    rows = read_csv(table_csv(table))
    assert rows[0] == table.header
    assert len(rows) == len(table.rows) + 1
    for read, source in zip(rows[1:], table.rows, strict=True):
        assert read[0] == source[0]
        assert read[1] == (source[1] or "")
        assert read[3] == "'" + source[3]  # text that looks like a formula: quoted
    # phone numbers are never touched; numbers stay numbers (no quote), -2 included
    assert [row[1] for row in rows[1:3]] == ["090-1234-5678", "0466-25-1111"]
    assert [row[2] for row in rows[1:]] == ["-2", "3.5", "2.50", "0", "12", "7"]
    # the text "-2" is quoted, the number -2 is not
    assert rows[3][3] == "'-2" and rows[1][2] == "-2"


def test_xlsx_writes_text_as_strings_and_numbers_as_numbers():
    table = source_table()
    sheets = read_xlsx(tables_xlsx([table]))
    assert list(sheets) == ["テスト"]
    cells = sheets["テスト"]
    assert [cell.value for cell in cells[0]] == table.header
    assert len(cells) == len(table.rows) + 1
    for read, source in zip(cells[1:], table.rows, strict=True):
        for cell, value in zip(read, source, strict=True):
            if spreadsheet.is_number(value):
                assert cell.data_type == "n", (cell.coordinate, cell.value)
                assert cell.value == value
            else:
                assert (cell.value or "") == xlsx_text(value), cell.coordinate
                if value:
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
    # formula-looking text is plain text, unquoted; nothing is a formula
    assert [row[3].value for row in cells[1:]] == [*INJECTIONS[:5], "\nx"]
    assert all(cell.data_type != "f" for row in cells for cell in row)
    assert cells[1][1].value == "090-1234-5678"
    assert cells[1][2].value == -2 and cells[1][2].data_type == "n"


def test_xlsx_sheet_titles_are_valid_and_unique():
    tables = [Table("Month/venue [1]", ["a"], [[1]]), Table("x" * 40, ["a"], []),
              Table("x" * 40, ["a"], []), Table("", ["a"], [])]
    titles = list(read_xlsx(tables_xlsx(tables)))
    assert len(set(titles)) == 4
    assert all(len(title) <= 31 and not set("[]:*?/\\") & set(title) for title in titles)


def test_xlsx_drops_control_characters_it_cannot_store():
    sheets = read_xlsx(tables_xlsx([Table("t", ["a"], [["a\x01b\x0bc"]])]))
    assert sheets["t"][1][0].value == "abc"


# -- the attendance list ------------------------------------------------------------------

@pytest.fixture
def attendance_fixture(ctx, create_session, create_person, create_district, create_user):
    staff = create_user(Role.COORDINATOR)
    district = create_district(name="湘南台地区", name_kana="ショウナンダイチク")
    session = create_session(day=date(2026, 12, 3), start=time(10), end=time(11, 30),
                             capacity=4)
    other = create_session(day=date(2027, 1, 14), start=time(14), end=time(15), capacity=5)
    outside = create_session(day=date(2027, 2, 1), capacity=5)
    keiko = create_person(name="=1+1", name_kana="さとう けいこ", phone="090-1234-5678",
                          district_id=district.id, age_band="70s")
    shigeru = create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234")
    kazuko = create_person(name="高橋 和子", name_kana="たかはし かずこ")
    masao = create_person(name="田中 正雄", name_kana="たなか まさお")
    setsuko = create_person(name="伊藤 節子", name_kana="いとう せつこ")

    def book(target, person, seats=1, **kwargs):
        return bookings.book_seat(target, person, seats=seats, channel=BookingChannel.PHONE_DESK,
                                  actor=staff, now=kwargs.pop("now", NOW), **kwargs).booking

    first = book(session, keiko, seats=2)
    second = book(session, shigeru)
    cancelled = book(session, kazuko)
    bookings.cancel_booking(cancelled, actor=staff, now=NOW)
    waiting = book(session, masao, seats=2)  # 4 seats: 3 taken, the party of 2 waits
    assert waiting.status == "waitlisted"
    bookings.set_attendance(first, "attended", actor=staff, now=ON_THE_DAY)
    bookings.set_attendance(second, "no_show", actor=staff, now=ON_THE_DAY)
    walk_in = bookings.book_seat(session, setsuko, seats=1, channel=BookingChannel.WALK_IN,
                                 actor=staff, now=ON_THE_DAY, walk_in=True).booking
    assert walk_in.is_walk_in
    book(other, shigeru)
    book(outside, setsuko)
    db.session.commit()
    return {"staff": staff, "session": session, "other": other}


def test_attendance_table_lists_booked_seats_of_the_period(attendance_fixture):
    table = spreadsheet.attendance_table(date(2026, 12, 1), date(2027, 1, 31))
    assert len(table.header) == 14
    rows = list(table.rows)
    # by start, then reading: いとう (walk-in), さとう, すずき on 12-03; すずき on 01-14
    assert [row[6] for row in rows] == ["伊藤 節子", "=1+1", "鈴木 茂", "鈴木 茂"]
    walk_in, keiko, shigeru, later = rows
    assert keiko[:3] == ["2026-12-03", "10:00", "11:30"]
    assert keiko[8] == "090-1234-5678"  # national format
    assert keiko[9] == "湘南台地区" and keiko[10] and keiko[11] == 2
    assert keiko[12] == "" and walk_in[12] != "" and walk_in[11] == 1
    assert shigeru[8] == "0466-25-1234"
    assert len({keiko[13], shigeru[13], later[13]}) == 3  # attended, no-show, not marked
    assert walk_in[13] == keiko[13]
    assert later[:2] == ["2027-01-14", "14:00"]


def test_attendance_csv_and_xlsx_read_back_equal_the_table(client, login, attendance_fixture):
    login(client, attendance_fixture["staff"])
    query = "?from=2026-12-01&to=2027-01-31"
    table = spreadsheet.attendance_table(date(2026, 12, 1), date(2027, 1, 31))
    table.rows = list(table.rows)

    response = client.get("/staff/reports/attendance.csv" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attendance_2026-12-01_2027-01-31.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response.get_data())
    expected = [[str(value) if spreadsheet.is_number(value) else value for value in row]
                for row in [table.header, *table.rows]]
    expected[2][6] = "'=1+1"  # the only formula-looking cell, quoted
    assert rows == expected

    response = client.get("/staff/reports/attendance.xlsx" + query)
    assert response.status_code == 200
    assert response.mimetype == spreadsheet.XLSX_MIMETYPE
    sheets = read_xlsx(response.get_data())
    cells = next(iter(sheets.values()))
    values = [[cell.value if cell.value is not None else "" for cell in row] for row in cells]
    assert values == [table.header, *table.rows]
    assert cells[2][6].value == "=1+1" and cells[2][6].data_type == "s"
    assert cells[2][11].data_type == "n"


def test_attendance_defaults_and_bad_period(client, login, attendance_fixture):
    login(client, attendance_fixture["staff"])
    response = client.get("/staff/reports/attendance.csv")  # the fiscal year to date
    assert response.status_code == 200
    assert len(read_csv(response.get_data())) >= 1
    for query in ("?from=2026-13-01", "?to=yesterday", "?from=2027-01-02&to=2027-01-01"):
        response = client.get("/staff/reports/attendance.csv" + query)
        assert response.status_code == 400, query
        assert response.mimetype == "text/html"


def test_attendance_list_is_for_staff_only(client, login, create_user, attendance_fixture):
    assert client.get("/staff/reports/attendance.csv").status_code == 302
    login(client, create_user(Role.VOLUNTEER))
    assert client.get("/staff/reports/attendance.xlsx").status_code == 403
    assert local_datetime(date(2026, 12, 3), time(10)) == attendance_fixture["session"].start_dt


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_attendance_list_names_each_column_once(app, locale):
    """In Japanese the class title and the resident's name were both 「名前」."""
    with app.test_request_context(), force_locale(locale):
        header = [str(head) for head in spreadsheet.attendance_header()]
    assert len(set(header)) == len(header), header


def test_the_attendance_list_gives_a_bookings_seats_not_a_capacity(app):
    with app.test_request_context(), force_locale("ja"):
        header = [str(head) for head in spreadsheet.attendance_header()]
    assert "予約した人数" in header and "定員" not in header
