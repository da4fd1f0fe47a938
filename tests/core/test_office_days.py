"""The city offices' open days: weekdays, not Japan's public holidays (from the
`holidays` package), not the closed days of every year (the year-end closure)."""

from datetime import date

import pytest

from desk.config import DEFAULT_CLOSED_DAYS, parse_closed_days
from desk.core.office_days import in_closed_days, is_open_day, is_public_holiday

YEAR_END = parse_closed_days(DEFAULT_CLOSED_DAYS)


@pytest.mark.parametrize(("day", "is_open"), [
    (date(2026, 12, 7), True),  # a Monday
    (date(2026, 12, 5), False),  # a Saturday
    (date(2026, 11, 3), False),  # 文化の日, a Tuesday
    (date(2026, 11, 23), False),  # 勤労感謝の日, a Monday
    (date(2027, 1, 11), False),  # 成人の日, the second Monday of January
    (date(2027, 5, 6), True),  # the Thursday after Golden Week
    (date(2027, 3, 22), False),  # 振替休日 for 春分の日 on a Sunday
    (date(2026, 12, 28), True),  # the last day before the year-end closure
    (date(2026, 12, 29), False),
    (date(2026, 12, 31), False),
    (date(2027, 1, 1), False),
    (date(2027, 1, 4), True),  # the first day after it
])
def test_open_days(day, is_open):
    assert is_open_day(day, YEAR_END) is is_open


def test_a_holiday_is_a_public_holiday_whatever_the_closed_days():
    assert is_public_holiday(date(2026, 11, 3))
    assert not is_public_holiday(date(2026, 11, 4))
    assert not is_open_day(date(2026, 11, 3), ())


def test_closed_days_within_one_year_and_across_the_new_year():
    summer = parse_closed_days("08/13-08/15")
    assert in_closed_days(date(2026, 8, 14), summer)
    assert not in_closed_days(date(2026, 8, 16), summer)
    assert in_closed_days(date(2027, 1, 3), YEAR_END)
    assert not in_closed_days(date(2026, 12, 28), YEAR_END)
    assert not in_closed_days(date(2026, 12, 29), ())
