"""Report periods: a fiscal year (1 April to 31 March, 令和N年度 / FY20NN), a quarter
(Q1 = April to June), a month, or any custom range of local (JST) dates, and the
"to date" view that sets a period beside the same point of the previous year."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from desk.core.i18n import format_date_long, format_month
from desk.core.timeutil import add_months, fiscal_year_dates, reiwa_year

QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Period:
    """Local dates first..last inclusive, and how to call them."""

    first: date
    last: date
    label: str

    @property
    def days(self):
        return max((self.last - self.first).days + 1, 0)

    @property
    def is_empty(self):
        return self.last < self.first


def reiwa_label(fy):
    """令和N年度, with 元 for the first year (the official name, not translated)."""
    number = reiwa_year(fy)
    return f"令和{'元' if number == 1 else number}年度"


def fy_label(fy):
    return f"FY{fy}"


def fiscal_year_label(fy):
    return f"{reiwa_label(fy)} ({fy_label(fy)})"


def fiscal_year(fy):
    first, last = fiscal_year_dates(fy)
    return Period(first, last, fiscal_year_label(fy))


def quarter(fy, q):
    """Quarter q (1–4) of a fiscal year: Q1 April–June … Q4 January–March."""
    if q not in QUARTERS:
        raise ValueError("a quarter is 1, 2, 3 or 4")
    first = add_months(fiscal_year_dates(fy)[0], 3 * (q - 1))
    last = add_months(first, 3) - timedelta(days=1)
    return Period(first, last, _("%(fiscal_year)s Q%(quarter)d",
                                 fiscal_year=fiscal_year_label(fy), quarter=q))


def month(year, month_number):
    first = date(year, month_number, 1)
    last = add_months(first, 1) - timedelta(days=1)
    return Period(first, last, format_month(first))


def custom(first, last):
    if last < first:
        raise ValueError("a period ends on or after its first day")
    return Period(first, last, _("%(first)s to %(last)s", first=format_date_long(first),
                                 last=format_date_long(last)))


def year_before(day):
    """The same date one year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def to_date_same_point(period, today):
    """(the period up to `today`, the same span one year earlier).

    Today inside the period: first..today, and the dates one year before (a period to
    date of 29 February compares with 28 February). Today after the period: the whole
    period and the whole one before. Today before it: an empty period (last < first)
    and its empty counterpart."""
    last = min(period.last, today) if today >= period.first else period.first - timedelta(1)
    if last == period.last:
        current = period
    else:
        current = Period(period.first, last, _("%(period)s to %(date)s", period=period.label,
                                               date=format_date_long(last)))
    first_before = year_before(period.first)
    last_before = year_before(last) if not current.is_empty else first_before - timedelta(1)
    if current is period and _is_fiscal_year(period) and first_before.year >= 2019:
        previous = fiscal_year(first_before.year)
    elif current.is_empty:
        previous = Period(first_before, last_before, current.label)
    else:
        previous = Period(first_before, last_before, _("%(first)s to %(last)s",
                                                       first=format_date_long(first_before),
                                                       last=format_date_long(last_before)))
    return current, previous


def _is_fiscal_year(period):
    return (period.first.month, period.first.day) == (4, 1) and \
        period.last == fiscal_year_dates(period.first.year)[1]
