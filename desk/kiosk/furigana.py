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
    "確かめて": "たしかめて",
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
    "使えません": "つかえません",
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
    "長すぎ": "ながすぎ",
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
    "以上": "いじょう",
    "何も": "なにも",
    "起きない": "おきない",
}

_KANJI = r"[\u3400-\u4dbf\u4e00-\u9fff\u3005]"
_PATTERN = re.compile("|".join(re.escape(word) for word in
                               sorted(READINGS, key=len, reverse=True)))
_TAG = re.compile(r"(<[^>]*>)")


_KANA = r"[\u3041-\u309f\u30a0-\u30ff]"
# kanji with the letters and digits next to them, read as one (1人: ひとり, 第2回:
# だいにかい, LINE講座: らいんこうざ): where they meet, no one can tell which is which
_ALNUM = r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_KANJI_RUN = f"(?:{_ALNUM}*{_KANJI}+)+{_ALNUM}*"
_RUNS = re.compile(f"({_KANJI_RUN}|{_KANA}+|\\s+)")


def _align(text, reading):
    """[(part, ruby or None)]: the kanji runs of `text` with their part of `reading`
    (hiragana), the rest as it is: kana match their own reading, a space in the
    reading may come between any two parts, anything else (a word in Latin letters)
    may or may not be read. None when the reading does not fit the text, or fits it
    in more than one way.
    ("LINEを使う", "らいんをつかう") -> [("LINE", None), ("を", None), ("使", "つか"),
    ("う", None)]."""
    parts = [part for part in _RUNS.split(text) if part]
    reading = " ".join(jaconv.kata2hira(reading).split())
    matches = []
    for kanji in (r"(\S+?)", r"(\S+)"):
        pattern = []
        for part in parts:
            if re.fullmatch(_KANJI_RUN, part):
                pattern.append(kanji)
            elif re.fullmatch(f"{_KANA}+", part):
                pattern.append(f"({re.escape(jaconv.kata2hira(part))})")
            elif part.isspace():
                pattern.append("()")
            else:
                pattern.append(r"(\S*?)")
        match = re.fullmatch(r"\s?".join(pattern), reading)
        matches.append(match and match.groups())
    if matches[0] is None or matches[0] != matches[1]:
        return None
    return [(part, ruby if re.fullmatch(_KANJI_RUN, part) else None)
            for part, ruby in zip(parts, matches[0], strict=True)]


def _around(text, reading):
    """The reading over the whole text, except the kana it starts and ends with: for a
    text whose reading cannot be split between its kanji."""
    reading = "".join(jaconv.kata2hira(reading).split())
    head = re.match(f"{_KANA}+", text)
    head = head.group(0) if head and reading.startswith(jaconv.kata2hira(head.group(0))) else ""
    tail = re.search(f"{_KANA}+$", text[len(head):])
    tail = tail.group(0) if tail and reading.endswith(jaconv.kata2hira(tail.group(0))) else ""
    middle = text[len(head):len(text) - len(tail)]
    ruby = reading[len(head):len(reading) - len(tail)]
    return [(head, None), (middle, ruby), (tail, None)] if middle and ruby else [(text, reading)]


def _ruby(text, reading):
    return (f"<ruby>{escape(text)}<rp>（</rp><rt>{escape(reading)}</rt><rp>）</rp></ruby>")


def _word(match):
    word = match.group(0)
    if not re.search(_KANJI, word):
        return word
    return _rubies(_align(word, READINGS[word]) or _around(word, READINGS[word]))


def _rubies(segments):
    return "".join(_ruby(text, ruby) if ruby else str(escape(text))
                   for text, ruby in segments if text)


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
    """`text` (a venue's, a program's or a district's name) with its reading as ruby
    over its kanji, in hiragana (kana and Latin letters get none); unchanged outside
    Japanese, or when the text has no kanji. A reading that cannot be split between
    the kanji goes over all of them together."""
    if not _is_japanese() or not reading or not re.search(_KANJI, text or ""):
        return escape(text)
    hiragana = jaconv.kata2hira(reading)
    return Markup(_rubies(_align(text, hiragana) or _around(text, hiragana)))
