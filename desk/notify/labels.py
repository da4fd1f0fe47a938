"""Human labels for the outbox's enumerations and error codes, translated lazily."""

from flask_babel import lazy_gettext as _l

from desk.notify.models import (
    CODE_INTERNAL,
    CODE_OPTED_OUT,
    CODE_RETRIES_EXHAUSTED,
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    MessageTemplate,
    RecipientKind,
    Resolution,
)

STATE_LABELS = {
    MessageState.QUEUED: _l("Waiting to be sent"),
    MessageState.SENDING: _l("Being sent"),
    MessageState.SENT: _l("Sent"),
    MessageState.DELIVERED: _l("Delivered"),
    MessageState.UNDELIVERED: _l("Not delivered"),
    MessageState.FAILED: _l("Failed"),
    MessageState.CANCELLED: _l("Not sent (cancelled)"),
    MessageState.UNKNOWN: _l("Outcome unknown"),
    MessageState.LOGGED: _l("Recorded only (no provider set up)"),
}

CHANNEL_LABELS = {
    MessageChannel.SMS: _l("SMS"),
    MessageChannel.VOICE: _l("Voice call"),
    MessageChannel.EMAIL: _l("E-mail"),
}

TEMPLATE_LABELS = {
    MessageTemplate.BOOKING_CONFIRMED: _l("Booking confirmed"),
    MessageTemplate.WAITLIST_CONFIRMED: _l("On the waiting list"),
    MessageTemplate.WAITLIST_PROMOTED: _l("Seat from the waiting list"),
    MessageTemplate.MOVED_TO_WAITLIST: _l("Moved to the waiting list"),
    MessageTemplate.REMINDER: _l("Reminder"),
    MessageTemplate.BOOKING_CANCELLED: _l("Booking cancelled"),
    MessageTemplate.SESSION_CANCELLED: _l("Session cancelled"),
    MessageTemplate.SESSION_CHANGED: _l("Session changed"),
    MessageTemplate.SHIFT_REMINDER: _l("Shift reminder"),
    MessageTemplate.SHIFT_CHANGED: _l("Shift assigned or changed"),
    MessageTemplate.SHIFT_CANCELLED: _l("Shift cancelled or taken off"),
    MessageTemplate.SHIFT_COVER: _l("Call for cover"),
    MessageTemplate.ACCOUNT_INVITE: _l("Volunteer invitation"),
    MessageTemplate.PASSWORD_RESET: _l("Password reset"),
    MessageTemplate.CONSULT_TURN: _l("Your turn is coming (consultation desk)"),
}

RECIPIENT_LABELS = {
    RecipientKind.PERSON: _l("Resident"),
    RecipientKind.PROXY: _l("Contact person"),
    RecipientKind.VOLUNTEER: _l("Volunteer"),
    RecipientKind.VISITOR: _l("Consultation desk visitor"),
}

RESOLUTION_LABELS = {
    Resolution.SENT_AGAIN: _l("Sent again"),
    Resolution.ARRIVED: _l("Marked as arrived"),
    Resolution.CALLED: _l("Phoned the person"),
}

# Twilio's codes (REFERENCE.md) and desk's own words for messages it held back
ERROR_LABELS = {
    "21211": _l("Invalid phone number"),
    "21610": _l("The number opted out of SMS"),
    "21614": _l("Not a mobile number (no SMS)"),
    "21635": _l("Not a mobile number (no SMS)"),
    "30003": _l("Phone unreachable"),
    "30006": _l("Landline or unreachable carrier"),
    "20429": _l("Provider busy"),
    "busy": _l("The line was busy"),
    "no_answer": _l("Nobody answered the call"),
    CODE_SESSION_STARTED: _l("The session had started"),
    CODE_OPTED_OUT: _l("The number opted out of messages"),
    CODE_RETRIES_EXHAUSTED: _l("Gave up after several tries"),
    CODE_INTERNAL: _l("Could not be prepared"),
    # messages to volunteers that could not be written (desk.volunteers.messages)
    "no_shift": _l("The shift no longer exists"),
    "no_volunteer": _l("The volunteer no longer exists"),
    "not_on_shift": _l("The volunteer is no longer on the shift"),
    "no_secret": _l("The one-time code was already used up"),
    # a consultation desk visitor's turn SMS (desk.consults.messages)
    "no_ticket": _l("The ticket no longer exists"),
    "ticket_closed": _l("The visitor's ticket was no longer waiting"),
}


def error_label(code):
    """A readable reason for an error code; unknown codes are shown as they are."""
    if not code:
        return ""
    return ERROR_LABELS.get(code, code)
