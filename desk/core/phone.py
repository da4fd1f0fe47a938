"""Japanese phone numbers: parse what people type, store E.164, show the national format.

Full-width digits, any dash or hyphen character, spaces, parentheses and +81 are all
understood (NFKC first, then phonenumbers with region JP).
"""

import enum
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

DASHES = "ー−‐‑‒–—―－ｰ-"
_STRIP = re.compile(r"[\s()（）.]")


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    IP_PHONE = "ip_phone"
    OTHER = "other"


_KINDS = {
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.LANDLINE,
    PhoneNumberType.VOIP: PhoneKind.IP_PHONE,
}


@dataclass(frozen=True)
class Phone:
    e164: str
    national: str
    kind: PhoneKind

    @property
    def can_receive_sms(self):
        return self.kind == PhoneKind.MOBILE


def clean_digits(raw):
    """What was understood of the input: NFKC, dashes unified, spaces dropped."""
    text = unicodedata.normalize("NFKC", raw or "")
    for dash in DASHES:
        text = text.replace(dash, "-")
    return _STRIP.sub("", text)


def parse_phone(raw):
    """A Phone, or None when the input is not a valid Japanese (or +81) number."""
    text = clean_digits(raw)
    if not text or len(text) > 30 or not re.fullmatch(r"\+?[0-9-]+", text):
        return None
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return Phone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national=format_national(number),
        kind=_KINDS.get(phonenumbers.number_type(number), PhoneKind.OTHER),
    )


def format_national(number):
    if number.country_code == 81:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def display_phone(e164):
    """'+81466251111' -> '0466-25-1111' (stored values are E.164)."""
    if not e164:
        return ""
    try:
        return format_national(phonenumbers.parse(e164, "JP"))
    except phonenumbers.NumberParseException:
        return e164
