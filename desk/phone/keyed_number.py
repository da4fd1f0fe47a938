"""A caller with a withheld number (非通知) keys in their phone number before booking or
hearing their bookings: it is read back in its groups and confirmed with a key; a
number that is not a Japanese phone number is explained and asked again. The residents
on the confirmed number are then found as for a caller ID; for my bookings with nobody
on it, the number is the one a booking code is looked up with (desk.phone.by_code)."""

from flask_babel import gettext as _

from desk.core.phone import parse_phone
from desk.notify.spoken import spoken_digits
from desk.phone import callers
from desk.phone.flow import Goto, choice, choose, step
from desk.phone.menu import choose_action, unknown_number
from desk.phone.spoken_answers import YES_NO

NUMBER_MAX = 11  # digits of a Japanese number, 0 included


@step("key_number")
class KeyNumber:
    digits = None  # several keys, ended by #

    @staticmethod
    def ask(call, now):
        return [_("Your number is not shown to us."),
                _("Please key in your telephone number, starting with 0, "
                  "then press the hash key.")]

    @staticmethod
    def press(call, key, now):
        digits = key.rstrip("#")
        phone = parse_phone(digits) if digits.isdigit() and len(digits) <= NUMBER_MAX else None
        if phone is None or not digits.startswith("0"):
            return Goto("key_number", [_("That is not a telephone number we can use. "
                                         "Please key it in from the area code.")])
        choose(call, number_heard=phone.e164, number_said=phone.national)
        return Goto("key_number_confirm")


@step("key_number_confirm", back="key_number")
class ConfirmNumber:
    @staticmethod
    def ask(call, now):
        return [_("You keyed in %(number)s.",
                  number=spoken_digits(choice(call, "number_said"))),
                _("If it is right, press 1. To key it in again, press 2."),
                _("You can also answer yes or no.")]

    words = YES_NO

    @staticmethod
    def press(call, key, now):
        if key == "2":
            return Goto("key_number")
        if key != "1":
            return None
        choose(call, keyed_number=choice(call, "number_heard"))
        people = callers.people_on(callers.number_of(call))
        if not people:
            return unknown_number(call, choice(call, "after_number"))
        if len(people) > 1:
            return Goto("person")
        call.person_id = people[0].id
        return choose_action(call, choice(call, "after_number"), now)
