"""Furigana on the kiosk's labels: ruby on the kanji of known words, in Japanese only."""

import pytest
from markupsafe import Markup

from desk.kiosk.furigana import READINGS, furigana, ruby_reading


@pytest.fixture
def japanese(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_known_words_get_their_reading(japanese):
    assert str(furigana("電話番号")) == (
        "<ruby>電話番号<rp>（</rp><rt>でんわばんごう</rt><rp>）</rp></ruby>")


def test_longest_word_wins(japanese):
    html = str(furigana("予約番号"))
    assert html.count("<ruby>") == 1 and "よやくばんごう" in html


def test_okurigana_stay_outside_the_ruby(japanese):
    assert str(furigana("教室を選んでください")) == (
        "<ruby>教室<rp>（</rp><rt>きょうしつ</rt><rp>）</rp></ruby>を"
        "<ruby>選<rp>（</rp><rt>えら</rt><rp>）</rp></ruby>んでください")
    assert str(furigana("前の日")) == (
        "<ruby>前<rp>（</rp><rt>まえ</rt><rp>）</rp></ruby>の"
        "<ruby>日<rp>（</rp><rt>ひ</rt><rp>）</rp></ruby>")


def test_text_is_escaped_and_markup_is_kept(japanese):
    assert str(furigana("<名前>")) == (
        "&lt;<ruby>名前<rp>（</rp><rt>なまえ</rt><rp>）</rp></ruby>&gt;")
    html = str(furigana(Markup('<a title="名前">名前</a><ruby>名前<rt>x</rt></ruby>')))
    assert html.startswith('<a title="名前"><ruby>名前')  # attributes untouched
    assert html.endswith("<ruby>名前<rt>x</rt></ruby>")  # an existing ruby untouched


def test_unknown_words_and_kana_stay_as_they_are(japanese):
    assert str(furigana("ふりがな 漢字")) == "ふりがな 漢字"


def test_nothing_changes_outside_japanese(english):
    assert str(furigana("電話番号 <b>")) == "電話番号 &lt;b&gt;"
    assert str(ruby_reading("湘南台市民センター", "ショウナンダイシミンセンター")) == "湘南台市民センター"


def test_names_with_their_own_reading(japanese):
    assert str(ruby_reading("鵠沼", "クゲヌマ")) == (
        "<ruby>鵠沼<rp>（</rp><rt>くげぬま</rt><rp>）</rp></ruby>")


def test_only_kanji_get_a_reading(japanese):
    """Katakana, hiragana and Latin letters are read by everyone who reads the kana."""
    assert str(ruby_reading("湘南台市民センター", "ショウナンダイシミンセンター")) == (
        "<ruby>湘南台市民<rp>（</rp><rt>しょうなんだいしみん</rt><rp>）</rp></ruby>センター")
    assert str(ruby_reading("LINEを使ってみよう", "ラインヲツカッテミヨウ")) == (
        "LINEを<ruby>使<rp>（</rp><rt>つか</rt><rp>）</rp></ruby>ってみよう")
    assert str(ruby_reading("スマホ入門 第2回", "スマホ ニュウモン ダイニカイ")) == (
        "スマホ<ruby>入門<rp>（</rp><rt>にゅうもん</rt><rp>）</rp></ruby> "
        "<ruby>第2回<rp>（</rp><rt>だいにかい</rt><rp>）</rp></ruby>")
    assert str(furigana("もう1人")) == "もう<ruby>1人<rp>（</rp><rt>ひとり</rt><rp>）</rp></ruby>"


def test_a_reading_that_cannot_be_split_goes_over_the_kanji_together(japanese):
    """Without the space in the reading nobody can tell where 入門 ends and 第2回
    starts: one ruby over both, the katakana still outside."""
    assert str(ruby_reading("スマホ入門 第2回", "スマホニュウモンダイニカイ")) == (
        "スマホ<ruby>入門 第2回<rp>（</rp><rt>にゅうもんだいにかい</rt><rp>）</rp></ruby>")
    assert str(ruby_reading("はじめてのスマホ", "ハジメテノスマホ")) == "はじめてのスマホ"
    assert str(ruby_reading("<b>会場</b>", "カイジョウ")).startswith("<ruby>&lt;b&gt;")


def test_every_reading_is_hiragana():
    for word, reading in READINGS.items():
        assert reading and all("\u3041" <= char <= "\u309f" or char == "ー"
                               for char in reading), word
