"""My bookings: the upcoming bookings of the people on the caller's number, read one by
one, each of which can be cancelled with a confirming key through the one cancel service
(the waiting list is promoted and the messages planned as usual)."""

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
            return Goto("menu", [_("There are no bookings for this telephone number.")])
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
        return lines

    @staticmethod
    def press(call, key, now):
        if key == "1" and _current(call) is not None:
            return Goto("mine_cancel")
        if key == "2":
            return _next(call, [])
        return None


@step("mine_cancel", back="mine")
class ConfirmCancel:
    @staticmethod
    def ask(call, now):
        return [_("Do you really want to cancel this booking?"),
                _("To cancel it, press 1. To keep it, press 2.")]

    @staticmethod
    def press(call, key, now):
        if key == "2":
            return _next(call, [_("The booking is kept.")])
        if key != "1":
            return None
        booking = _current(call)
        if booking is None:
            return Goto("mine")
        try:
            events.cancel_booking(booking, actor=ACTOR, now=now)
        except DeskError as error:
            return _next(call, [error.message])
        call.outcome = CallOutcome.CANCELLED
        return _next(call, [_("The booking is cancelled.")])
