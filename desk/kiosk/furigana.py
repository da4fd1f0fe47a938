"""Furigana (ruby readings) for the kanji of the kiosk's labels, in Japanese only.

`furigana` is a Jinja filter: it wraps every word of READINGS found in a label in
`<ruby>` with its reading, so that the kiosk's "ふりがな" switch can show the readings
(kiosk.css hides the `<rt>` until the switch is on). Words are matched longest first;
kana around and between the kanji of a word (送り仮名) stay outside the ruby text.
`ruby_reading` does the same for data that carries its own reading (a venue's or a
program's name with its kana).

The dictionary holds the kanji words of the kiosk's Japanese labels (the catalogue's
やさしい日本語 translations of templates/kiosk/ and desk/kiosk/); a new kiosk word
needs its reading here.
"""

import re

import jaconv
from flask_babel import get_locale
from markupsafe import Markup, escape

READINGS = {
    "予約": "よやく",
    "予約番号": "よやくばんごう",
    "番号": "ばんごう",
    "電話": "でんわ",
    "電話番号": "でんわばんごう",
    "携帯電話": "けいたいでんわ",
    "名前": "なまえ",
    "教室": "きょうしつ",
    "講座": "こうざ",
    "選んで": "えらんで",
    "選ぶ": "えらぶ",
    "次": "つぎ",
    "戻る": "もどる",
    "最初": "さいしょ",
    "確認": "かくにん",
    "入力": "にゅうりょく",
    "送って": "おくって",
    "送ります": "おくります",
    "送る": "おくる",
    "前の日": "まえのひ",
    "知らせ": "しらせ",
    "何人": "なんにん",
    "来ます": "きます",
    "来る": "くる",
    "自分": "じぶん",
    "一人": "ひとり",
    "1人": "ひとり",
    "2人": "ふたり",
    "3人": "さんにん",
    "住んで": "すんで",
    "住所": "じゅうしょ",
    "地区": "ちく",
    "年齢": "ねんれい",
    "何歳": "なんさい",
    "歳": "さい",
    "答えない": "こたえない",
    "答えません": "こたえません",
    "消す": "けす",
    "空白": "くうはく",
    "続ける": "つづける",
    "終わる": "おわる",
    "終わり": "おわり",
    "印刷": "いんさつ",
    "日にち": "ひにち",
    "日付": "ひづけ",
    "時間": "じかん",
    "場所": "ばしょ",
    "会場": "かいじょう",
    "近く": "ちかく",
    "他": "ほか",
    "満席": "まんせき",
    "席": "せき",
    "空き": "あき",
    "待ち": "まち",
    "待って": "まって",
    "係": "かかり",
    "職員": "しょくいん",
    "端末": "たんまつ",
    "設定": "せってい",
    "使います": "つかいます",
    "使う": "つかう",
    "文字": "もじ",
    "一文字": "ひともじ",
    "小さい": "ちいさい",
    "大きい": "おおきい",
    "画面": "がめん",
    "押して": "おして",
    "書いて": "かいて",
    "読み方": "よみかた",
    "英語": "えいご",
    "日本語": "にほんご",
    "今日": "きょう",
    "明日": "あした",
    "後で": "あとで",
    "秒": "びょう",
    "完了": "かんりょう",
    "受付": "うけつけ",
    "取り消し": "とりけし",
    "家族": "かぞく",
    "一緒": "いっしょ",
    "参加者": "さんかしゃ",
    "持ち物": "もちもの",
    "番目": "ばんめ",
    "出たら": "でたら",
    "長い": "ながい",
    "係の人": "かかりのひと",
    "聞く": "きく",
    "聞いて": "きいて",
    "聞けます": "きけます",
    "内容": "ないよう",
    "予定": "よてい",
    "入れる": "いれる",
    "入ります": "はいります",
    "入れて": "いれて",
    "一度": "いちど",
    "何も": "なにも",
    "起きない": "おきない",
}

_KANJI = r"[\u3400-\u4dbf\u4e00-\u9fff\u3005]"
_PATTERN = re.compile("|".join(re.escape(word) for word in
                               sorted(READINGS, key=len, reverse=True)))
_TAG = re.compile(r"(<[^>]*>)")


def _segments(word, reading):
    """[(text, ruby or None)]: the kanji runs of `word` with their part of `reading`,
    the kana (and digits) between them as they are. ("送って", "おくって") ->
    [("送", "おく"), ("って", None)]."""
    parts = [part for part in re.split(f"({_KANJI}+)", word) if part]
    pattern = "".join("(.+?)" if re.fullmatch(f"{_KANJI}+", part) else f"({re.escape(part)})"
                      for part in parts)
    match = re.fullmatch(pattern, reading)
    if match is None:
        return [(word, reading)]
    return [(part, match.group(index + 1) if re.fullmatch(f"{_KANJI}+", part) else None)
            for index, part in enumerate(parts)]


def _ruby(text, reading):
    return (f"<ruby>{escape(text)}<rp>（</rp><rt>{escape(reading)}</rt><rp>）</rp></ruby>")


def _word(match):
    word = match.group(0)
    if not re.search(_KANJI, word):
        return word
    return "".join(_ruby(text, ruby) if ruby else str(escape(text))
                   for text, ruby in _segments(word, READINGS[word]))


def _is_japanese():
    return str(get_locale()) == "ja"


def furigana(value):
    """A label (text or markup) with ruby readings on the kanji words READINGS knows;
    unchanged (escaped) outside Japanese. Text inside tags, and inside a `<ruby>`
    already there, is left alone."""
    html = value if isinstance(value, Markup) else escape(value)
    if not _is_japanese():
        return html
    pieces, depth = [], 0
    for piece in _TAG.split(str(html)):
        if piece.startswith("<"):
            if piece.lower().startswith("<ruby"):
                depth += 1
            elif piece.lower().startswith("</ruby"):
                depth = max(depth - 1, 0)
            pieces.append(piece)
        elif depth:
            pieces.append(piece)
        else:
            pieces.append(_PATTERN.sub(_word, piece))
    return Markup("".join(pieces))


def ruby_reading(text, reading):
    """`text` (a venue's or a program's name) with its whole reading as ruby, in
    hiragana; unchanged outside Japanese, or when the text has no kanji."""
    if not _is_japanese() or not reading or not re.search(_KANJI, text or ""):
        return escape(text)
    return Markup(_ruby(text, jaconv.kata2hira(reading)))
