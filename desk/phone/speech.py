"""What the phone line says besides dates, times and digits (desk.notify.spoken says
those, for the phone line and the reminder calls alike): the staff desk's hours, a key,
and the names of classes, venues and areas as a voice reads them.
"""

from flask_babel import get_locale
from flask_babel import gettext as _

from desk.notify.spoken import spoken_clock


def _english():
    return str(get_locale()) == "en"


def spoken_hours(start, end):
    """The staff desk's hours on weekdays."""
    return _("Monday to Friday, from %(start)s to %(end)s",
             start=spoken_clock(start), end=spoken_clock(end))


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
