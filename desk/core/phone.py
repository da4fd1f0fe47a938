"""Japanese phone numbers: parse what people type, store E.164, show the national format.

Full-width digits, any dash or hyphen character, spaces, parentheses and +81 are all
understood (NFKC first, then phonenumbers with region JP).

The kind of a number says which reminder may reach it without asking: a text message to
a mobile (070/080/090), a call to a landline or an IP phone (050). Toll-free numbers
(0120/0800), navigation dial (0570) and other non-personal numbers are never a
resident's own line; numbers abroad that may be a landline or a mobile (the US and
Canada) are ambiguous. None of these gets an automatic reminder.
"""

import enum
import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

DASHES = "ー−‐‑‒–—―－ｰ-"
_STRIP = re.compile(r"[\s()（）.]")


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    IP_PHONE = "ip_phone"
    TOLL_FREE = "toll_free"
    NAVI_DIAL = "navi_dial"
    AMBIGUOUS = "ambiguous"
    OTHER = "other"


_KINDS = {
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.AMBIGUOUS,
    PhoneNumberType.VOIP: PhoneKind.IP_PHONE,
    PhoneNumberType.TOLL_FREE: PhoneKind.TOLL_FREE,
    PhoneNumberType.UAN: PhoneKind.NAVI_DIAL,
}

# the kinds an automatic reminder may go to: a text message, a voice call
TEXTABLE_KINDS = frozenset({PhoneKind.MOBILE})
CALLABLE_KINDS = frozenset({PhoneKind.LANDLINE, PhoneKind.IP_PHONE})
# reached only by the channel the person chose (a text message or a call)
ON_REQUEST_KINDS = frozenset({PhoneKind.AMBIGUOUS})


@dataclass(frozen=True)
class Phone:
    number: phonenumbers.PhoneNumber
    e164: str
    kind: PhoneKind

    @property
    def national(self):
        """'0466-25-1111' (formatted when asked: most callers store the E.164 only)."""
        return format_national(self.number)

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
    # a number of no known type is not valid (what phonenumbers.is_valid_number asks,
    # without working out the type twice)
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    return Phone(number=number, e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
                 kind=_KINDS.get(number_type, PhoneKind.OTHER))


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


@functools.cache
def grouping_rules():
    """How Japanese numbers are grouped (0466-25-1111, 090-1234-5678), from the same
    phonenumbers metadata that format_national uses, for a page that groups a number
    while it is typed: [{"pattern": "(\\d{3})(\\d{2})(\\d{4})", "leading": [regex, ...]}]
    in the metadata's order, both about the number without its leading 0. The first
    rule whose leading-digits pattern (the one for as many digits as were typed, from 3
    on) matches the start of the number applies."""
    metadata = PhoneMetadata.metadata_for_region("JP")
    return [{"pattern": rule.pattern, "leading": list(rule.leading_digits_pattern)}
            for rule in metadata.number_format]
