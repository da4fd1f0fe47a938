"""How a call's outcome, its steps and the caller's answers are said to coordinators."""

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from desk.phone.calls import BACK_KEY, REPEAT_KEY
from desk.phone.models import Answer, CallOutcome

OUTCOME_LABELS = {
    CallOutcome.IN_PROGRESS: _l("In progress"),
    CallOutcome.BOOKED: _l("Booked a seat"),
    CallOutcome.CANCELLED: _l("Cancelled a booking"),
    CallOutcome.LISTENED: _l("Listened"),
    CallOutcome.TRANSFERRED: _l("Put through to staff"),
    CallOutcome.HUNG_UP: _l("Hung up"),
}

# the steps of a call, as coordinators read them in the call log, in the script's order
STEP_LABELS = {
    "person": _l("Choosing who is calling"),
    "menu": _l("Main menu"),
    "key_number": _l("Keying in a withheld number"),
    "key_number_confirm": _l("Confirming the keyed number"),
    "new_name": _l("New caller: saying their name"),
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


# what a key does at every step (desk.phone.calls), said beside the key in a call's path
KEY_MEANINGS = {REPEAT_KEY: _l("hear it again"), BACK_KEY: _l("go back")}


def answer_label(answer):
    """A caller's answer (a PhoneCallStep) in words: "Key 1", "Key 9 (hear it again)",
    "11 keys (not kept)", "No key", "Spoken"."""
    if answer.answer == Answer.KEY:
        meaning = KEY_MEANINGS.get(answer.key)
        if meaning is not None:
            return gettext("Key %(key)s (%(meaning)s)", key=answer.key, meaning=meaning)
        return gettext("Key %(key)s", key=answer.key)
    if answer.answer == Answer.KEYS:
        return ngettext("%(num)d key (not kept)", "%(num)d keys (not kept)", answer.key_count)
    if answer.answer == Answer.SPEECH:
        return gettext("Spoken (the words are not kept)")
    return gettext("No key (silence)")
