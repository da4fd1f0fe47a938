"""My bookings: the upcoming bookings of the people on the caller's number, read one by
one, each of which can be cancelled with a confirming key through the one cancel service
(the waiting list is promoted and the messages planned as usual). A booking heard by its
code (desk.phone.by_code) is cancelled through the same confirming step."""

from flask_babel import gettext as _

from desk.core.errors import DeskError
from desk.events import services as events
from desk.events.bookings import waitlist_position
from desk.events.models import ACTIVE_BOOKING_STATUSES, BookingStatus
from desk.phone import callers, offers
from desk.phone.booking import ACTOR, describe, people_count
from desk.phone.flow import Goto, choice, choose, step
from desk.phone.menu import listened
from desk.phone.models import CallOutcome
from desk.phone.spoken_answers import YES_NO


def _current(call):
    """The booking read now, skipping those no longer active; None after the last."""
    ids = choice(call, "bookings", [])
    index = choice(call, "index", 0)
    while index < len(ids):
        booking = offers.booking(ids[index])
        if booking is not None and booking.status in ACTIVE_BOOKING_STATUSES:
            choose(call, index=index)
            return booking
        index += 1
    choose(call, index=index)
    return None


def _next(call, said):
    choose(call, index=choice(call, "index", 0) + 1)
    return Goto("mine", said)


@step("mine")
class MyBookings:
    @staticmethod
    def ask(call, now):
        listened(call)
        if not choice(call, "bookings"):
            return Goto("code", [_("There are no bookings for this telephone number.")])
        booking = _current(call)
        if booking is None:
            return Goto("menu", [_("Those were all the bookings.")])
        name = callers.given_name(booking.person, call.language)
        people = people_count(booking.seats)
        lines = [_("Booking of %(name)s, %(people)s.", name=name, people=people) if name
                 else _("A booking for %(people)s.", people=people), describe(booking.session)]
        if booking.status == BookingStatus.WAITLISTED:
            lines.append(_("On the waiting list, number %(position)d.",
                           position=waitlist_position(booking)))
        lines.append(_("To cancel this booking, press 1. For the next booking, press 2."))
        lines.append(_("To hear a booking by its booking number, press 3."))
        return lines

    @staticmethod
    def press(call, key, now):
        booking = _current(call)
        if key == "1" and booking is not None:
            return to_cancel(call, booking, back="mine")
        if key == "2":
            return _next(call, [])
        if key == "3":
            return Goto("code")
        return None


def to_cancel(call, booking, *, back):
    """Ask to confirm cancelling `booking`; `back` is the step it was read at."""
    choose(call, cancel_id=booking.id, cancel_back=back)
    return Goto("mine_cancel")


def _after_cancel(call, said):
    """On from the confirming step: the next of my bookings, or the menu after a
    booking heard by its code."""
    if choice(call, "cancel_back") == "mine":
        return _next(call, said)
    return Goto("menu", said)


@step("mine_cancel", back=lambda call: choice(call, "cancel_back", "mine"))
class ConfirmCancel:
    @staticmethod
    def ask(call, now):
        return [_("Do you really want to cancel this booking?"),
                _("To cancel it, press 1. To keep it, press 2."),
                _("You can also answer yes or no.")]

    words = YES_NO

    @staticmethod
    def press(call, key, now):
        if key == "2":
            return _after_cancel(call, [_("The booking is kept.")])
        if key != "1":
            return None
        booking = offers.booking(choice(call, "cancel_id"))
        if booking is None or booking.status not in ACTIVE_BOOKING_STATUSES:
            return _after_cancel(call, [_("This booking has been cancelled.")])
        try:
            events.cancel_booking(booking, actor=ACTOR, now=now)
        except DeskError as error:
            return _after_cancel(call, [error.message])
        call.outcome = CallOutcome.CANCELLED
        return _after_cancel(call, [_("The booking is cancelled.")])
