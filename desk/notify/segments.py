"""How many SMS segments a text takes (what the carrier bills and splits by).

A text made only of the GSM 03.38 alphabet is sent in GSM-7: 160 characters in one
segment, 153 per segment once split (the extension characters such as `€ [ ] { }` take
two). Anything else (Japanese above all) goes as UCS-2: 70 characters in one segment,
67 per segment once split; a character outside the Basic Multilingual Plane (an emoji)
takes two UCS-2 units. A split never cuts an escape pair or a surrogate pair in two.
"""

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION

GSM7 = "GSM-7"
UCS2 = "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    units: int
    segments: int


def encoding_of(text):
    return GSM7 if GSM7_ALL.issuperset(text) else UCS2


def _unit_sizes(text, encoding):
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _units(text, encoding):
    if encoding == GSM7:
        return len(text) + sum(text.count(char) for char in GSM7_EXTENSION)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def count_segments(text):
    encoding = encoding_of(text)
    single, part = LIMITS[encoding]
    units = _units(text, encoding)
    if units == 0:
        return SegmentCount(encoding, 0, 0)
    if units <= single:
        return SegmentCount(encoding, units, 1)
    sizes = _unit_sizes(text, encoding)
    segments, filled = 1, 0
    for size in sizes:
        if filled + size > part:
            segments += 1
            filled = 0
        filled += size
    return SegmentCount(encoding, units, segments)
