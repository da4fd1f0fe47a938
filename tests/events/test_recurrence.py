"""Recurrence rules (RFC 5545 RRULEs through python-dateutil), checked against dates
computed independently with the standard library's calendar module."""

import calendar
from datetime import date, timedelta

import pytest

from desk.events import recurrence
from desk.events.recurrence import RecurrenceError

FY2026 = (date(2026, 4, 1), date(2027, 3, 31))


def _months(first, last):
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def nth_weekdays(first, last, weekday, ordinals):
    """The given weeks' `weekday` of every month in first..last (-1 = the last one)."""
    days = []
    for year, month in _months(first, last):
        weeks = calendar.monthcalendar(year, month)
        in_month = [week[weekday] for week in weeks if week[weekday]]
        for ordinal in ordinals:
            index = ordinal - 1 if ordinal > 0 else ordinal
            if -len(in_month) <= index < len(in_month):
                days.append(date(year, month, in_month[index]))
    return sorted(day for day in days if first <= day <= last)


def test_nth_weekdays_helper_knows_a_known_month():
    # November 2026 starts on a Sunday: its Tuesdays are the 3rd, 10th, 17th and 24th
    assert nth_weekdays(date(2026, 11, 1), date(2026, 11, 30), calendar.TUESDAY, [2, 4]) == [
        date(2026, 11, 10), date(2026, 11, 24)]


def test_occurrences_second_and_fourth_tuesday_over_fiscal_year_2026(ctx):
    expected = nth_weekdays(*FY2026, calendar.TUESDAY, [2, 4])
    dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=2TU,4TU", *FY2026)
    assert dates == expected
    assert len(dates) == 24
    assert dates[0] == date(2026, 4, 14) and dates[-1] == date(2027, 3, 23)
    assert all(day.weekday() == calendar.TUESDAY for day in dates)
    assert all(8 <= day.day <= 14 or 22 <= day.day <= 28 for day in dates)


def test_occurrences_skip_dates_are_left_out(ctx):
    all_dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=2TU,4TU", *FY2026)
    skipped = [date(2026, 12, 22), date(2027, 1, 12), date(2026, 12, 23)]  # the 23rd: no class
    dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=2TU,4TU", *FY2026, skip_dates=skipped)
    assert dates == [day for day in all_dates if day not in skipped]
    assert len(dates) == 22


def test_occurrences_weekly_every_other_week(ctx):
    first, last = date(2026, 4, 1), date(2026, 6, 30)  # 2026-04-01 is a Wednesday
    dates = recurrence.occurrences("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", first, last)
    # the weeks counted from the first date's week (Monday 2026-03-30), every other one
    expected = []
    monday = date(2026, 3, 30)
    while monday <= last:
        for offset in (0, 3):
            day = monday + timedelta(days=offset)
            if first <= day <= last:
                expected.append(day)
        monday += timedelta(weeks=2)
    assert dates == expected
    assert dates[:3] == [date(2026, 4, 2), date(2026, 4, 13), date(2026, 4, 16)]


def test_occurrences_last_friday_of_the_month(ctx):
    dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=-1FR", *FY2026)
    assert dates == nth_weekdays(*FY2026, calendar.FRIDAY, [-1])
    assert len(dates) == 12
    assert date(2027, 1, 29) in dates and date(2026, 7, 31) in dates


def test_occurrences_fifth_week_exists_only_in_some_months(ctx):
    dates = recurrence.occurrences("FREQ=MONTHLY;BYDAY=5TU", *FY2026)
    assert dates == nth_weekdays(*FY2026, calendar.TUESDAY, [5])
    assert 0 < len(dates) < 12


def test_occurrences_include_both_ends(ctx):
    dates = recurrence.occurrences("FREQ=WEEKLY;BYDAY=TU", date(2026, 4, 7), date(2026, 4, 21))
    assert dates == [date(2026, 4, 7), date(2026, 4, 14), date(2026, 4, 21)]


def test_occurrences_refuse_a_rule_that_gives_no_date(ctx):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.occurrences("FREQ=WEEKLY;BYDAY=TU", date(2026, 4, 1), date(2026, 4, 6))
    assert str(caught.value)


