"""Phone numbers as people type them: every format is understood, and each number gets
the kind that decides which reminder may reach it (docs/notifications.md)."""

import re

import pytest

from desk.core.phone import (
    CALLABLE_KINDS,
    TEXTABLE_KINDS,
    PhoneKind,
    grouping_rules,
    parse_phone,
)

KINDS = [
    # mobiles (070/080/090), in every way people write them
    ("090-1234-5678", "+819012345678", PhoneKind.MOBILE),
    ("09012345678", "+819012345678", PhoneKind.MOBILE),
    ("０９０－１２３４－５６７８", "+819012345678", PhoneKind.MOBILE),
    ("０９０‐１２３４‐５６７８", "+819012345678", PhoneKind.MOBILE),
    ("090−1234−5678", "+819012345678", PhoneKind.MOBILE),
    ("090ー1234ー5678", "+819012345678", PhoneKind.MOBILE),
    ("090―1234―5678", "+819012345678", PhoneKind.MOBILE),
    ("090ｰ1234ｰ5678", "+819012345678", PhoneKind.MOBILE),
    ("090 1234 5678", "+819012345678", PhoneKind.MOBILE),
    ("090\u30001234\u30005678", "+819012345678", PhoneKind.MOBILE),
    ("(090) 1234-5678", "+819012345678", PhoneKind.MOBILE),
    ("（０９０）１２３４－５６７８", "+819012345678", PhoneKind.MOBILE),
    ("+81 90-1234-5678", "+819012345678", PhoneKind.MOBILE),
    ("+819012345678", "+819012345678", PhoneKind.MOBILE),
    ("＋８１ ９０ １２３４ ５６７８", "+819012345678", PhoneKind.MOBILE),
    ("080-2345-6789", "+818023456789", PhoneKind.MOBILE),
    ("070-3456-7890", "+817034567890", PhoneKind.MOBILE),
    # a resident's own landline, Tokyo and Fujisawa
    ("03-1234-5678", "+81312345678", PhoneKind.LANDLINE),
    ("(03) 1234-5678", "+81312345678", PhoneKind.LANDLINE),
    ("０３－１２３４－５６７８", "+81312345678", PhoneKind.LANDLINE),
    ("0466-25-1111", "+81466251111", PhoneKind.LANDLINE),
    ("0466 25 1111", "+81466251111", PhoneKind.LANDLINE),
    ("(0466)25-1111", "+81466251111", PhoneKind.LANDLINE),
    ("０４６６ー２５ー１１１１", "+81466251111", PhoneKind.LANDLINE),
    ("+81 466-25-1111", "+81466251111", PhoneKind.LANDLINE),
    # IP phones (050)
    ("050-1234-5678", "+815012345678", PhoneKind.IP_PHONE),
    ("０５０‐１２３４‐５６７８", "+815012345678", PhoneKind.IP_PHONE),
    ("+81 50 1234 5678", "+815012345678", PhoneKind.IP_PHONE),
    # toll-free (0120, 0800) and navigation dial (0570): never a resident's own line
    ("0120-123-456", "+81120123456", PhoneKind.TOLL_FREE),
    ("０１２０－１２３－４５６", "+81120123456", PhoneKind.TOLL_FREE),
    ("0120 123 456", "+81120123456", PhoneKind.TOLL_FREE),
    ("0800-123-4567", "+818001234567", PhoneKind.TOLL_FREE),
    ("0800−123−4567", "+818001234567", PhoneKind.TOLL_FREE),
    ("0570-123-456", "+81570123456", PhoneKind.NAVI_DIAL),
    ("０５７０ー１２３ー４５６", "+81570123456", PhoneKind.NAVI_DIAL),
    ("(0570) 123-456", "+81570123456", PhoneKind.NAVI_DIAL),
    # premium rate (0990) and 020 numbers: other kinds, no automatic reminder either
    ("0990-123-456", "+81990123456", PhoneKind.OTHER),
    ("020-1234-5678", "+812012345678", PhoneKind.OTHER),
    # abroad: the US and Canada do not say mobile or landline; the UK does
    ("+1 415 555 0100", "+14155550100", PhoneKind.AMBIGUOUS),
    ("+1 (415) 555-0100", "+14155550100", PhoneKind.AMBIGUOUS),
    ("＋１ ４１５ ５５５ ０１００", "+14155550100", PhoneKind.AMBIGUOUS),
    ("+1-212-555-0100", "+12125550100", PhoneKind.AMBIGUOUS),
    ("+44 7911 123456", "+447911123456", PhoneKind.MOBILE),
    ("+44 20 7946 0018", "+442079460018", PhoneKind.LANDLINE),
    ("+44-20-7946-0018", "+442079460018", PhoneKind.LANDLINE),
]


@pytest.mark.parametrize(("text", "e164", "kind"), KINDS)
def test_every_format_gives_the_number_and_its_kind(text, e164, kind):
    phone = parse_phone(text)
    assert phone is not None
    assert (phone.e164, phone.kind) == (e164, kind)
    assert phone.can_receive_sms == (kind == PhoneKind.MOBILE)


@pytest.mark.parametrize("text", [
    "", "   ", "090-1234", "0120", "abc", "090-1234-5678 内線2", "+1 415 555", "12345",
    "090-1234-5678-9999",
])
def test_what_is_not_a_phone_number_is_refused(text):
    assert parse_phone(text) is None


def test_only_mobiles_are_texted_and_only_own_lines_are_called():
    assert TEXTABLE_KINDS == {PhoneKind.MOBILE}
    assert CALLABLE_KINDS == {PhoneKind.LANDLINE, PhoneKind.IP_PHONE}


def test_grouping_rules_are_the_metadata_that_formats_numbers():
    """The kiosk groups a number as it is typed by these rules: the first rule whose
    leading digits match, split as its pattern says, gives the national format."""
    rules = grouping_rules()
    for number in ("09012345678", "0466251111", "0312345678", "0499221234", "0120123456"):
        national = number[1:]
        rule = next(rule for rule in rules if not rule["leading"] or re.match(
            rf"(?:{rule['leading'][-1]})", national))
        match = re.fullmatch(rule["pattern"], national)
        assert "0" + "-".join(match.groups()) == parse_phone(number).national
