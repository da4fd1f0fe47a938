"""Every message in the code and templates has a Japanese (and English) translation.

The messages are extracted afresh from the sources, so a new `_()` without a
translation fails here even if nobody ran `desk translate update`.
"""

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from desk import resource_dir

REPO = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}


def extracted_messages():
    translations = resource_dir("translations")
    with open(translations / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    messages = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            messages[msgid] = filename
    return messages


def load_catalog(language):
    path = resource_dir("translations") / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as fh:
        return read_po(BytesIO(fh.read()), locale=language)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_message_is_translated(language):
    catalog = load_catalog(language)
    missing = []
    for msgid, filename in sorted(extracted_messages().items()):
        entry = catalog.get(msgid)
        if entry is None:
            missing.append(f"{filename}: {msgid!r} (not in the catalogue)")
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else [entry.string]
        if entry.fuzzy or not all(strings):
            missing.append(f"{filename}: {msgid!r} ({'fuzzy' if entry.fuzzy else 'empty'})")
    assert not missing, (f"{len(missing)} messages lack a {language} translation; run "
                         "`desk translate update` and translate them:\n" + "\n".join(missing))


def test_japanese_placeholders_match():
    catalog = load_catalog("ja")
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{\{ *(\w+) *\}\}|%\(num\)d")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {match for text in ids for match in placeholder.findall(text)}
        for text in strings:
            if {match for match in placeholder.findall(text)} - wanted:
                wrong.append(message.id)
    assert not wrong, wrong


# one Japanese word per term: the glossary in docs/development.md ("Japanese wording")
LONE_KAI = re.compile(r"(?<!開催)回(?:の一覧|を追加|を選ぶ|を中止|を編集|を絞り込む|の中止|の変更|はありません)"
                      r"|この回|^回$")
AVOIDED = {"整理券": "受付番号", "操作履歴": "操作記録", "代理連絡先": "代理の連絡先",
           "リマインダー": "お知らせ", "あなた": "ご本人, or no subject"}


def _japanese():
    for message in load_catalog("ja"):
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield ids, strings


def test_japanese_never_calls_a_session_a_lone_kai():
    wrong = [ids[0] for ids, strings in _japanese()
             if any("session" in text.lower() for text in ids)
             and any(LONE_KAI.search(text) for text in strings)]
    assert not wrong, wrong


def test_japanese_keeps_to_the_glossary():
    wrong = [(ids[0], avoided, AVOIDED[avoided]) for ids, strings in _japanese()
             for avoided in AVOIDED if any(avoided in text for text in strings)]
    assert not wrong, wrong


# modules whose messages the phone line and the reminder calls say aloud
SPOKEN = {f"desk/phone/{name}.py" for name in (
    "booking", "by_code", "calls", "keyed_number", "menu", "mine", "new_callers", "speech",
    "spoken_answers")} | {"desk/notify/spoken.py"} | {
    # what a call about a coordinator's note says around the note
    "templates/events/messages/voice/session_message.txt"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_spoken_japanese_has_no_latin_letters_or_iso_dates():
    """A Japanese voice reads Latin letters in English and ISO dates as digits: every
    prompt said aloud is written in Japanese (placeholders aside)."""
    translations = resource_dir("translations")
    with open(translations / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    spoken = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=KEYWORDS):
        if filename in SPOKEN:
            spoken.add(message[0] if isinstance(message, tuple) else message)
    assert len(spoken) > 80
    iso = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
    wrong = [(ids[0], text) for ids, strings in _japanese() if ids[0] in spoken
             for text in strings
             if re.search(r"[A-Za-z]", PLACEHOLDER.sub("", text)) or iso.search(text)]
    assert not wrong, wrong
