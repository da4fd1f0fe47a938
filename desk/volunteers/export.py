"""The hours report as a CSV file for spreadsheets (thank-you letters, デジタル推進委員
activity reports).

Layout: ONE table with a `kind` column, so the file sorts and filters as a whole in
Excel and reads back with any CSV reader:

    kind, volunteer no., name, reading, affiliation, shifts, worked shifts, hours, no-shows

- first one row per volunteer (kind "Volunteer", sorted by reading), then one row per
  affiliation (kind "Affiliation total", name and reading empty, the affiliation in its
  column), in the order of queries.hours_report;
- the header row and the kind and affiliation words are translated into the reader's
  language; numbers are plain numbers: counts as integers, hours as decimals with two
  places and a dot ("2.50"), whatever the language;
- UTF-8 with a byte order mark (Excel opens Japanese text correctly only with it),
  CRLF line ends (the csv module's default);
- text cells that a spreadsheet would read as a formula (starting with = + - @, a tab
  or a carriage return) get a leading single quote, so a name like
  "=HYPERLINK(...)" stays text; number cells are left alone.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

# the CSV rules (BOM, formula guard) are shared with the other reports' downloads
from desk.core.csvexport import csv_bytes, safe_text
from desk.volunteers.labels import affiliation_label


def hours_decimal(time):
    """Hours of a timedelta, rounded half up to two places (2h 20m -> 2.33)."""
    seconds = Decimal(int(time.total_seconds()))
    return (seconds / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def header():
    return [_("Kind"), _("Volunteer no."), _("Name"), _("Reading"), _("Affiliation"),
            _("Shifts"), _("Worked shifts"), _("Hours"), _("No-shows")]


def _numbers(row):
    return [row.shifts, row.worked_shifts, f"{hours_decimal(row.time):.2f}", row.no_shows]


def hours_rows(volunteers, affiliations):
    """The table's rows (without the header): lists of cells, text already guarded."""
    rows = []
    for row in volunteers:
        volunteer = row.key
        rows.append([safe_text(_("Volunteer")), volunteer.id, safe_text(volunteer.name),
                     safe_text(volunteer.name_kana),
                     safe_text(affiliation_label(volunteer.affiliation)), *_numbers(row)])
    for row in affiliations:
        rows.append([safe_text(_("Affiliation total")), "", "", "",
                     safe_text(affiliation_label(row.key)), *_numbers(row)])
    return rows


def hours_csv(volunteers, affiliations):
    """The whole file as bytes (UTF-8 with BOM)."""
    return csv_bytes([header(), *hours_rows(volunteers, affiliations)])


def filename(first, last):
    return f"volunteer-hours_{first.isoformat()}_{last.isoformat()}.csv"
