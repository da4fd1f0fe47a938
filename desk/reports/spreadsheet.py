"""Tables for spreadsheets: CSV (through desk.core.csvexport) and Excel .xlsx (openpyxl).

A `Table` is a title, a header row and rows of cells. A cell is
- a number (int, float, Decimal; not bool): a number cell in both formats, so -2 stays
  the number -2;
- anything else (text, None): a text cell. In CSV a text that a spreadsheet would read
  as a formula (starting with = + - @, a tab or a carriage return) gets a leading single
  quote (csvexport.safe_text); in .xlsx every text cell is written explicitly as a string
  (data type "s"), so nothing is evaluated and no quote is needed.
Dates and times are written as text (YYYY-MM-DD, HH:MM), phone numbers in the national
format (090-1234-5678, `phone_cell`), so no spreadsheet turns them into something else.

Also here: the underlying attendance list (`attendance_table`), one row per booked seat
holder of the sessions held in a period (staff only: it holds names and phone numbers).
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from desk.core.csvexport import CSV_MIMETYPE, csv_bytes, download
from desk.core.phone import display_phone
from desk.core.timeutil import local_day_bounds, to_local
from desk.events.labels import ATTENDANCE_LABELS, kind_label, session_title
from desk.events.models import Booking, BookingStatus, EventSession, SessionStatus
from desk.extensions import db
from desk.people.labels import AGE_BAND_LABELS
from desk.people.models import Person

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Table:
    title: str
    header: list
    rows: list = field(default_factory=list)


def is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def phone_cell(e164):
    """A stored phone number (E.164) as the national format text: 090-1234-5678."""
    return display_phone(e164) if e164 else ""


# -- CSV --------------------------------------------------------------------------------

def table_csv(table):
    """The table as a CSV file (bytes): UTF-8 with BOM, CRLF, formula-safe text."""
    return csv_bytes([table.header, *table.rows])


# -- .xlsx ------------------------------------------------------------------------------

def _sheet_title(title, used):
    text = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip().strip("'") or "Sheet"
    text = text[:SHEET_TITLE_MAX]
    candidate, number = text, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = text[:SHEET_TITLE_MAX - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def _write_cell(sheet, row, column, value):
    cell = sheet.cell(row=row, column=column)
    if is_number(value):
        cell.value = value
        return
    # control characters other than tab, LF and CR cannot be stored in the XML, and XML
    # reads a CR as a line feed anyway: a line break in a cell is a LF in Excel
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cell.value = text
    cell.data_type = "s"  # after the value: openpyxl would take "=..." for a formula


def tables_xlsx(tables):
    """An .xlsx workbook (bytes) with one sheet per table, header row first."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        for row_number, row in enumerate([table.header, *table.rows], start=1):
            for column_number, value in enumerate(row, start=1):
                _write_cell(sheet, row_number, column_number, value)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- responses (desk.core.csvexport.download: a file to save, never cached) -----------------

def csv_response(table, filename):
    return download(table_csv(table), CSV_MIMETYPE, filename)


def xlsx_response(tables, filename):
    return download(tables_xlsx(tables), XLSX_MIMETYPE, filename)


# -- the underlying attendance list -----------------------------------------------------

def attendance_header():
    return [_("Date"), _("Start"), _("End"), _("Kind"), _("Title"), _("Venue"), _("Name"),
            _("Reading"), _("Phone"), _("District"), _("Age band"), _("Seats booked"),
            _("Walk-in"), _("Attendance")]


def attendance_bookings(first, last):
    """Booked seats (not cancelled, not waitlisted) of the sessions that start on the
    local dates first..last and were not cancelled, by start, session and reading."""
    start, end = local_day_bounds(first, last)
    return db.session.scalars(
        select(Booking).join(EventSession, Booking.session_id == EventSession.id)
        .join(Person, Booking.person_id == Person.id)
        .where(EventSession.start_dt >= start, EventSession.start_dt < end,
               EventSession.status != SessionStatus.CANCELLED,
               Booking.status == BookingStatus.BOOKED)
        .order_by(EventSession.start_dt, EventSession.id, Person.kana_key, Booking.id)).all()


def attendance_table(bookings):
    """The attendance list of `bookings` (attendance_bookings of a period)."""
    rows = []
    for booking in bookings:
        session, person = booking.session, booking.person
        start, end = to_local(session.start_dt), to_local(session.end_dt)
        attendance = (str(ATTENDANCE_LABELS[booking.attendance]) if booking.attendance
                      else _("Not marked"))
        rows.append([
            start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"),
            str(kind_label(session.kind)), session_title(session), session.venue.display_name,
            person.name, person.name_kana, phone_cell(person.phone),
            person.district.display_name if person.district else "",
            str(AGE_BAND_LABELS[person.age_band]) if person.age_band else "",
            booking.seats, _("Yes") if booking.is_walk_in else "", attendance,
        ])
    return Table(_("Attendance"), attendance_header(), rows)


def attendance_filename(first, last, extension):
    return f"attendance_{first.isoformat()}_{last.isoformat()}.{extension}"
