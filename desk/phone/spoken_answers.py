"""Answers said instead of keyed (Twilio's speech recognition, <Gather input="dtmf
speech">).

A step that takes a spoken answer declares its words once: phrases in the call's
language, each standing for one of the step's keys ("はい" for 1). `key_for` maps what
Twilio heard (SpeechResult) to that key, and the call goes on exactly as if the key had
been pressed. Both sides are compared normalised: full- and half-width alike, hiragana
and katakana alike (desk.core.kana), lower case, punctuation as spaces. A phrase counts
where it occurs in what was heard (a Latin word or a number only as a whole word); when
phrases of several keys occur, the longest phrase decides ("予約を 取り消したい": 取り消し,
not 予約); a tie, nothing found or a recognition Twilio was not confident of is not
understood.
"""

import re
from dataclasses import dataclass

from desk.core.kana import normalise_kana

MIN_CONFIDENCE = 0.2  # Twilio's Confidence, 0 to 1; below it the words are not trusted
SPEECH_MAX = 200  # characters of a SpeechResult looked at
_PUNCTUATION = re.compile(r"[\s、。，,．.!?！？「」『』・]+")
_JAPANESE_SPACE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")


@dataclass(frozen=True)
class SpokenAnswer:
    """What Twilio recognised: its SpeechResult and Confidence (None when not sent)."""

    text: str
    confidence: float | None = None

    @classmethod
    def of(cls, form):
        """The spoken answer of a webhook's form, or None when keys (or nothing) came."""
        text = (form.get("SpeechResult") or "").strip()[:SPEECH_MAX]
        if not text:
            return None
        try:
            confidence = float(form.get("Confidence", ""))
        except ValueError:
            confidence = None
        if confidence is not None and not 0 <= confidence <= 1:
            confidence = None
        return cls(text, confidence)


@dataclass(frozen=True)
class Words:
    """A fixed vocabulary, {phrase: key} for Japanese and for English calls."""

    ja: dict
    en: dict

    def __call__(self, call):
        return self.en if call.language == "en" else self.ja


YES_NO = Words(
    ja={"はい": "1", "ええ": "1", "そうです": "1", "お願いします": "1",
        "いいえ": "2", "違います": "2", "ちがいます": "2"},
    en={"yes": "1", "yeah": "1", "yep": "1", "correct": "1",
        "no": "2", "nope": "2", "wrong": "2"},
)


def normalised(text):
    """`text` as words are compared: NFKC, katakana, lower case, one space between
    Latin words and none between Japanese ones."""
    text = normalise_kana(_PUNCTUATION.sub(" ", text or "")).replace("\u3000", " ")
    return _JAPANESE_SPACE.sub("", text.lower()).strip()


def _occurs(phrase, text):
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def key_for(heard, words, confidence=None):
    """The key that the words `heard` stand for among `words` ({phrase: key}), or None
    when they are not understood."""
    if confidence is not None and confidence < MIN_CONFIDENCE:
        return None
    text = normalised(heard)
    found = {}
    for phrase, key in words.items():
        phrase = normalised(phrase)
        if phrase and _occurs(phrase, text):
            found[key] = max(found.get(key, 0), len(phrase))
    if not found:
        return None
    longest = max(found.values())
    keys = [key for key, length in found.items() if length == longest]
    return keys[0] if len(keys) == 1 else None


def hints(words):
    """Twilio's `hints`: the phrases expected, comma-separated."""
    return ",".join(phrase.replace(",", " ") for phrase in words)
