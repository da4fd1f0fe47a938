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

GSM7 = "GSM-7"
UCS2 = "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    units: int
    segments: int


def encoding_of(text):
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return GSM7
    return UCS2


def _unit_sizes(text, encoding):
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def count_segments(text):
    encoding = encoding_of(text)
    sizes = _unit_sizes(text, encoding)
    single, part = LIMITS[encoding]
    units = sum(sizes)
    if units == 0:
        return SegmentCount(encoding, 0, 0)
    if units <= single:
        return SegmentCount(encoding, units, 1)
    segments, filled = 1, 0
    for size in sizes:
        if filled + size > part:
            segments += 1
            filled = 0
        filled += size
    return SegmentCount(encoding, units, segments)
