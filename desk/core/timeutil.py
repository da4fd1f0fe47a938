"""Time helpers: UTC in the database, Asia/Tokyo for people, fiscal years from 1 April.

Services take `now` as an argument; `utcnow()` is only called at the edges (views,
CLI, tasks) so that tests never patch the clock.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Tokyo"
FISCAL_YEAR_START_MONTH = 4
REIWA_FIRST_YEAR = 2019


def local_tz():
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("DESK_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def utcnow():
    return datetime.now(UTC)


def to_local(dt):
    """An aware datetime shown in the desk's time zone (JST)."""
    if dt.tzinfo is None:
        raise ValueError("to_local needs an aware datetime")
    return dt.astimezone(local_tz())


def same_local_day(first, second):
    """Whether two moments fall on the same day in Japan time."""
    return to_local(first).date() == to_local(second).date()


def local_today(now=None):
    return to_local(now or utcnow()).date()


def local_datetime(day, at):
    """Join a local (JST) date and wall-clock time into an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_tz()).astimezone(UTC)


def local_day_bounds(first, last=None):
    """UTC [start, end) covering the local dates first..last inclusive."""
    last = last or first
    return local_datetime(first, time(0)), local_datetime(last + timedelta(days=1), time(0))


def week_start(day):
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    return date(year, month_index % 12 + 1, 1)


def fiscal_year_of(value):
    """The fiscal year (named by the calendar year it starts in) of a date or datetime.

    A datetime is judged by its JST date: 2026-03-31 23:30 JST is FY2025,
    2026-04-01 00:10 JST is FY2026.
    """
    day = to_local(value).date() if isinstance(value, datetime) else value
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_dates(fiscal_year):
    """First and last local date of a fiscal year."""
    return date(fiscal_year, FISCAL_YEAR_START_MONTH, 1), date(fiscal_year + 1, 3, 31)


def fiscal_year_bounds(fiscal_year):
    """UTC [start, end) of a fiscal year."""
    first, last = fiscal_year_dates(fiscal_year)
    return local_day_bounds(first, last)


def reiwa_year(fiscal_year):
    """令和 year number of a fiscal year (FY2019 = 令和元年度 = 1)."""
    if fiscal_year < REIWA_FIRST_YEAR:
        raise ValueError("fiscal years before 令和 are not supported")
    return fiscal_year - REIWA_FIRST_YEAR + 1


def parse_iso_datetime(raw):
    """Parse an ISO 8601 datetime with an offset; `Z` accepted. Returns aware UTC or None."""
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        if value.tzinfo is None or value.utcoffset() is None:
            return None
        return value.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+09:00 in UTC
        return None


def parse_iso_date(raw):
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def isoformat_local(dt):
    """ISO 8601 with the +09:00 offset, seconds precision (the API's time format)."""
    return to_local(dt).isoformat(timespec="seconds")
