"""Tables for spreadsheets: CSV (through desk.core.csvexport) and Excel .xlsx (openpyxl).

A `Table` is a title, a header row and rows of cells (a list, or an iterable read once:
the attendance list's rows come from the database in batches). A cell is
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

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from sqlalchemy import select

from desk.core.csvexport import csv_download, file_download, spooled
from desk.core.districts import District
from desk.core.i18n import in_reader_language
from desk.core.phone import display_phone
from desk.core.timeutil import local_day_bounds, to_local
from desk.events.labels import ATTENDANCE_LABELS, kind_label, title_text
from desk.events.models import (
    Booking,
    BookingStatus,
    EventSession,
    Program,
    SessionStatus,
    Venue,
)
from desk.extensions import db
from desk.people.labels import AGE_BAND_LABELS
from desk.people.models import Person

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ATTENDANCE_BATCH = 1000


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


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet)
    if is_number(value):
        cell.value = value
        return cell
    # control characters other than tab, LF and CR cannot be stored in the XML, and XML
    # reads a CR as a line feed anyway: a line break in a cell is a LF in Excel
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cell.value = text
    cell.data_type = "s"  # after the value: openpyxl would take "=..." for a formula
    return cell


def write_xlsx(tables, file):
    """Write an .xlsx workbook with one sheet per table, header row first, to the binary
    `file`. The workbook is openpyxl's write-only one: each row goes to a temporary file
    as it is appended, so a table's rows may be an iterable read in batches."""
    workbook = Workbook(write_only=True)
    used = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        for row in itertools.chain([table.header], table.rows):
            sheet.append([_cell(sheet, value) for value in row])
    workbook.save(file)


# -- responses (desk.core.csvexport: a file to save, never cached, written to a spooled
# temporary file and sent from it in chunks) ----------------------------------------------

def csv_response(table, filename):
    return csv_download(itertools.chain([table.header], table.rows), filename)


def xlsx_response(tables, filename):
    file = spooled()
    try:
        write_xlsx(tables, file)
    except BaseException:
        file.close()
        raise
    return file_download(file, XLSX_MIMETYPE, filename)


# -- the underlying attendance list -----------------------------------------------------

def attendance_header():
    return [_("Date"), _("Start"), _("End"), _("Kind"), _("Title"), _("Venue"), _("Name"),
            _("Reading"), _("Phone"), _("District"), _("Age band"), _("Seats booked"),
            _("Walk-in"), _("Attendance")]


def _attendance_query(first, last):
    """Booked seats (not cancelled, not waitlisted) of the sessions that start on the
    local dates first..last and were not cancelled, by start, session and reading."""
    start, end = local_day_bounds(first, last)
    return (select(Booking.person_id)
            .join(EventSession, Booking.session_id == EventSession.id)
            .join(Person, Booking.person_id == Person.id)
            .where(EventSession.start_dt >= start, EventSession.start_dt < end,
                   EventSession.status != SessionStatus.CANCELLED,
                   Booking.status == BookingStatus.BOOKED))


def attendance_people(first, last):
    """A select of the residents (ids) the attendance list of first..last names (for
    the access log)."""
    return _attendance_query(first, last)


def attendance_rows(first, last):
    """The attendance list's rows (without the header) for first..last, read from the
    database ATTENDANCE_BATCH at a time as plain columns."""
    query = (_attendance_query(first, last).with_only_columns(
        EventSession.start_dt, EventSession.end_dt, EventSession.kind, EventSession.title,
        EventSession.title_en, Program.title.label("program_title"),
        Program.title_en.label("program_title_en"), Venue.name.label("venue_name"),
        Venue.name_en.label("venue_name_en"), Person.name, Person.name_kana, Person.phone,
        District.name.label("district_name"), District.name_en.label("district_name_en"),
        Person.age_band, Booking.seats, Booking.is_walk_in, Booking.attendance)
        .join(Venue, EventSession.venue_id == Venue.id)
        .outerjoin(Program, EventSession.program_id == Program.id)
        .outerjoin(District, Person.district_id == District.id)
        .order_by(EventSession.start_dt, EventSession.id, Person.kana_key, Booking.id))
    not_marked, walk_in = _("Not marked"), _("Yes")
    for row in db.session.execute(query.execution_options(yield_per=ATTENDANCE_BATCH)):
        start, end = to_local(row.start_dt), to_local(row.end_dt)
        yield [
            start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"),
            str(kind_label(row.kind)),
            title_text(row.kind, row.title, row.title_en, row.program_title,
                       row.program_title_en),
            in_reader_language(row.venue_name, row.venue_name_en),
            row.name, row.name_kana, phone_cell(row.phone),
            in_reader_language(row.district_name, row.district_name_en)
            if row.district_name is not None else "",
            str(AGE_BAND_LABELS[row.age_band]) if row.age_band else "",
            row.seats, walk_in if row.is_walk_in else "",
            str(ATTENDANCE_LABELS[row.attendance]) if row.attendance else not_marked,
        ]


def attendance_table(first, last):
    """The attendance list of first..last; its rows are read as they are written."""
    return Table(_("Attendance"), attendance_header(), attendance_rows(first, last))


def attendance_filename(first, last, extension):
    return f"attendance_{first.isoformat()}_{last.isoformat()}.{extension}"
