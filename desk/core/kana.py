"""Kana readings: whatever people type (hiragana or katakana, full- or half-width,
with or without spaces) becomes full-width katakana, so that search and sort work.

`normalise_kana` gives the reading as stored and shown (words separated by one
full-width space); `kana_key` drops the spaces and folds small kana and voicing marks
the way people mistype them, for search and duplicate detection.
"""

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000]+")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb\u3000]+")
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def normalise_kana(raw):
    """Full-width katakana with single full-width spaces, or '' for blank input."""
    text = unicodedata.normalize("NFKC", raw or "")  # half-width kana become full-width
    text = jaconv.hira2kata(text)
    text = text.replace("-", "ー")
    return _SPACES.sub("\u3000", text).strip("\u3000")


def is_kana(text):
    """True when `text` (already normalised) is katakana, the long-vowel mark, ・ and
    spaces only."""
    return bool(text) and _KATAKANA.fullmatch(text) is not None


def kana_key(text):
    """The reading folded for matching: no spaces or ・, small kana as large ones,
    voiced and semi-voiced marks kept apart ('ヤマダ タロウ' -> 'ヤマダタロウ')."""
    folded = normalise_kana(text).replace("\u3000", "").replace("・", "")
    return folded.translate(_SMALL)
