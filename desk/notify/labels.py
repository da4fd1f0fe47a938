"""Human labels for the outbox's enumerations and error codes, translated lazily.
Templates, other kinds of recipients and the features' own error codes are labelled
by the features that registered them (desk.notify.kinds)."""

from flask_babel import lazy_gettext as _l

from desk.notify import kinds
from desk.notify.models import (
    CODE_INTERNAL,
    CODE_OPTED_OUT,
    CODE_RETRIES_EXHAUSTED,
    CODE_SESSION_STARTED,
    CODE_UNKNOWN_TEMPLATE,
    MessageChannel,
    MessageState,
    OptOutSource,
    ReplyAction,
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

RESOLUTION_LABELS = {
    Resolution.SENT_AGAIN: _l("Sent again"),
    Resolution.ARRIVED: _l("Marked as arrived"),
    Resolution.CALLED: _l("Phoned the person"),
}

REPLY_ACTION_LABELS = {
    ReplyAction.CONFIRMED: _l("Attendance confirmed"),
    ReplyAction.CANCEL_ASKED: _l("Asked to send 2 again to cancel"),
    ReplyAction.CANCELLED: _l("Booking cancelled"),
    ReplyAction.OPTED_OUT: _l("Messages stopped"),
    ReplyAction.OPTED_IN: _l("Messages started again"),
    ReplyAction.REFUSED: _l("The booking could no longer be changed"),
    ReplyAction.HELP: _l("Sent the help text"),
}

# a person's channels on their page: what desk does, and what it does not do
CHANNEL_ALLOWED = {
    MessageChannel.SMS: _l("SMS are sent"),
    MessageChannel.VOICE: _l("Calls are made"),
    MessageChannel.EMAIL: _l("E-mail is sent"),
}
CHANNEL_STOPPED = {
    MessageChannel.SMS: _l("No SMS"),
    MessageChannel.VOICE: _l("No calls"),
    MessageChannel.EMAIL: _l("No e-mail"),
}
# who stopped it, with %(date)s (and %(name)s: the coordinator)
OPT_OUT_SOURCE_LABELS = {
    OptOutSource.STAFF: _l("set on %(date)s by staff member %(name)s"),
    OptOutSource.SMS_REPLY: _l("the person replied STOP by SMS on %(date)s"),
    OptOutSource.PROVIDER: _l("refused by the phone company since %(date)s"),
    OptOutSource.PHONE_KEY: _l("the person pressed the key in a call on %(date)s"),
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
    CODE_OPTED_OUT: _l("The recipient opted out of this channel"),
    CODE_RETRIES_EXHAUSTED: _l("Gave up after several tries"),
    CODE_INTERNAL: _l("Could not be prepared"),
    CODE_UNKNOWN_TEMPLATE: _l("Nothing in desk writes this kind of message"),
}


def error_label(code):
    """A readable reason for an error code; unknown codes are shown as they are."""
    if not code:
        return ""
    return ERROR_LABELS.get(code) or kinds.error_labels().get(code, code)
