"""Planning messages as outbox rows, in the transaction that makes them necessary.

Which channel reaches a person: their choice when it can work (SMS needs a mobile, a
voice call a phone, e-mail an address), otherwise automatic: SMS to a mobile, a voice
call to a landline or IP phone, e-mail when there is no phone. Without consent, or with
the choice "none", nothing is planned. Reminders and confirmations also go by e-mail
where an address exists (that carries the calendar invite). Proxy contacts who agreed
get a copy on their own phone or address.

Sending, quiet hours and rate limits belong to the dispatcher (desk.notify.dispatch).
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
from desk.people.models import ReminderChannel


def _phone_channel(phone, kind):
    if not phone:
        return None
    return MessageChannel.SMS if kind == PhoneKind.MOBILE else MessageChannel.VOICE


def person_channels(person):
    """[(channel, address)] for a person, primary first; [] without consent."""
    if not person.has_consent or person.reminder_channel == ReminderChannel.NONE:
        return []
    choice = person.reminder_channel
    primary = None
    if choice == ReminderChannel.SMS and person.phone_kind == PhoneKind.MOBILE:
        primary = (MessageChannel.SMS, person.phone)
    elif choice == ReminderChannel.VOICE and person.phone:
        primary = (MessageChannel.VOICE, person.phone)
    elif choice == ReminderChannel.EMAIL and person.email:
        primary = (MessageChannel.EMAIL, person.email)
    if primary is None:
        channel = _phone_channel(person.phone, person.phone_kind)
        if channel is not None:
            primary = (channel, person.phone)
        elif person.email:
            primary = (MessageChannel.EMAIL, person.email)
    channels = [primary] if primary else []
    if person.email and primary and primary[0] != MessageChannel.EMAIL:
        channels.append((MessageChannel.EMAIL, person.email))
    return channels


def proxy_channels(proxy):
    if not proxy.wants_copies:
        return []
    channel = _phone_channel(proxy.phone, proxy.phone_kind)
    if channel is not None:
        return [(channel, proxy.phone)]
    return [(MessageChannel.EMAIL, proxy.email)] if proxy.email else []


def _recipients(person):
    proxies = list(person.proxies)  # loaded before any message is added: one flush for all
    yield RecipientKind.PERSON, person, None, person_channels(person)
    for proxy in proxies:
        yield RecipientKind.PROXY, person, proxy, proxy_channels(proxy)


def message_values(template, *, session, person, booking_id, due, now):
    """The outbox rows, as column values, that `plan` adds (the demo data writes them
    in bulk). Nothing for a session that will have started by `due`."""
    if due >= session.start_dt:
        return []
    return [{"recipient_kind": kind, "person_id": person.id,
             "proxy_id": proxy.id if proxy else None, "channel": channel, "address": address,
             "template": template, "locale": person.language, "due_dt": max(due, now),
             "booking_id": booking_id, "session_id": session.id,
             "state": MessageState.QUEUED, "created_dt": now, "updated_dt": now}
            for kind, person, proxy, channels in _recipients(person)
            for channel, address in channels]


def plan(template, booking, *, due, now):
    """Queue `template` about `booking` for the person and their consenting proxies.

    Nothing is planned for a session that will have started by `due`. The rows are
    added to the session, not flushed: the caller's next flush (or query) writes all
    the messages it planned in one INSERT."""
    messages = [OutboxMessage(**values) for values in message_values(
        template, session=booking.session, person=booking.person, booking_id=booking.id,
        due=due, now=now)]
    db.session.add_all(messages)
    return messages


def reminder_due(session):
    """The day before the session, at DESK_REMINDER_TIME in Japan time."""
    day_before = to_local(session.start_dt).date() - timedelta(days=1)
    return local_datetime(day_before, current_app.config["DESK_REMINDER_TIME"])


def reminder_times(session):
    """When a session's reminders are due: the day before at DESK_REMINDER_TIME and,
    where the program asks for it, on the morning of the session too."""
    times = [reminder_due(session)]
    program = session.program
    if program is not None and program.morning_reminder_time is not None:
        morning = local_datetime(to_local(session.start_dt).date(),
                                 program.morning_reminder_time)
        if morning < session.start_dt:
            times.append(morning)
    return times


def plan_reminders(booking, *, now):
    """Plan the reminders still ahead (booked after a reminder's time: the confirmation
    stands in for it)."""
    messages = []
    for due in reminder_times(booking.session):
        if due > now:
            messages += plan(MessageTemplate.REMINDER, booking, due=due, now=now)
    return messages


def readdress_person(person, *, now):
    """The person's phone, e-mail, reminder choice or consent changed: their messages
    still queued are cancelled and planned again as the new details say (same template,
    same due time), so that a corrected number gets the reminder and a withdrawn
    consent stops it. Copies to proxy contacts are not touched."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.person_id == person.id,
                    OutboxMessage.recipient_kind == RecipientKind.PERSON,
                    OutboxMessage.state == MessageState.QUEUED)
             .order_by(OutboxMessage.id).with_for_update())
    old = list(db.session.scalars(query))
    wanted = {}
    for message in old:
        message.state = MessageState.CANCELLED
        message.updated_dt = now
        wanted.setdefault((message.template, message.booking_id, message.session_id,
                           message.due_dt), message)
    channels = person_channels(person)
    for (template, booking_id, session_id, due), _message in wanted.items():
        for channel, address in channels:
            db.session.add(OutboxMessage(
                recipient_kind=RecipientKind.PERSON, person_id=person.id, channel=channel,
                address=address, template=template, locale=person.language, due_dt=due,
                booking_id=booking_id, session_id=session_id, state=MessageState.QUEUED,
                created_dt=now, updated_dt=now))
    db.session.flush()
    return len(old)


def cancel_pending(booking, *, now, templates=None):
    """Cancel the queued messages of a booking (all, or those of `templates`)."""
    query = select(OutboxMessage).where(OutboxMessage.booking_id == booking.id,
                                        OutboxMessage.state == MessageState.QUEUED)
    if templates is not None:
        query = query.where(OutboxMessage.template.in_(list(templates)))
    # locked: a row a dispatcher claims meanwhile is re-read as `sending` and left alone
    messages = list(db.session.scalars(query.with_for_update()))
    for message in messages:
        message.state = MessageState.CANCELLED
        message.updated_dt = now
    db.session.flush()
    return len(messages)


def cancel_proxy_messages(proxy, *, now):
    """Cancel the copies still queued for a proxy contact (their consent to copies was
    withdrawn, or they are being removed)."""
    query = select(OutboxMessage).where(OutboxMessage.proxy_id == proxy.id,
                                        OutboxMessage.state == MessageState.QUEUED)
    # locked: a row a dispatcher claims meanwhile is re-read as `sending` and left alone
    messages = list(db.session.scalars(query.with_for_update()))
    for message in messages:
        message.state = MessageState.CANCELLED
        message.updated_dt = now
    db.session.flush()
    return len(messages)
