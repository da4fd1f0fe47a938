"""CSV files for spreadsheets (Excel first), shared by the reports that offer a download,
and the download response itself (`download`, `csv_download`).

- UTF-8 with a byte order mark: Excel opens Japanese text correctly only with it;
- CRLF line ends (the csv module's default);
- text cells that a spreadsheet would read as a formula (starting with = + - @, a tab
  or a carriage return) get a leading single quote, so a name like "=HYPERLINK(...)"
  stays text; numbers (int, float, Decimal) are written as they are.
"""

import csv
import io
from decimal import Decimal

from flask import Response

CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_text(value):
    """A text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value):
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return safe_text(value)


def csv_bytes(rows):
    """The whole file as bytes: every row a list of cells; text cells are guarded,
    number cells are left alone."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return (BOM + buffer.getvalue()).encode("utf-8")


def download(body, content_type, filename):
    """A file to save (not shown), never cached. `content_type` as sent: Werkzeug would
    add a second charset to a text `mimetype` that has one."""
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def csv_download(rows, filename):
    """`rows` (header first) as a CSV file to save."""
    return download(csv_bytes(rows), CSV_MIMETYPE, filename)
