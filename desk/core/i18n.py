"""Locale selection and the Jinja helpers that format dates, times and numbers.

The locale comes from the visible switch (a cookie), else the browser's
Accept-Language, else DESK_DEFAULT_LOCALE (ja). Times are always shown in the desk's
time zone (Asia/Tokyo).
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import flask_babel
from babel import Locale
from babel.dates import format_skeleton
from flask import current_app, request
from flask_babel import format_decimal, get_locale, get_timezone
from flask_babel import gettext as _

from desk.config import DEFAULT_MUNICIPALITY_NAME, DEFAULT_MUNICIPALITY_NAME_EN
from desk.extensions import babel

LOCALES = ("ja", "en")
LOCALE_COOKIE = "desk_locale"
LOCALE_NAMES = {"ja": "日本語", "en": "English"}


def select_locale():
    """The request's locale (Flask-Babel's selector), parsed once per code: Babel would
    parse the code again for every request."""
    from flask import has_request_context

    if not has_request_context():
        return _parsed_locale(current_app.config["DESK_DEFAULT_LOCALE"])
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return _parsed_locale(chosen)
    return _parsed_locale(request.accept_languages.best_match(LOCALES)
                          or current_app.config["DESK_DEFAULT_LOCALE"])


def in_reader_language(japanese, english):
    """A name or text the city keeps in Japanese and, optionally, in English (a venue,
    a district, a program): the English one for an English reader where it was given,
    else the Japanese one. The reader is the current locale: the page's, or the
    recipient's inside `force_locale` when a message or a calendar file is written."""
    locale = get_locale()
    if english and locale is not None and locale.language == "en":
        return english
    return japanese


def city_name():
    """The city's name in the reader's language (DESK_MUNICIPALITY_NAME, or
    DESK_MUNICIPALITY_NAME_EN for an English reader where it is set; the demo city's own
    English name while the name is the demo's)."""
    config = current_app.config
    name = config["DESK_MUNICIPALITY_NAME"]
    english = config["DESK_MUNICIPALITY_NAME_EN"] or (
        DEFAULT_MUNICIPALITY_NAME_EN if name == DEFAULT_MUNICIPALITY_NAME else "")
    return in_reader_language(name, english)


@contextmanager
def force_locale(locale):
    """`flask_babel.force_locale`, each locale code parsed once: Babel would parse the
    string again each time, and every message, call and calendar file written in its
    recipient's language comes through here (the dispatcher: once per message)."""
    with flask_babel.force_locale(_parsed_locale(locale)):
        yield


@lru_cache(maxsize=64)
def _parsed_locale(locale):
    return Locale.parse(locale)


def format_local(value, skeleton):
    """Format a date or aware datetime with a CLDR skeleton in the user's locale and
    the desk's time zone ("yMMMEd" -> 2026年11月24日(火) / Tue, Nov 24, 2026)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _formatted(skeleton, type(value), value, get_timezone(), get_locale())
    if isinstance(value, date):
        return _formatted(skeleton, type(value), value, None, get_locale())
    raise TypeError(f"cannot format {type(value).__name__} as a date")


@lru_cache(maxsize=4096)
def _formatted(skeleton, _kind, value, timezone, locale):
    """CLDR formatting is slow and its result depends only on these: the messages of a
    batch (a session's date and time, for everyone booked) and the rows of a page
    format the same few moments over and over. `_kind` keeps a date and a datetime of
    the same day apart."""
    if timezone is None:
        return format_skeleton(skeleton, value, locale=locale)
    return format_skeleton(skeleton, value, tzinfo=timezone, locale=locale)


def format_date_long(value):
    return format_local(value, "yMMMEd")


def format_date_short(value):
    return format_local(value, "MMMEd")


def format_time(value):
    return format_local(value, "Hm")


def format_datetime_long(value):
    if value is None:
        return ""
    return f"{format_date_long(value)} {format_time(value)}"


def format_time_range(start, end):
    return f"{format_time(start)}–{format_time(end)}"


def format_weekday(value):
    return format_local(value, "EEEE")


def format_month(value):
    return format_local(value, "yMMMM")


def format_duration(value):
    """A length of time as people say it, to the nearest minute: 2時間31分 / 2 h 31 min
    (never 2.52 hours). `value` is a timedelta, or hours as a number (a figure of the
    reports); "–" for None. Every page that shows hours uses this (the `duration`
    filter); CSV downloads keep decimal hours, which a spreadsheet can add up."""
    if value is None:
        return "–"
    hours = Decimal(value.total_seconds()) / 3600 if isinstance(value, timedelta) \
        else Decimal(str(value))
    sign = "-" if hours < 0 else ""
    total = int((abs(hours) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    whole, minutes = divmod(total, 60)
    if whole and minutes:
        text = _("%(hours)s h %(minutes)s min", hours=format_decimal(whole), minutes=minutes)
    elif whole or not minutes:
        text = _("%(hours)s h", hours=format_decimal(whole))
    else:
        text = _("%(minutes)s min", minutes=minutes)
    return sign + text


def init_i18n(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters.update(
        date_long=format_date_long,
        date_short=format_date_short,
        time=format_time,
        datetime_long=format_datetime_long,
        month=format_month,
        weekday=format_weekday,
        number=format_decimal,
        duration=format_duration,
    )
    app.jinja_env.globals.update(
        time_range=format_time_range,
        current_locale=lambda: str(get_locale()),
        locale_names=LOCALE_NAMES,
    )
