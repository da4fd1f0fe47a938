"""What the kiosk says when an answer cannot be used, in plain words (やさしい日本語 in
Japanese): short, about the one field, and saying what to do.

The people services and the core checks decide whether an answer is usable; the
kiosk only says it its own way. `plain_errors` takes their {field: message} and gives
each field of the kiosk's form the kiosk's message for what is wrong with the answer
given. Fields the kiosk has no words of its own for (a class that is full or closed,
a party too large for the class) keep the message they came with.
"""

from flask_babel import gettext as _

from desk.core.kana import normalise_kana
from desk.core.phone import clean_digits
from desk.people.models import Person


def _blank(value):
    return not isinstance(value, str) or not value.strip()


def _name(value):
    if _blank(value):
        # i18n: やさしい日本語
        return _("Please write your name.")
    if len(" ".join(value.split())) > Person.NAME_MAX:
        # i18n: やさしい日本語
        return _("Your name is too long. Please write it in %(count)d characters or fewer.",
                 count=Person.NAME_MAX)
    # i18n: やさしい日本語
    return _("Please write your name again.")


def _name_kana(value):
    if _blank(value):
        # i18n: やさしい日本語
        return _("Please write how to read your name, in kana.")
    if len(normalise_kana(" ".join(value.split()))) > Person.KANA_MAX:
        # i18n: やさしい日本語
        return _("The reading is too long. Please write it in %(count)d characters or "
                 "fewer.", count=Person.KANA_MAX)
    # i18n: やさしい日本語
    return _("Please write the reading only in kana. For example: さとう けいこ")


def _phone(value):
    if _blank(value):
        # i18n: やさしい日本語
        return _("Please type your phone number.")
    # i18n: やさしい日本語
    return _("We cannot use this phone number: %(digits)s. Please check it and type it "
             "again.", digits=clean_digits(value)[:30])


def _choose_a_button(_value):
    # i18n: やさしい日本語
    return _("Please choose one of the buttons.")


PLAIN = {
    "name": _name,
    "name_kana": _name_kana,
    "phone": _phone,
    "district_id": _choose_a_button,
    "age_band": _choose_a_button,
}


def plain_errors(errors, data):
    """{field: message} with the kiosk's own words for the fields it knows."""
    return {name: PLAIN[name](data.get(name)) if name in PLAIN else message
            for name, message in errors.items()}
