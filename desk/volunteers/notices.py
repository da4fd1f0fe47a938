"""Planning messages to volunteers as outbox rows, in the transaction that needs them.

A volunteer chooses SMS or e-mail for shift reminders and changes (or none); when the
choice cannot work (no mobile number, no address) the other one is used. Invitations and
password resets go by the channel the coordinator or the volunteer picked, whatever the
choice. Sending, quiet hours and "never after the session started" belong to the
dispatcher (desk.notify.dispatch).
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from desk.core.phone import PhoneKind
from desk.core.timeutil import local_datetime, to_local
from desk.extensions import db
from desk.notify.models import (
    MessageChannel,
    MessageState,
    MessageTemplate,
    OutboxMessage,
    RecipientKind,
)
from desk.volunteers.models import VolunteerChannel

SHIFT_TEMPLATES = (MessageTemplate.SHIFT_REMINDER, MessageTemplate.SHIFT_CHANGED,
                   MessageTemplate.SHIFT_CANCELLED, MessageTemplate.SHIFT_COVER)


def sms_address(volunteer):
    return volunteer.phone if volunteer.phone and volunteer.phone_kind == PhoneKind.MOBILE \
        else None


def volunteer_channel(volunteer):
    """(channel, address) for shift messages, or None (the volunteer wants none, or
    cannot be reached)."""
    if volunteer.message_channel == VolunteerChannel.NONE:
        return None
    sms = sms_address(volunteer)
    if volunteer.message_channel == VolunteerChannel.SMS and sms:
        return MessageChannel.SMS, sms
    if volunteer.email:
        return MessageChannel.EMAIL, volunteer.email
    if sms:
        return MessageChannel.SMS, sms
    return None


def plan(template, volunteer, *, shift=None, due, now, channel=None, secret=None):
    """Queue one message to a volunteer; None when there is nobody to reach or the
    shift will have started by `due`. `channel` forces a channel (invitations)."""
    if channel is None:
        reach = volunteer_channel(volunteer)
    elif channel == MessageChannel.SMS:
        reach = (channel, sms_address(volunteer)) if sms_address(volunteer) else None
    else:
        reach = (channel, volunteer.email) if volunteer.email else None
    if reach is None:
        return None
    if shift is not None and due >= shift.start_dt and template != MessageTemplate.SHIFT_COVER:
        return None
    if shift is not None and template == MessageTemplate.SHIFT_COVER and due >= shift.end_dt:
        return None
    message = OutboxMessage(
        recipient_kind=RecipientKind.VOLUNTEER, volunteer_id=volunteer.id,
        channel=reach[0], address=reach[1], template=template, locale=volunteer.language,
        due_dt=max(due, now), session_id=shift.session_id if shift is not None else None,
        shift_id=shift.id if shift is not None else None, secret=secret,
        state=MessageState.QUEUED, created_dt=now, updated_dt=now)
    db.session.add(message)
    return message


def reminder_due(shift):
    """The day before the shift, at DESK_SHIFT_REMINDER_TIME (Japan time)."""
    day_before = to_local(shift.start_dt).date() - timedelta(days=1)
    return local_datetime(day_before, current_app.config["DESK_SHIFT_REMINDER_TIME"])


def plan_reminder(assignment, *, now):
    due = reminder_due(assignment.shift)
    if due <= now:
        return None
    return plan(MessageTemplate.SHIFT_REMINDER, assignment.volunteer, shift=assignment.shift,
                due=due, now=now)


def cancel_pending(volunteer_id, shift_id, *, now, templates=SHIFT_TEMPLATES):
    """Cancel a volunteer's queued messages about a shift (all shift templates, or
    those given)."""
    messages = list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.volunteer_id == volunteer_id, OutboxMessage.shift_id == shift_id,
               OutboxMessage.state == MessageState.QUEUED,
               OutboxMessage.template.in_(list(templates)))
        .with_for_update()))
    for message in messages:
        message.state = MessageState.CANCELLED
        message.updated_dt = now
    return len(messages)


def already_asked(volunteer_id, shift_id):
    """Whether a call for cover about this shift was already planned for the volunteer
    (and not withdrawn): the same request is never sent twice."""
    return db.session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.volunteer_id == volunteer_id, OutboxMessage.shift_id == shift_id,
               OutboxMessage.template == MessageTemplate.SHIFT_COVER,
               OutboxMessage.state != MessageState.CANCELLED).limit(1)) is not None
