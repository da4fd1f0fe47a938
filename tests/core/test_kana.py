"""Kana readings: whatever people type becomes full-width katakana (normalise_kana), and
the matching key folds spaces, ・ and small kana (kana_key)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.kana import is_kana, kana_key, normalise_kana

HIRAGANA = st.text(st.characters(min_codepoint=0x3041, max_codepoint=0x3096), min_size=1,
                   max_size=12)


@pytest.mark.parametrize(("raw", "expected"), [
    ("さとう けいこ", "サトウ\u3000ケイコ"),
    ("サトウ　ケイコ", "サトウ\u3000ケイコ"),
    ("ｻﾄｳ ｹｲｺ", "サトウ\u3000ケイコ"),           # half-width katakana
    ("ｶﾞｯｺｳ", "ガッコウ"),                       # half-width voiced mark joins its kana
    ("  すずき   しげる ", "スズキ\u3000シゲル"),  # spaces collapse, ends trimmed
    ("たなか\tまさお", "タナカ\u3000マサオ"),
    ("こーひー", "コーヒー"),
    ("ｺｰﾋｰ", "コーヒー"),
    ("コ-ヒ-", "コーヒー"),                      # an ASCII hyphen typed for the long vowel
    ("", ""),
    (None, ""),
])
def test_normalise_kana(raw, expected):
    assert normalise_kana(raw) == expected


@pytest.mark.parametrize(("first", "second"), [
    ("さとう けいこ", "サトウケイコ"),
    ("ｻﾄｳ ｹｲｺ", "さとうけいこ"),
    ("いとう　せつこ", "イトウ・セツコ"),
    ("きょうこ", "キヨウコ"),      # small kana folded: a common typing slip
    ("はっとり", "ハツトリ"),
])
def test_kana_key_matches_what_people_mistype(first, second):
    assert kana_key(first) == kana_key(second)


@pytest.mark.parametrize(("first", "second"), [
    ("かとう", "がとう"),          # voicing marks keep names apart
    ("はやし", "ぱやし"),
    ("さとう", "さと"),
])
def test_kana_key_keeps_different_readings_apart(first, second):
    assert kana_key(first) != kana_key(second)


@pytest.mark.parametrize("text", ["佐藤", "sato", "サトウ1", "さとう!", "", "サトウ ｹｲｺ x"])
def test_is_kana_refuses_anything_but_kana(text):
    assert not is_kana(normalise_kana(text))


@pytest.mark.parametrize("text", ["さとう けいこ", "ｻﾄｳ", "ヴァイオリン", "コーヒー", "イトウ・セツコ"])
def test_is_kana_accepts_readings(text):
    assert is_kana(normalise_kana(text))


@settings(deadline=None)
@given(HIRAGANA)
def test_hiragana_and_katakana_give_the_same_key(text):
    import jaconv

    assert kana_key(text) == kana_key(jaconv.hira2kata(text))
    assert kana_key(kana_key(text)) == kana_key(text)
    assert is_kana(normalise_kana(text))
