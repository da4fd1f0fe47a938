"""desk.core.i18n.in_reader_language: the one place that chooses between a name kept in
Japanese and its optional English counterpart."""

import pytest
from flask_babel import force_locale

from desk.core.i18n import in_reader_language


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
