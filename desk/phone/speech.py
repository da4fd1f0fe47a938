"""What the phone line says besides dates, times and digits (desk.notify.spoken says
those, for the phone line and the reminder calls alike): the staff desk's hours, a key,
and the names of classes, venues and areas as a voice reads them.
"""

from datetime import date

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from desk.notify.spoken import spoken_clock


def _english():
    return str(get_locale()) == "en"


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
