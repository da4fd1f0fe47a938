"""Every message in the code and templates has a Japanese (and English) translation.

The messages are extracted afresh from the sources, so a new `_()` without a
translation fails here even if nobody ran `desk translate update`.
"""

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
    import re

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
