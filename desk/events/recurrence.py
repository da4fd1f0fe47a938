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


class RecurrenceError(ValueError):
    """The rule cannot be used; the message is translated. `field` names the form
    field the problem belongs to."""

    def __init__(self, message, field="rrule"):
        super().__init__(message)
        self.field = field


def _parts(rule):
    parts = {}
    for chunk in rule.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        if not sep or not key or not value or key in parts:
            raise RecurrenceError(_("The repeat rule is not valid: %(rule)s", rule=rule))
        parts[key] = value
    return parts


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
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError):
        raise RecurrenceError(_("The repeat rule is not valid: %(rule)s", rule=rule)) from None
    return rule


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
    if set(parts) - allowed or not byday:
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
        raise RecurrenceError(_("The last date must not be before the first date."))
    if (until_date - start_date).days > MAX_SPAN_DAYS:
        raise RecurrenceError(_("A series can run for at most three years."))
    recurrence = rrulestr(normalise_rule(rule), dtstart=datetime.combine(start_date, time()))
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

