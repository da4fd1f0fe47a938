"""A booking heard by its booking code: the caller keys in the 8 digits, then #, and
hears the booking, which can be cancelled through the same confirming step as my
bookings (desk.phone.mine).

The code alone finds nothing, as on the web: the booking's person (or their proxy
contact) must have the caller's number, or the number a caller with a withheld number
keyed in (desk.events.bookings.find_booking, the one rule for everybody but staff). A
code of another length is said so; a code not found with this number gets one answer,
whether or not it exists for someone else, and after MAX_TRIES such codes in one call
the line offers the staff instead, so that codes cannot be tried one after another. Only
to a caller whose number matches does the line say that the booking is cancelled or
over."""

from flask_babel import gettext as _

from desk.events.bookings import find_booking, waitlist_position
from desk.events.models import Booking, BookingStatus
from desk.notify.spoken import spoken_code
from desk.phone import callers, offers
from desk.phone.booking import describe, people_count
from desk.phone.flow import Goto, choice, choose, step
from desk.phone.menu import listened
from desk.phone.mine import to_cancel

MAX_TRIES = 3  # codes not found with the caller's number, in one call


def _unavailable(booking, now):
    """Why the booking a caller's code found cannot be read as upcoming, or None."""
    if booking is None:
        return _("There is no booking with this booking number for this telephone number.")
    if not booking.is_active:
        return _("This booking has been cancelled.")
    if booking.session.end_dt <= now:
        return _("The day of this booking has passed.")
    return None


@step("code")
class KeyCode:
    digits = None  # several keys, ended by #

    @staticmethod
    def ask(call, now):
        if choice(call, "code_tries", 0) >= MAX_TRIES:
            return Goto("menu", [_("For this booking, please talk to the staff: press 4.")])
        return [_("You can hear a booking by its booking number."),
                _("Please key in the 8 digits of the booking number, "
                  "then press the hash key.")]

    @staticmethod
    def press(call, key, now):
        code = key.rstrip("#")
        if not code.isdigit() or len(code) != Booking.CODE_LENGTH:
            return Goto("code", [_("A booking number has 8 digits.")])
        booking = find_booking(code, callers.number_of(call))
        if booking is None:
            choose(call, code_tries=choice(call, "code_tries", 0) + 1)
        unavailable = _unavailable(booking, now)
        if unavailable:
            return Goto("code", [unavailable])
        choose(call, code_booking=booking.id)
        return Goto("code_booking")


@step("code_booking", back="code")
class CodeBooking:
    @staticmethod
    def ask(call, now):
        booking = offers.booking(choice(call, "code_booking"))
        unavailable = _unavailable(booking, now)
        if unavailable:
            return Goto("code", [unavailable])
        listened(call)
        lines = [_("Booking number %(code)s.", code=spoken_code(booking.code)),
                 _("Booking of %(name)s, %(people)s.",
                   name=callers.given_name(booking.person, call.language),
                   people=people_count(booking.seats)), describe(booking.session)]
        if booking.status == BookingStatus.WAITLISTED:
            lines.append(_("On the waiting list, number %(position)d.",
                           position=waitlist_position(booking)))
        lines.append(_("To cancel this booking, press 1. "
                       "To key in another booking number, press 2."))
        return lines

    @staticmethod
    def press(call, key, now):
        if key == "1":
            booking = offers.booking(choice(call, "code_booking"))
            unavailable = _unavailable(booking, now)
            if unavailable:
                return Goto("code", [unavailable])
            return to_cancel(call, booking, back="code_booking")
        if key == "2":
            return Goto("code")
        return None
