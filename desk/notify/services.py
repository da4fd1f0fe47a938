"""Coordinators' decisions about messages the dispatcher could not settle.

A `failed` message (the provider refused it, or gave up) or an `unknown` one (a
dispatcher stopped between handing it over and recording the result, and the provider
could not tell) waits on the coordinators' page for one of:

- "send again" (`sent_again`): back to `queued`, due now, to the recipient's current
  number or address — refused when the session has started, the booking was cancelled,
  or the number opted out (a consultation desk visitor's turn SMS: when the ticket is
  no longer waiting or the session is over). If it fails again it is listed again.
- "it arrived" (`arrived`, unknown messages only): the coordinator knows it got there
  (the person said so, or the provider's console shows it): `delivered`.
- "phoned the person" (`called`): the coordinator called instead; the message keeps
  its state and leaves the list.

Each decision is audit-logged; nothing is committed here.
"""

from flask_babel import gettext as _

from desk.core import audit
from desk.core.errors import ConflictError, ValidationError
from desk.events.models import BookingStatus
from desk.extensions import db
from desk.notify import optout
from desk.notify.models import (
    MessageChannel,
    MessageState,
    MessageTemplate,
    RecipientKind,
    Resolution,
)

MESSAGE_FIELDS = ("state", "address", "due_dt", "resolution", "resolved_dt", "error_code")
NEEDS_DECISION = (MessageState.FAILED, MessageState.UNKNOWN)
# what may still be sent about a cancelled booking
CANCELLATION_TEMPLATES = (MessageTemplate.BOOKING_CANCELLED, MessageTemplate.SESSION_CANCELLED)
# messages to volunteers whose one-time secret is wiped once they were handed over
SECRET_TEMPLATES = (MessageTemplate.ACCOUNT_INVITE, MessageTemplate.PASSWORD_RESET)


def needs_decision(message):
    return message.state in NEEDS_DECISION and message.resolved_dt is None


def current_address(message):
    """The recipient's number or address for the message's channel, as it is now."""
    if message.recipient_kind == RecipientKind.VOLUNTEER:
        volunteer = message.volunteer
        if volunteer is None:
            return None
        if message.channel == MessageChannel.EMAIL:
            return volunteer.email
        from desk.volunteers.notices import sms_address

        return sms_address(volunteer)
    if message.recipient_kind == RecipientKind.VISITOR:
        ticket = message.ticket
        return ticket.phone if ticket is not None else None
    holder = message.proxy if message.recipient_kind == RecipientKind.PROXY else message.person
    if holder is None:
        return None
    return holder.email if message.channel == MessageChannel.EMAIL else holder.phone


def _check_volunteer_message(message, now):
    if message.template in SECRET_TEMPLATES and not message.secret:
        raise ConflictError(_("The one-time code of this message cannot be sent again: "
                              "send a new invitation or password reset instead."))
    shift = message.shift
    if shift is None:
        return
    # a call for cover still helps while the shift goes on
    if message.template == MessageTemplate.SHIFT_COVER:
        if shift.end_dt <= now:
            raise ConflictError(_("This shift is over."))
    elif shift.start_dt <= now:
        raise ConflictError(_("The shift has already started: sending the message now "
                              "would not help."))


def _check_visitor_message(message, now):
    """A consultation desk visitor's turn SMS helps while they wait, during the session."""
    from desk.consults.messages import STILL_WANTED

    ticket = message.ticket
    if ticket is None or ticket.status not in STILL_WANTED:
        raise ConflictError(_("The visitor's ticket is no longer waiting: this message is "
                              "no longer wanted."))
    if message.session is not None and message.session.end_dt <= now:
        raise ConflictError(_("The consultation session is over: sending the message now "
                              "would not help."))


def _check_send_again(message, address, now):
    session = message.session
    if message.recipient_kind == RecipientKind.VOLUNTEER:
        _check_volunteer_message(message, now)
        session = None  # the shift's time counts (checked above)
    elif message.recipient_kind == RecipientKind.VISITOR:
        _check_visitor_message(message, now)
        session = None  # it is sent while the session runs (checked above)
    if session is not None and session.start_dt <= now:
        raise ConflictError(_("The session has already started: sending the message now "
                              "would not help."))
    booking = message.booking
    if (booking is not None and booking.status == BookingStatus.CANCELLED
            and message.template not in CANCELLATION_TEMPLATES):
        raise ConflictError(_("The booking has been cancelled: this message is no longer "
                              "wanted."))
    if address is None:
        raise ConflictError(_("There is no phone number or e-mail address on record for "
                              "this message any more."))
    if message.channel != MessageChannel.EMAIL and optout.is_opted_out(address):
        raise ConflictError(_("This number asked not to receive messages."))


def resolve_message(message, decision, *, actor, now):
    """Apply a coordinator's decision (a Resolution value) to a failed or unknown
    message; returns the message."""
    try:
        decision = Resolution(decision)
    except ValueError:
        raise ValidationError(_("Choose what to do with the message.")) from None
    # the dispatcher may settle the row meanwhile (a late result, a provider lookup)
    db.session.refresh(message, with_for_update=True)
    if not needs_decision(message):
        raise ConflictError(_("This message no longer needs a decision."))
    if decision == Resolution.ARRIVED and message.state != MessageState.UNKNOWN:
        raise ConflictError(_("Only a message whose outcome is unknown can be marked as "
                              "arrived."))
    address = current_address(message)
    if decision == Resolution.SENT_AGAIN:
        _check_send_again(message, address, now)
    before = audit.snapshot(message, MESSAGE_FIELDS)
    message.resolution = decision
    message.updated_dt = now
    if decision == Resolution.ARRIVED:
        message.state = MessageState.DELIVERED
        message.resolved_dt = now
    elif decision == Resolution.SENT_AGAIN:
        message.address = address
        message.state = MessageState.QUEUED
        message.due_dt = now
    else:
        message.resolved_dt = now
    db.session.flush()
    audit.record("notify.message_decision", message, actor=actor, before=before,
                 after=audit.snapshot(message, MESSAGE_FIELDS), note=decision.value)
    return message
