"""How a call's outcome is said to coordinators."""

from flask_babel import lazy_gettext as _l

from desk.phone.models import CallOutcome

OUTCOME_LABELS = {
    CallOutcome.IN_PROGRESS: _l("In progress"),
    CallOutcome.BOOKED: _l("Booked a seat"),
    CallOutcome.CANCELLED: _l("Cancelled a booking"),
    CallOutcome.LISTENED: _l("Listened"),
    CallOutcome.TRANSFERRED: _l("Put through to staff"),
    CallOutcome.HUNG_UP: _l("Hung up"),
}

# the steps of a call, as coordinators read them in the call log
STEP_LABELS = {
    "person": _l("Choosing who is calling"),
    "menu": _l("Main menu"),
    "key_number": _l("Keying in a withheld number"),
    "key_number_confirm": _l("Confirming the keyed number"),
    "book_how": _l("Booking: how to find a class"),
    "book_area": _l("Booking: choosing an area"),
    "book_class": _l("Booking: choosing a class"),
    "book_seats": _l("Booking: party size"),
    "book_confirm": _l("Booking: read-back before confirming"),
    "booked": _l("Booking: booking number read"),
    "mine": _l("My bookings"),
    "mine_cancel": _l("My bookings: confirming a cancellation"),
    "code": _l("My bookings: keying in a booking number"),
    "code_booking": _l("My bookings: booking heard by its number"),
    "desks": _l("Consultation desks"),
}


def step_label(step):
    return STEP_LABELS.get(step, step)
