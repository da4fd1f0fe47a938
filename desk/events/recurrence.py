"""Recurring series: RFC 5545 RRULEs evaluated with python-dateutil.

A series stores its rule as an RRULE value without DTSTART, UNTIL or COUNT; the series'
own start and end dates bound it. Rules are evaluated on local (JST) dates.
"""

from datetime import datetime, time
from itertools import islice

from dateutil.rrule import rrulestr
from flask_babel import gettext as _

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
FORBIDDEN_PARTS = ("DTSTART", "UNTIL", "COUNT", "BYHOUR", "BYMINUTE", "BYSECOND")
ORDINALS = (1, 2, 3, 4, -1)
MAX_SPAN_DAYS = 3 * 366
MAX_INTERVAL = 1000
# RFC 5545 section 3.3.10: the value range of each BYxxx part (a value and its negative).
BY_RANGES = {"BYMONTHDAY": 31, "BYYEARDAY": 366, "BYWEEKNO": 53, "BYSETPOS": 366}
# The parts a frequency may use (BYYEARDAY not with DAILY, WEEKLY or MONTHLY; BYWEEKNO
# only with YEARLY; BYMONTHDAY not with WEEKLY).
PARTS_BY_FREQUENCY = {
    "DAILY": {"FREQ", "INTERVAL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS"},
    "WEEKLY": {"FREQ", "INTERVAL", "WKST", "BYDAY", "BYMONTH", "BYSETPOS"},
    "MONTHLY": {"FREQ", "INTERVAL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS"},
    "YEARLY": {"FREQ", "INTERVAL", "WKST", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
               "BYMONTH", "BYSETPOS"},
}
# The most days each month can have.
_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31,
               11: 30, 12: 31}


class RecurrenceError(ValueError):
    """The rule cannot be used; the message is translated. `field` names the form
    field the problem belongs to."""

    def __init__(self, message, field="rrule"):
        super().__init__(message)
        self.field = field


def _invalid(rule):
    return RecurrenceError(_("The repeat rule is not valid: %(rule)s", rule=rule))


def _parts(rule):
    parts = {}
    for chunk in rule.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        if not sep or not key or not value or key in parts:
            raise _invalid(rule)
        parts[key] = value
    return parts


