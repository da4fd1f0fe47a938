from datetime import UTC, date, datetime, time

import pytest

from desk.core import timeutil

JST = timeutil.local_tz()


def test_fiscal_year_boundary_is_judged_in_jst():
    late_march = datetime(2026, 3, 31, 23, 30, tzinfo=JST)
    early_april = datetime(2026, 4, 1, 0, 10, tzinfo=JST)
    assert timeutil.fiscal_year_of(late_march) == 2025
    assert timeutil.fiscal_year_of(early_april) == 2026
    # the same instants in UTC are both on 31 March, but April 1 00:10 JST is FY2026
    assert early_april.astimezone(UTC).date() == date(2026, 3, 31)
    assert timeutil.fiscal_year_of(early_april.astimezone(UTC)) == 2026


def test_fiscal_year_of_dates():
    assert timeutil.fiscal_year_of(date(2027, 3, 31)) == 2026
    assert timeutil.fiscal_year_of(date(2027, 4, 1)) == 2027
    assert timeutil.fiscal_year_of(date(2027, 1, 15)) == 2026


def test_fiscal_year_bounds_are_utc_instants_of_jst_midnights():
    start, end = timeutil.fiscal_year_bounds(2026)
    assert start == datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
    assert end == datetime(2027, 3, 31, 15, 0, tzinfo=UTC)
    assert timeutil.fiscal_year_dates(2026) == (date(2026, 4, 1), date(2027, 3, 31))


def test_reiwa_year():
    assert timeutil.reiwa_year(2019) == 1
    assert timeutil.reiwa_year(2026) == 8
    with pytest.raises(ValueError):
        timeutil.reiwa_year(2018)


def test_local_datetime_converts_jst_wall_time_to_utc():
    value = timeutil.local_datetime(date(2026, 12, 2), time(0, 30))
    assert value == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    assert timeutil.isoformat_local(value) == "2026-12-02T00:30:00+09:00"


def test_week_and_month_helpers():
    assert timeutil.week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert timeutil.add_months(date(2026, 11, 15), 2) == date(2027, 1, 1)
    assert timeutil.add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)


@pytest.mark.parametrize("raw, expected", [
    ("2026-12-03T10:00:00+09:00", datetime(2026, 12, 3, 1, tzinfo=UTC)),
    ("2026-12-03T01:00:00Z", datetime(2026, 12, 3, 1, tzinfo=UTC)),
    ("2026-12-03T03:00:00+02:00", datetime(2026, 12, 3, 1, tzinfo=UTC)),
    ("2026-12-03T10:00:00", None),
    ("tomorrow", None),
    (12, None),
])
def test_parse_iso_datetime_needs_an_offset(raw, expected):
    assert timeutil.parse_iso_datetime(raw) == expected


def test_to_local_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        timeutil.to_local(datetime(2026, 1, 1))


def test_same_local_day_is_the_day_in_japan():
    # 00:00 and 14:59 UTC are 09:00 and 23:59 the same day in Japan; 15:00 UTC is the
    # next day there
    assert timeutil.same_local_day(datetime(2026, 12, 1, 14, 59, tzinfo=UTC),
                                   datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    assert not timeutil.same_local_day(datetime(2026, 12, 1, 14, 59, tzinfo=UTC),
                                       datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
