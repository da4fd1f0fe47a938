"""Report periods: fiscal years (令和N年度 / FY20NN), quarters, months, custom ranges, and
the same point of the previous year."""

from datetime import date

import pytest
from flask_babel import force_locale

from desk.reports import periods
from desk.reports.periods import Period, to_date_same_point


def test_fiscal_year_runs_from_april_to_march_with_both_names(ctx):
    fy = periods.fiscal_year(2026)
    assert (fy.first, fy.last) == (date(2026, 4, 1), date(2027, 3, 31))
    assert fy.label == "令和8年度 (FY2026)"  # 2026 - 2019 + 1 = 8
    assert periods.fiscal_year(2025).label == "令和7年度 (FY2025)"
    assert periods.fiscal_year(2019).label == "令和元年度 (FY2019)"  # the first year: 元
    assert periods.fiscal_year(2027).days == 366  # 2028 has 29 February
    with pytest.raises(ValueError):
        periods.fiscal_year(2018)  # before 令和


@pytest.mark.parametrize(("q", "first", "last"), [
    (1, date(2026, 4, 1), date(2026, 6, 30)),
    (2, date(2026, 7, 1), date(2026, 9, 30)),
    (3, date(2026, 10, 1), date(2026, 12, 31)),
    (4, date(2027, 1, 1), date(2027, 3, 31)),
])
def test_quarters_start_in_april(ctx, q, first, last):
    period = periods.quarter(2026, q)
    assert (period.first, period.last) == (first, last)
    assert period.label == f"令和8年度 (FY2026) 第{q}四半期"
    with force_locale("en"):
        assert f"Q{q}" in periods.quarter(2026, q).label


def test_quarter_must_exist(ctx):
    with pytest.raises(ValueError):
        periods.quarter(2026, 5)


def test_months_and_custom_periods(ctx):
    feb = periods.month(2028, 2)
    assert (feb.first, feb.last) == (date(2028, 2, 1), date(2028, 2, 29))
    assert feb.label == "2028年2月"
    assert periods.month(2026, 12).last == date(2026, 12, 31)
    custom = periods.custom(date(2026, 5, 3), date(2026, 5, 5))
    assert custom.days == 3
    assert "2026年5月3日" in custom.label and "2026年5月5日" in custom.label
    with pytest.raises(ValueError):
        periods.custom(date(2026, 5, 5), date(2026, 5, 3))


def test_fiscal_year_to_date_and_the_same_point_of_the_year_before(ctx):
    current, previous = to_date_same_point(periods.fiscal_year(2026), date(2026, 11, 23))
    assert (current.first, current.last) == (date(2026, 4, 1), date(2026, 11, 23))
    assert (previous.first, previous.last) == (date(2025, 4, 1), date(2025, 11, 23))
    assert "令和8年度" in current.label


def test_same_point_of_29_february(ctx):
    # FY2027 to date on 2028-02-29 compares with FY2026 up to 2027-02-28
    current, previous = to_date_same_point(periods.fiscal_year(2027), date(2028, 2, 29))
    assert current.last == date(2028, 2, 29)
    assert (previous.first, previous.last) == (date(2026, 4, 1), date(2027, 2, 28))
    # and a February month to date
    current, previous = to_date_same_point(periods.month(2028, 2), date(2028, 2, 29))
    assert current == periods.month(2028, 2)  # the whole month has passed
    assert (previous.first, previous.last) == (date(2027, 2, 1), date(2027, 2, 28))


def test_a_period_already_over_compares_whole_with_whole(ctx):
    current, previous = to_date_same_point(periods.fiscal_year(2025), date(2026, 11, 23))
    assert current == periods.fiscal_year(2025)
    assert previous == periods.fiscal_year(2024)


def test_a_period_not_yet_begun_is_empty(ctx):
    current, previous = to_date_same_point(periods.fiscal_year(2027), date(2026, 11, 23))
    assert current.is_empty and current.days == 0
    assert previous.is_empty and previous.first == date(2026, 4, 1)


def test_period_is_a_plain_value():
    period = Period(date(2026, 4, 1), date(2026, 4, 30), "April")
    assert period.days == 30 and not period.is_empty
