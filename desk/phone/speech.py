"""Dates, times, hours and codes as the phone line says them, in the call's language.

Japanese is written the way people say it, never as ISO dates or English words:
"12月15日 火曜日 午前10時", "午後2時30分", "正午"; English: "Tuesday, December 15,
at 10 AM". A booking code is read digit by digit in two groups of four.
"""

from datetime import date

from babel.dates import format_date, format_time
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

WEEKDAYS_JA = "月火水木金土日"


def _english():
    return str(get_locale()) == "en"


def spoken_clock(value):
    """A time of day (a datetime.time): 午前10時, 午後2時30分, 正午; 10 AM, 2:30 PM."""
    if _english():
        return format_time(value, "h a" if value.minute == 0 else "h:mm a", locale="en")
    if value.hour == 12 and value.minute == 0:
        return "正午"
    half = "午前" if value.hour < 12 else "午後"
    minutes = f"{value.minute}分" if value.minute else ""
    return f"{half}{value.hour % 12}時{minutes}"


def spoken_day(value):
    """A local date: 12月15日 火曜日; Tuesday, December 15."""
    if _english():
        return format_date(value, "EEEE, MMMM d", locale="en")
    return f"{value.month}月{value.day}日 {WEEKDAYS_JA[value.weekday()]}曜日"


def spoken_when(instant):
    """A UTC datetime in Japan time: 12月15日 火曜日 午前10時."""
    local = instant.astimezone(get_timezone())
    return _("%(day)s, at %(time)s", day=spoken_day(local.date()),
             time=spoken_clock(local.time()))


def spoken_month_day(month, day):
    """A day of every year: 12月29日; December 29."""
    if _english():
        return format_date(date(2000, month, day), "MMMM d", locale="en")
    return f"{month}月{day}日"


def _spoken_span(first, last):
    if first == last:
        return spoken_month_day(*first)
    return _("%(first)s through %(last)s", first=spoken_month_day(*first),
             last=spoken_month_day(*last))


def spoken_hours(start, end, closed_days=()):
    """The staff desk's hours: weekdays, except public holidays and the closed days of
    every year (spans of ((month, day), (month, day)))."""
    clock = {"start": spoken_clock(start), "end": spoken_clock(end)}
    if not closed_days:
        return _("Monday to Friday except public holidays, from %(start)s to %(end)s",
                 **clock)
    separator = ", " if _english() else "、"
    return _("Monday to Friday except public holidays and %(closed)s, "
             "from %(start)s to %(end)s",
             closed=separator.join(_spoken_span(first, last) for first, last in closed_days),
             **clock)


def _in_groups(groups):
    separator = ", " if _english() else "、"
    end = ". " if _english() else "。 "
    return end.join(separator.join(group) for group in groups if group)


def spoken_code(code):
    """'12345678' -> '1、2、3、4。 5、6、7、8': two groups of four, digit by digit."""
    return _in_groups([code[:4], code[4:]] if len(code) == 8 else [code])


def spoken_number(national):
    """'0466-25-1234' -> '0、4、6、6。 2、5。 1、2、3、4': a phone number in its groups."""
    return _in_groups(national.split("-"))


def spoken_key(key):
    """A key as said: "7番", シャープ, 米じるし (a voice reads "#" and "*" as nothing)."""
    if key == "*":
        return _("star")
    if key == "#":
        return _("hash")
    return _("number %(digit)s", digit=key)


def class_title(session):
    """A class's title as said: the program's reading in Japanese (a title written with
    Latin letters, "LINE", would be read out in English), the title in English."""
    if _english() or session.program is None:
        return session.display_title
    return session.program.title_kana


def venue_name(venue):
    return venue.display_name if _english() else venue.name_kana


def district_name(district):
    return district.display_name if _english() else district.name_kana
