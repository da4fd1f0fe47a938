"""Who is calling: the residents recorded with the caller's number (caller ID), found
through desk.people's phone lookup, and how the line names them."""

import re

from desk.core.phone import parse_phone
from desk.people import services as people_services


def caller_number(raw):
    """The caller ID in E.164, or None when withheld or not a phone number (Twilio
    sends "anonymous", "+266696687" or nothing for 非通知)."""
    phone = parse_phone(raw or "")
    return phone.e164 if phone is not None else None


def number_of(call):
    """The number whose residents the call is about: the caller ID, or the number a
    caller with a withheld number keyed in and confirmed."""
    return call.caller or (call.choices or {}).get("keyed_number")


def people_on(e164):
    """The live residents with this number (not merged into another record, not
    anonymised), oldest record first."""
    if not e164:
        return []
    return [person for person in people_services.people_with_phone(e164)
            if person.merged_into_id is None and not person.is_anonymised]


def given_name(person, language):
    """How the line says a person's name: the given name's reading in Japanese (the
    kana after the space), the name as written in English; None while their name is
    still to be confirmed (the line does not know how to say it)."""
    if person.name_to_confirm:
        return None
    if language == "en":
        return person.name
    parts = re.split(r"[\s\u3000]+", person.name_kana.strip())
    return parts[-1]
