"""CSV files for spreadsheets (Excel first), shared by the reports that offer a download,
and the download response itself (`download`, `csv_download`, `file_download`).

- UTF-8 with a byte order mark: Excel opens Japanese text correctly only with it;
- CRLF line ends (the csv module's default);
- text cells that a spreadsheet would read as a formula (starting with = + - @, a tab
  or a carriage return) get a leading single quote, so a name like "=HYPERLINK(...)"
  stays text; numbers (int, float, Decimal) are written as they are.

A large file (the audit log, a year's attendance list) is written row by row into a
temporary file (`spooled`: in memory up to SPOOL_MEMORY_MAX, then on disk) while the
request reads its rows in batches, and sent from there in chunks (`file_download`): the
server's memory holds a batch of rows, never the whole file. The file is complete before
the answer starts, so a database error is the error page, never half a file, and the
request's access log entry names exactly the residents the file holds.
"""

import csv
import io
from decimal import Decimal
from tempfile import SpooledTemporaryFile

from flask import Response

CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# rows written to the file at a time
WRITE_BATCH = 500
# a file larger than this goes to a temporary file on disk
SPOOL_MEMORY_MAX = 1024 * 1024
# bytes sent at a time
CHUNK_SIZE = 64 * 1024


def safe_text(value):
    """A text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value):
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return safe_text(value)


def write_csv(rows, file):
    """Write the CSV file of `rows` (an iterable: every row a list of cells; text cells
    are guarded, number cells are left alone) to the binary `file`, WRITE_BATCH rows at
    a time."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if number % WRITE_BATCH == 0:
            file.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    file.write(buffer.getvalue().encode("utf-8"))


def csv_bytes(rows):
    """The whole file as bytes (a small file: a person's disclosure, the hours report)."""
    file = io.BytesIO()
    write_csv(rows, file)
    return file.getvalue()


def spooled():
    """A temporary binary file to write a download into: in memory while it is small,
    on disk beyond SPOOL_MEMORY_MAX; deleted when closed."""
    return SpooledTemporaryFile(max_size=SPOOL_MEMORY_MAX)


def _chunks(file):
    with file:
        file.seek(0)
        while chunk := file.read(CHUNK_SIZE):
            yield chunk


def download(body, content_type, filename):
    """A file to save (not shown), never cached. `content_type` as sent: Werkzeug would
    add a second charset to a text `mimetype` that has one."""
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def file_download(file, content_type, filename):
    """The written `file` (spooled) as a file to save, sent in chunks; the file is closed
    when the answer is sent or the client goes away."""
    return download(_chunks(file), content_type, filename)


def csv_download(rows, filename):
    """`rows` (header first, any iterable) as a CSV file to save."""
    file = spooled()
    try:
        write_csv(rows, file)
    except BaseException:
        file.close()
        raise
    return file_download(file, CSV_MIMETYPE, filename)