def _signed_number(text):
    """An integer written as [+|-]digits (ASCII only), or None."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or len(digits) > 4 or not all("0" <= char <= "9" for char in digits):
        return None
    return -int(digits) if text.startswith("-") else int(digits)


def _numbers(value, limit):
    """The comma-separated values of a BYxxx part, each within ±1..limit, or None."""
    numbers = [_signed_number(item) for item in value.split(",")]
    if any(number is None or number == 0 or abs(number) > limit for number in numbers):
        return None
    return numbers


def _check_parts(rule, parts):
    """Every part known to RFC 5545, allowed for the frequency, with values in range."""
    frequency = parts["FREQ"]
    if set(parts) - PARTS_BY_FREQUENCY[frequency]:
        raise _invalid(rule)
    if "INTERVAL" in parts:
        interval = _signed_number(parts["INTERVAL"])
        if interval is None or not 1 <= interval <= MAX_INTERVAL \
                or parts["INTERVAL"][0] in "+-":
            raise _invalid(rule)
    if parts.get("WKST", "MO") not in WEEKDAY_CODES:
        raise _invalid(rule)
    for name, limit in BY_RANGES.items():
        if name in parts and _numbers(parts[name], limit) is None:
            raise _invalid(rule)
    if "BYMONTH" in parts:
        months = _numbers(parts["BYMONTH"], 12)
        if months is None or any(month < 0 for month in months):
            raise _invalid(rule)
    if "BYSETPOS" in parts and not set(parts) & {"BYDAY", "BYMONTHDAY", "BYYEARDAY",
                                                  "BYWEEKNO", "BYMONTH"}:
        raise _invalid(rule)
    if "BYDAY" in parts:
        # a week number in front of the day ("2TU") only for monthly and yearly rules,
        # within the weeks a month (5) or a year (53) has
        most = {"MONTHLY": 5, "YEARLY": 53}.get(frequency)
        if frequency == "YEARLY" and "BYWEEKNO" in parts:
            most = None
        for item in parts["BYDAY"].split(","):
            code, number = item[-2:], item[:-2]
            if code not in WEEKDAY_CODES:
                raise _invalid(rule)
            if number:
                ordinal = _signed_number(number)
                if most is None or ordinal is None or ordinal == 0 or abs(ordinal) > most:
                    raise _invalid(rule)


def normalise_rule(raw):
    """Check an RRULE value and return it in canonical form (upper case, no prefix)."""
    if not isinstance(raw, str) or not raw.strip():
        raise RecurrenceError(_("Enter a repeat rule."))
    rule = "".join(raw.split()).upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    if len(rule) > 500:
        raise RecurrenceError(_("The repeat rule is too long."))
    parts = _parts(rule)
    for name in FORBIDDEN_PARTS:
        if name in parts:
            raise RecurrenceError(_("Leave %(part)s out of the repeat rule: the series' dates "
                                    "and times set it.", part=name))
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(_("The repeat rule must repeat daily, weekly, monthly or "
                                "yearly (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)."))
    _check_parts(rule, parts)
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError):
        raise _invalid(rule) from None
    return rule


def _never_matches(parts):
    """True when the days of the month asked for exist in none of the months asked for
    (30 February, 31 April): dateutil would search such a rule up to the year 9999."""
    if "BYSETPOS" in parts:
        # at most this many candidates in one period: BYSETPOS=2 of a weekly rule on
        # Tuesdays never picks anything
        weekdays = {item[-2:] for item in parts.get("BYDAY", "").split(",") if item}
        most = {"DAILY": 1, "WEEKLY": max(len(weekdays), 1), "MONTHLY": 31,
                "YEARLY": 366}[parts["FREQ"]]
        if all(abs(position) > most for position in _numbers(parts["BYSETPOS"], 366)):
            return True
    if "BYMONTHDAY" not in parts or "BYMONTH" not in parts:
        return False
    longest = max(_MONTH_DAYS[month] for month in _numbers(parts["BYMONTH"], 12))
    return all(abs(day) > longest for day in _numbers(parts["BYMONTHDAY"], 31))


def build_rule(frequency, *, weekdays, ordinals=(), interval=1):
    """The RRULE for the form's patterns.

    weekly:  every `interval` weeks on the weekdays ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")
    monthly: the given weeks of each month ("FREQ=MONTHLY;BYDAY=2TU,4TU"; -1 = last)
    """
    days = [code for code in WEEKDAY_CODES if code in set(weekdays or ())]
    if not days:
        raise RecurrenceError(_("Choose at least one weekday."), field="weekdays")
    if frequency == "weekly":
        prefix = "FREQ=WEEKLY" + (f";INTERVAL={interval}" if interval and interval > 1 else "")
        return f"{prefix};BYDAY={','.join(days)}"
    if frequency == "monthly":
        chosen = [ordinal for ordinal in ORDINALS if ordinal in set(ordinals or ())]
        if not chosen:
            raise RecurrenceError(_("Choose at least one week of the month."), field="ordinals")
        return "FREQ=MONTHLY;BYDAY=" + ",".join(
            f"{ordinal}{code}" for ordinal in chosen for code in days)
    raise RecurrenceError(_("Choose weekly or monthly."), field="frequency")


def describe_rule(rule):
    """The form pattern for a rule `build_rule` could have made, or None (custom rule)."""
    try:
        parts = _parts(rule)
    except RecurrenceError:
        return None
    byday = parts.get("BYDAY", "")
    allowed = {"FREQ", "BYDAY", "INTERVAL"}
    if set(parts) - allowed or not byday or "FREQ" not in parts:
        return None
    items = byday.split(",")
    if parts["FREQ"] == "WEEKLY" and all(item in WEEKDAY_CODES for item in items):
        interval = parts.get("INTERVAL", "1")
        if not interval.isdigit():
            return None
        return {"frequency": "weekly", "weekdays": items, "ordinals": [],
                "interval": int(interval)}
    if parts["FREQ"] == "MONTHLY" and "INTERVAL" not in parts:
        pairs = []
        for item in items:
            code = item[-2:]
            number = item[:-2]
            try:
                ordinal = int(number)
            except ValueError:
                return None
            if code not in WEEKDAY_CODES or ordinal not in ORDINALS:
                return None
            pairs.append((ordinal, code))
        ordinals = sorted({ordinal for ordinal, _code in pairs}, key=ORDINALS.index)
        weekdays = sorted({code for _ordinal, code in pairs}, key=WEEKDAY_CODES.index)
        if {(o, c) for o in ordinals for c in weekdays} != set(pairs):
            return None
        return {"frequency": "monthly", "weekdays": weekdays, "ordinals": ordinals,
                "interval": 1}
    return None


def occurrences(rule, start_date, until_date, skip_dates=(), limit=400):
    """The local dates the rule gives from start_date to until_date, without skips.

    Raises RecurrenceError when the rule gives no date or more than `limit`.
    """
    if until_date < start_date:
        raise RecurrenceError(_("The last date must not be before the first date."),
                              field="until_date")
    if (until_date - start_date).days > MAX_SPAN_DAYS:
        raise RecurrenceError(_("A series can run for at most three years."),
                              field="until_date")
    rule = normalise_rule(rule)
    if _never_matches(_parts(rule)):
        raise RecurrenceError(_("This repeat rule gives no date between the first and the "
                                "last date."))
    recurrence = rrulestr(rule, dtstart=datetime.combine(start_date, time()))
    recurrence = recurrence.replace(until=datetime.combine(until_date, time(23, 59, 59)))
    skipped = set(skip_dates)
    dates = []
    for moment in islice(recurrence, limit + len(skipped) + 1):
        day = moment.date()
        if day not in skipped and (not dates or dates[-1] != day):
            dates.append(day)
    if not dates:
        raise RecurrenceError(_("This repeat rule gives no date between the first and the "
                                "last date."))
    if len(dates) > limit:
        raise RecurrenceError(_("This repeat rule gives more than %(limit)d dates. Shorten "
                                "the period or repeat less often.", limit=limit))
    return dates

