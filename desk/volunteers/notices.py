"""Planning messages to volunteers as outbox rows, in the transaction that needs them.

A volunteer chooses SMS or e-mail for shift reminders and changes (or none); when the
choice cannot work (no mobile number, no address) the other one is used. Invitations and
password resets go by the channel the coordinator or the volunteer picked, whatever the
choice.

Each row is addressed to the volunteer (recipient kind "volunteer", the volunteer's
id) and is about a shift (topic "shift", the shift's id) or the volunteer's login
account (topic "account", the user's id). A shift message must not go out once the
shift has started (a call for cover: once it has ended): that moment is its `not_after`,
moved with the shift (`retime_shift`); nothing is planned that would be due by then.
Sending and quiet hours belong to the dispatcher (desk.notify.dispatch).
"""

import enum
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from desk.core.phone import PhoneKind
from desk.core.timeutil import local_datetime, to_local
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.volunteers.models import VolunteerChannel

RECIPIENT = "volunteer"
SHIFT_TOPIC = "shift"
ACCOUNT_TOPIC = "account"


class ShiftTemplate(enum.StrEnum):
    SHIFT_REMINDER = "shift_reminder"
    SHIFT_CHANGED = "shift_changed"
    SHIFT_CANCELLED = "shift_cancelled"
    SHIFT_COVER = "shift_cover"  # a same-day call for a volunteer to step in


class AccountTemplate(enum.StrEnum):
    ACCOUNT_INVITE = "account_invite"
    PASSWORD_RESET = "password_reset"


SHIFT_TEMPLATES = tuple(ShiftTemplate)
# shift messages that are over once the shift starts (a call for cover: once it ends)
BEFORE_START = tuple(template for template in ShiftTemplate
                     if template != ShiftTemplate.SHIFT_COVER)


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


def not_after(template, shift):
    """The moment after which a shift message is of no use."""
    return shift.end_dt if template == ShiftTemplate.SHIFT_COVER else shift.start_dt


def message_values(template, volunteer, *, shift=None, due, now, channel=None, secret=None):
    """The column values of one message to a volunteer (the demo data writes them in
    bulk), or None when there is nobody to reach or the shift will be over by `due`.
    `channel` forces a channel (invitations)."""
    if channel is None:
        reach = volunteer_channel(volunteer)
    elif channel == MessageChannel.SMS:
        reach = (channel, sms_address(volunteer)) if sms_address(volunteer) else None
    else:
        reach = (channel, volunteer.email) if volunteer.email else None
    if reach is None:
        return None
    if shift is not None:
        topic, topic_id, limit = SHIFT_TOPIC, shift.id, not_after(template, shift)
        if due >= limit:
            return None
    else:
        topic, topic_id, limit = ACCOUNT_TOPIC, volunteer.user_id, None
    return planning.message_values(
        template, topic=topic, topic_id=topic_id, recipient_kind=RECIPIENT,
        recipient_id=volunteer.id, channel=reach[0], address=reach[1],
        locale=volunteer.language, due=due, now=now, not_after=limit, secret=secret)


def plan(template, volunteer, *, shift=None, due, now, channel=None, secret=None):
    """Queue one message to a volunteer; None when there is nobody to reach or the
    shift will be over by `due`. `channel` forces a channel (invitations)."""
    values = message_values(template, volunteer, shift=shift, due=due, now=now,
                            channel=channel, secret=secret)
    if values is None:
        return None
    message = OutboxMessage(**values)
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
    return plan(ShiftTemplate.SHIFT_REMINDER, assignment.volunteer, shift=assignment.shift,
                due=due, now=now)


def cancel_pending(volunteer_id, shift_id, *, now, templates=SHIFT_TEMPLATES):
    """Cancel a volunteer's queued messages about a shift (all shift templates, or
    those given)."""
    return planning.cancel_queued(SHIFT_TOPIC, [shift_id], now=now, templates=templates,
                                  recipient_kind=RECIPIENT, recipient_id=volunteer_id)


def retime_shift(shift, *, now):
    """The shift moved: its queued messages must not go out after its new start (a call
    for cover: its new end)."""
    planning.retime(SHIFT_TOPIC, [shift.id], not_after=shift.start_dt, now=now,
                    templates=BEFORE_START)
    planning.retime(SHIFT_TOPIC, [shift.id], not_after=shift.end_dt, now=now,
                    templates=[ShiftTemplate.SHIFT_COVER])


def already_asked(volunteer_id, shift_id):
    """Whether a call for cover about this shift was already planned for the volunteer
    (and not withdrawn): the same request is never sent twice."""
    return db.session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.topic == SHIFT_TOPIC, OutboxMessage.topic_id == shift_id,
               OutboxMessage.recipient_kind == RECIPIENT,
               OutboxMessage.recipient_id == volunteer_id,
               OutboxMessage.template == ShiftTemplate.SHIFT_COVER,
               OutboxMessage.state != MessageState.CANCELLED).limit(1)) is not None
