"""Dates, times and digits written to be read out by a voice call's text-to-speech, in
the current locale (Japanese: "12月3日木曜日", "10時"; English: "Thursday, December 3",
"10 AM"; digits one by one)."""

from babel.dates import format_date, format_time
from flask_babel import get_locale, get_timezone

SPOKEN_DATE = {"ja": "M月d日EEEE", "en": "EEEE, MMMM d"}
SPOKEN_TIME = {"ja": ("H時", "H時m分"), "en": ("h a", "h:mm a")}


def locale_key():
    return "en" if str(get_locale()) == "en" else "ja"


def spoken_date(value):
    return format_date(value.astimezone(get_timezone()), SPOKEN_DATE[locale_key()],
                       locale=get_locale())


def spoken_time(value):
    local = value.astimezone(get_timezone())
    on_the_hour, with_minutes = SPOKEN_TIME[locale_key()]
    return format_time(local, on_the_hour if local.minute == 0 else with_minutes,
                       locale=get_locale())


def spoken_digits(value):
    """'0466-25-1111' -> '0 4 6 6, 2 5, 1 1 1 1': read digit by digit."""
    groups = [group for group in value.replace("‐", "-").split("-") if group]
    return ", ".join(" ".join(group) for group in groups)
