"""desk.core.i18n: the one place that chooses between a name kept in Japanese and its
optional English counterpart (in_reader_language), and the one way pages say a length of
time (format_duration): hours and minutes, never decimal hours."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from desk.core.i18n import city_name, format_duration, in_reader_language


@pytest.mark.parametrize("locale, japanese, english, shown", [
    ("en", "鵠沼", "Kugenuma", "Kugenuma"),
    ("ja", "鵠沼", "Kugenuma", "鵠沼"),
    ("en", "鵠沼", None, "鵠沼"),
    ("en", "鵠沼", "", "鵠沼"),
    ("ja", None, "Lift", None),
])
def test_in_reader_language(app, locale, japanese, english, shown):
    with app.test_request_context(), force_locale(locale):
        assert in_reader_language(japanese, english) == shown


def test_in_reader_language_follows_the_page(app):
    with app.test_request_context(headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert in_reader_language("鵠沼", "Kugenuma") == "Kugenuma"
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert in_reader_language("鵠沼", "Kugenuma") == "鵠沼"


@pytest.mark.parametrize(("value", "ja", "en"), [
    (2.52, "2時間31分", "2 h 31 min"),
    (timedelta(hours=2, minutes=31, seconds=12), "2時間31分", "2 h 31 min"),
    (timedelta(hours=3), "3時間", "3 h"),
    (timedelta(minutes=45), "45分", "45 min"),
    (timedelta(seconds=29), "0時間", "0 h"),
    (timedelta(minutes=59, seconds=30), "1時間", "1 h"),  # to the nearest minute, half up
    (1234.5, "1,234時間30分", "1,234 h 30 min"),
    (-3.5, "-3時間30分", "-3 h 30 min"),
    (None, "–", "–"),
])
def test_a_duration_is_said_in_hours_and_minutes(ctx, value, ja, en):
    with force_locale("ja"):
        assert format_duration(value) == ja
    with force_locale("en"):
        assert format_duration(value) == en


def test_the_city_is_named_in_the_readers_language(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME", "三島市")
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME_EN", "Mishima City")
    with app.test_request_context(), force_locale("en"):
        assert city_name() == "Mishima City"
    with app.test_request_context(), force_locale("ja"):
        assert city_name() == "三島市"
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME_EN", "")
    with app.test_request_context(), force_locale("en"):
        assert city_name() == "三島市"
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME", "藤沢市（デモ）")
    with app.test_request_context(), force_locale("en"):
        assert city_name() == "Fujisawa City (demo)"
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME", "三島市")
    client = app.test_client()
    monkeypatch.setitem(app.config, "DESK_MUNICIPALITY_NAME_EN", "Mishima City")
    english = client.get("/accessibility", headers={"Accept-Language": "en"})
    assert "Mishima City wants everyone" in english.get_data(as_text=True)
    assert "三島市" not in english.get_data(as_text=True)
