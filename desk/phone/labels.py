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
