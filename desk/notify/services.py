"""Coordinators' decisions about messages the dispatcher could not settle.

A `failed` message (the provider refused it, or gave up) or an `unknown` one (a
dispatcher stopped between handing it over and recording the result, and the provider
could not tell) waits on the coordinators' page for one of:

- "send again" (`sent_again`): back to `queued`, due now, to the recipient's current
  number or address — refused when the feature that wrote the message says it is no
  longer wanted (desk.notify.kinds: a booking's session started or the booking was
  cancelled; a shift started; a visitor's ticket is no longer waiting), when its
  not_after has passed, when there is no address any more, or when the number opted
  out. If it fails again it is listed again.
- "it arrived" (`arrived`, unknown messages only): the coordinator knows it got there
  (the person said so, or the provider's console shows it): `delivered`.
- "phoned the person" (`called`): the coordinator called instead; the message keeps
  its state and leaves the list.

Each decision is audit-logged; nothing is committed here.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import ConflictError, ValidationError
from desk.extensions import db
from desk.notify import kinds, optout
from desk.notify.models import (
    MessageChannel,
    MessageState,
    OutboxMessage,
    RecipientKind,
    Resolution,
)

MESSAGE_FIELDS = ("state", "address", "due_dt", "resolution", "resolved_dt", "error_code")
NEEDS_DECISION = (MessageState.FAILED, MessageState.UNKNOWN)


def needs_decision(message):
    return message.state in NEEDS_DECISION and message.resolved_dt is None


def current_address(message):
    """The recipient's number or address for the message's channel, as it is now."""
    if message.recipient_kind in (RecipientKind.PERSON, RecipientKind.PROXY):
        holder = (message.proxy if message.recipient_kind == RecipientKind.PROXY
                  else message.person)
        if holder is None:
            return None
        return holder.email if message.channel == MessageChannel.EMAIL else holder.phone
    recipients = kinds.recipients_of(message.recipient_kind)
    return recipients.address(message) if recipients is not None else None


def _check_send_again(message, address, now):
    topic = kinds.topic_of(message.template)
    if topic is None:
        raise ConflictError(_("Nothing in desk writes this kind of message any more: it "
                              "cannot be sent again."))
    topic.check_send_again(message, now=now)
    if message.not_after is not None and message.not_after <= now:
        raise ConflictError(_("It is too late for this message: sending it now would not "
                              "help."))
    if address is None:
        raise ConflictError(_("There is no phone number or e-mail address on record for "
                              "this message any more."))
    if optout.is_opted_out(address, message.channel):
        raise ConflictError(_("The recipient asked not to get messages this way (SMS, "
                              "call or e-mail)."))


def resolve_message(message, decision, *, actor, now):
    """Apply a coordinator's decision (a Resolution value) to a failed or unknown
    message; returns the message."""
    try:
        decision = Resolution(decision)
    except ValueError:
        raise ValidationError(_("Choose what to do with the message.")) from None
    # the dispatcher may settle the row meanwhile (a late result, a provider lookup)
    message = lock_rows(db.session, select(OutboxMessage).where(
        OutboxMessage.id == message.id)).one()
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
                 after=audit.snapshot(message, MESSAGE_FIELDS), note=decision.value, now=now)
    return message
