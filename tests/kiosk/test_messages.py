"""The kiosk's own words for answers it cannot use: one plain message per field and
problem, every kanji of its Japanese with a reading for the furigana switch."""

import re

import pytest

from desk.kiosk.furigana import furigana
from desk.kiosk.messages import PLAIN, plain_errors

# values that bring out each message of each field
PROBLEMS = {
    "name": ("", "佐" * 101, "\x01"),
    "name_kana": ("", "さ" * 101, "sato"),
    "phone": ("", "12"),
    "district_id": ("x",),
    "age_band": ("x",),
}
KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3005]")


@pytest.fixture
def japanese(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        yield


def test_every_field_has_a_message_for_each_problem(japanese):
    assert set(PROBLEMS) == set(PLAIN)
    for name, values in PROBLEMS.items():
        messages = [PLAIN[name](value) for value in values]
        assert len(set(messages)) == len(messages), name
        for message in messages:
            assert "この項目" not in message and len(message) < 60, message


def test_every_kanji_of_the_messages_has_its_reading(japanese):
    for name, values in PROBLEMS.items():
        for value in values:
            html = str(furigana(PLAIN[name](value)))
            outside = re.sub(r"<ruby>.*?</ruby>", "", html)
            assert not KANJI.search(outside), f"{name}: kanji without a reading in {html}"


def test_other_fields_keep_their_message(japanese):
    errors = {"session_id": "この日程は中止になりました。", "name": "この項目は必須です。"}
    assert plain_errors(errors, {"name": " "}) == {
        "session_id": "この日程は中止になりました。", "name": "名前を書いてください。"}
