"""Downloads: the open data files and the underlying attendance list (coordinators and
admins; the blueprint requires staff).

The open data files hold no personal data and could be public; they stay behind the
staff login so that a coordinator checks them before they are published on the city's
open data catalogue (the usual way for 自治体標準オープンデータセット files). The
attendance list holds names and phone numbers: staff only, never cached, and each
download is in the access log with the residents it lists (desk.core.accesslog).
"""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from desk.core import accesslog
from desk.core.csvexport import CSV_MIMETYPE, download
from desk.core.db import writes
from desk.core.timeutil import fiscal_year_dates, fiscal_year_of, local_today, utcnow
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.core.web import parse_day
from desk.reports import ATTENDANCE_EXPORTED, opendata, spreadsheet


def opendata_events():
    now = utcnow()
    filename = f"event_list_{local_today(now).strftime('%Y%m%d')}.csv"
    return download(opendata.events_csv(now), CSV_MIMETYPE, filename)


def opendata_venues():
    filename = f"public_facilities_{local_today().strftime('%Y%m%d')}.csv"
    return download(opendata.venues_csv(), CSV_MIMETYPE, filename)


def _bad_period(message):
    return render_template("errors/error.html", status=400, title=_("Bad request"),
                           message=message), 400


def _period(args):
    """(first, last, error message): `from` and `to` (YYYY-MM-DD, JST, inclusive);
    by default the fiscal year to date."""
    today = local_today()
    first_default, _last = fiscal_year_dates(fiscal_year_of(today))
    first, last = first_default, today
    for name in ("from", "to"):
        raw = args.get(name, "").strip()
        if not raw:
            continue
        day = parse_day(raw)
        if day is None:
            return None, None, _(
                "%(name)s must be a date as YYYY-MM-DD between %(first)s and %(last)s.",
                name=name, first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat())
        if name == "from":
            first = day
        else:
            last = day
    if last < first:
        return None, None, _("The end of the period is before its start.")
    return first, last, None


def _attendance(extension):
    first, last, error = _period(request.args)
    if error is not None:
        return _bad_period(error)
    accesslog.record(current_user, ATTENDANCE_EXPORTED, "person",
                     spreadsheet.attendance_people(first, last), now=utcnow())
    # written in this transaction, after the access log entry: the same bookings
    table = spreadsheet.attendance_table(first, last)
    filename = spreadsheet.attendance_filename(first, last, extension)
    if extension == "xlsx":
        return spreadsheet.xlsx_response([table], filename)
    return spreadsheet.csv_response(table, filename)


@writes  # the access log
def attendance_csv():
    return _attendance("csv")


@writes  # the access log
def attendance_xlsx():
    return _attendance("xlsx")
