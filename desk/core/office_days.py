"""The city offices' calendar: the days they are open. Closed on Saturdays and Sundays,
on Japan's public holidays (国民の祝日 and 振替休日, from the `holidays` package, which
knows them by law and so needs updating when the law moves one) and on the days of
every year the city closes besides (the year-end closure, 年末年始: 12/29 to 01/03 by
default, DESK_PHONE_STAFF_CLOSED_DAYS as parsed by desk.config.parse_closed_days)."""

from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _public_holidays(year):
    return holidays.country_holidays("JP", years=year)


def is_public_holiday(day):
    return day in _public_holidays(day.year)


def in_closed_days(day, closed_days):
    """Whether `day` falls in one of the spans ((month, day), (month, day)) of every
    year; a span whose end comes before its start runs across the new year."""
    today = (day.month, day.day)
    for first, last in closed_days:
        if first <= last:
            if first <= today <= last:
                return True
        elif today >= first or today <= last:
            return True
    return False


def is_open_day(day, closed_days):
    """Whether the city offices are open on the local date `day`."""
    return (day.weekday() < 5 and not is_public_holiday(day)
            and not in_closed_days(day, closed_days))