def test_occurrences_refuse_when_every_date_is_skipped(ctx):
    with pytest.raises(RecurrenceError):
        recurrence.occurrences("FREQ=WEEKLY;BYDAY=TU", date(2026, 4, 1), date(2026, 4, 10),
                               skip_dates=[date(2026, 4, 7)])


@pytest.mark.parametrize("rule", [
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # dateutil alone would search up to the year 9999
    "FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31,-31",
    "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=2",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # no 29 February in FY2026
])
def test_occurrences_refuse_a_rule_that_never_matches(ctx, rule):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.occurrences(rule, *FY2026)
    assert str(caught.value)


def test_occurrences_find_a_leap_day(ctx):
    assert recurrence.occurrences("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2027, 4, 1),
                                  date(2028, 3, 31)) == [date(2028, 2, 29)]
    assert recurrence.occurrences("FREQ=MONTHLY;BYMONTH=2,4;BYMONTHDAY=30", date(2027, 1, 1),
                                  date(2027, 12, 31)) == [date(2027, 4, 30)]


def test_occurrences_refuse_more_than_400_dates(ctx):
    first = date(2026, 4, 1)
    assert len(recurrence.occurrences("FREQ=DAILY", first, first + timedelta(days=399))) == 400
    with pytest.raises(RecurrenceError) as caught:
        recurrence.occurrences("FREQ=DAILY", first, first + timedelta(days=400))
    assert "400" in str(caught.value)


def test_occurrences_skips_do_not_let_a_long_rule_through(ctx):
    first = date(2026, 4, 1)
    skips = [first + timedelta(days=offset) for offset in range(5)]
    # 405 dates, 5 skipped: 400 remain, which is allowed
    dates = recurrence.occurrences("FREQ=DAILY", first, first + timedelta(days=404), skips)
    assert len(dates) == 400 and dates[0] == first + timedelta(days=5)


def test_occurrences_refuse_a_last_date_before_the_first(ctx):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.occurrences("FREQ=WEEKLY;BYDAY=TU", date(2026, 5, 1), date(2026, 4, 1))
    assert caught.value.field == "until_date"


def test_occurrences_refuse_a_period_over_three_years(ctx):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.occurrences("FREQ=YEARLY", date(2026, 4, 1), date(2030, 4, 1))
    assert caught.value.field == "until_date"


@pytest.mark.parametrize("rule, part", [
    ("FREQ=HOURLY", None),
    ("FREQ=MINUTELY;INTERVAL=30", None),
    ("FREQ=WEEKLY;BYDAY=TU;COUNT=10", "COUNT"),
    ("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T000000Z", "UNTIL"),
    ("FREQ=DAILY;BYHOUR=10", "BYHOUR"),
    ("FREQ=DAILY;BYMINUTE=30", "BYMINUTE"),
    ("DTSTART=20260401;FREQ=DAILY", "DTSTART"),
])
def test_normalise_rule_refuses_what_the_series_sets_itself(ctx, rule, part):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.normalise_rule(rule)
    message = str(caught.value)
    assert message
    if part:
        assert part in message


@pytest.mark.parametrize("rule", [
    "", "   ", None, 42, "garbage", "FREQ=", "FREQ=WEEKLY;;BYDAY", "BYDAY=TU",
    "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=TU;BYDAY=TH", "FREQ=WEEKLY;X-FOO=1",
    "FREQ=WEEKLY;WKST=QQ", "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;INTERVAL=abc", "FREQ=MONTHLY;BYDAY=0TU", "FREQ=MONTHLY;BYDAY=9TU",
    "FREQ=MONTHLY;BYDAY=-6TU", "FREQ=YEARLY;BYDAY=54MO", "FREQ=MONTHLY;BYMONTHDAY=0",
    "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=DAILY;BYMONTH=13", "FREQ=DAILY;BYMONTH=0",
    "FREQ=DAILY;BYYEARDAY=400", "FREQ=YEARLY;BYWEEKNO=54", "FREQ=MONTHLY;BYSETPOS=0;BYDAY=TU",
    "FREQ=DAILY;BYEASTER=0", "FREQ=WEEKLY;BYDAY=TU\x00", "FREQ=WEEKLY;BYDAY=ＴＵ",
    "FREQ=WEEKLY;BYDAY=TU" + ",TU" * 200, "FREQ=WEEKLY;BYDAY=2TU", "FREQ=DAILY;BYDAY=-1FR",
    "FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", "FREQ=DAILY;BYWEEKNO=1", "FREQ=WEEKLY;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYYEARDAY=1", "FREQ=DAILY;BYSETPOS=1", "FREQ=DAILY;INTERVAL=+2",
    "FREQ=DAILY;INTERVAL=²", "FREQ=DAILY;INTERVAL=1001", "FREQ=MONTHLY;BYMONTHDAY=1,,2",
    "FREQ=MONTHLY;BYMONTH=-1", "FREQ=MONTHLY;BYMONTHDAY=٣",
])
def test_normalise_rule_refuses_bad_rules_with_a_message(ctx, rule):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.normalise_rule(rule)
    assert str(caught.value)


@pytest.mark.parametrize("raw, expected", [
    ("FREQ=MONTHLY;BYDAY=2TU,4TU", "FREQ=MONTHLY;BYDAY=2TU,4TU"),
    ("rrule:freq=weekly; byday=tu", "FREQ=WEEKLY;BYDAY=TU"),
    ("FREQ=MONTHLY;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=+2TU"),
    ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=1", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=1"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU"),
    ("FREQ=YEARLY;BYWEEKNO=20,-1;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=20,-1;BYDAY=MO"),
    ("FREQ=YEARLY;BYDAY=-53SU;BYYEARDAY=-366", "FREQ=YEARLY;BYDAY=-53SU;BYYEARDAY=-366"),
    ("FREQ=DAILY;INTERVAL=1000", "FREQ=DAILY;INTERVAL=1000"),
])
def test_normalise_rule_accepts_rfc5545_rules(ctx, raw, expected):
    assert recurrence.normalise_rule(raw) == expected


@pytest.mark.parametrize("frequency, weekdays, ordinals, interval, rule", [
    ("weekly", ["TU"], [], 1, "FREQ=WEEKLY;BYDAY=TU"),
    ("weekly", ["TH", "MO"], [], 2, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"),
    ("monthly", ["TU"], [4, 2], 1, "FREQ=MONTHLY;BYDAY=2TU,4TU"),
    ("monthly", ["FR"], [-1], 1, "FREQ=MONTHLY;BYDAY=-1FR"),
    ("monthly", ["WE", "MO"], [1, 3], 1, "FREQ=MONTHLY;BYDAY=1MO,1WE,3MO,3WE"),
])
def test_build_rule_and_describe_rule_round_trip(ctx, frequency, weekdays, ordinals,
                                                 interval, rule):
    built = recurrence.build_rule(frequency, weekdays=weekdays, ordinals=ordinals,
                                  interval=interval)
    assert built == rule
    assert recurrence.normalise_rule(built) == built
    pattern = recurrence.describe_rule(built)
    assert pattern["frequency"] == frequency
    assert set(pattern["weekdays"]) == set(weekdays)
    assert set(pattern["ordinals"]) == set(ordinals)
    assert pattern["interval"] == interval
    assert recurrence.build_rule(pattern["frequency"], weekdays=pattern["weekdays"],
                                 ordinals=pattern["ordinals"],
                                 interval=pattern["interval"]) == built


@pytest.mark.parametrize("rule", [
    "FREQ=MONTHLY;BYMONTHDAY=1",
    "FREQ=MONTHLY;BYDAY=2TU,4TH",  # not every week crossed with every weekday
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
    "FREQ=WEEKLY;BYDAY=2TU",
    "FREQ=WEEKLY;BYDAY=TU;WKST=SU",
    "FREQ=DAILY",
    "FREQ=WEEKLY",
    "BYDAY=TU",
    "garbage",
])
def test_describe_rule_leaves_other_rules_custom(ctx, rule):
    assert recurrence.describe_rule(rule) is None


@pytest.mark.parametrize("frequency, weekdays, ordinals, field", [
    ("weekly", [], [], "weekdays"),
    ("monthly", ["TU"], [], "ordinals"),
    ("monthly", ["XX"], [2], "weekdays"),
    ("yearly", ["TU"], [2], "frequency"),
])
def test_build_rule_refuses_an_incomplete_pattern(ctx, frequency, weekdays, ordinals, field):
    with pytest.raises(RecurrenceError) as caught:
        recurrence.build_rule(frequency, weekdays=weekdays, ordinals=ordinals)
    assert caught.value.field == field
    assert str(caught.value)
