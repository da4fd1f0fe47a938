"""Planning messages as outbox rows, in the transaction that makes them necessary: the
primitives every feature plans with.

Which channel reaches a person: their choice when it can work (SMS needs a mobile, a
voice call a landline, IP phone or mobile; a number abroad that may be either takes
what the person chose; e-mail needs an address), otherwise automatic: SMS to a mobile,
a voice call to a landline or IP phone (desk.core.phone), e-mail when the phone takes
neither. Toll-free, navigation dial and other non-personal numbers never get a message,
and an ambiguous number abroad gets one only by choice (the staff's pages say why:
desk.people.labels.no_reminder_reason). Without consent, or with the choice "none",
nothing is planned. Messages to a person also go by e-mail where an address exists
(that carries the calendar invite). Proxy contacts who agreed get a copy on their own
phone or address.

Every row names its template and topic (checked against desk.notify.kinds) and the
moment after which it must not go out (`not_after`): nothing is planned that would be
due after it, and the dispatcher cancels what is still waiting then. Sending, quiet
hours and rate limits belong to the dispatcher (desk.notify.dispatch).
"""

from sqlalchemy import select, update

from desk.core.db import lock_rows
from desk.core.phone import CALLABLE_KINDS, ON_REQUEST_KINDS, TEXTABLE_KINDS
from desk.core.statements import many_rows_insert, run
from desk.extensions import db
from desk.notify import kinds, scheduler
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, RecipientKind
from desk.people.models import ReminderChannel

CHOSEN_SMS_KINDS = TEXTABLE_KINDS | ON_REQUEST_KINDS
CHOSEN_VOICE_KINDS = CALLABLE_KINDS | TEXTABLE_KINDS | ON_REQUEST_KINDS


# built once: every planned row is written with the same statement, without the ORM
_INSERT = many_rows_insert(OutboxMessage.__table__)


def _phone_channel(phone, kind):
    """The automatic channel of a phone number, or None when none may reach it."""
    if not phone:
        return None
    if kind in TEXTABLE_KINDS:
        return MessageChannel.SMS
    if kind in CALLABLE_KINDS:
        return MessageChannel.VOICE
    return None


def chosen_address(person, channel):
    """The number or address by which `channel` (sms, voice, email), when the person
    chose it, reaches them; None when it cannot (SMS needs a number that may take
    texts, a call a number that may take calls, e-mail an address)."""
    channel = MessageChannel(str(channel))
    if channel == MessageChannel.EMAIL:
        return person.email or None
    kinds = CHOSEN_SMS_KINDS if channel == MessageChannel.SMS else CHOSEN_VOICE_KINDS
    return person.phone if person.phone and person.phone_kind in kinds else None


def automatic_channel(person):
    """The channel used without asking: SMS to a mobile, a call to a landline or IP
    phone, else e-mail; None when nothing reaches the person."""
    channel = _phone_channel(person.phone, person.phone_kind)
    if channel is not None:
        return channel
    return MessageChannel.EMAIL if person.email else None


def person_channels(person):
    """[(channel, address)] for a person, primary first; [] without consent."""
    if not person.has_consent or person.reminder_channel == ReminderChannel.NONE:
        return []
    choice = person.reminder_channel
    primary = None
    if choice != ReminderChannel.AUTOMATIC:
        address = chosen_address(person, choice)
        if address:
            primary = (MessageChannel(str(choice)), address)
    if primary is None:
        channel = automatic_channel(person)
        if channel is not None:
            primary = (channel, person.email if channel == MessageChannel.EMAIL
                       else person.phone)
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


def message_values(template, *, topic, topic_id, recipient_kind, channel, address, locale,
                   due, now, not_after=None, person_id=None, proxy_id=None,
                   recipient_id=None, secret=None):
    """The column values of one queued row (the demo data writes them in bulk)."""
    kinds.check_planned(template, topic, recipient_kind)
    return {"recipient_kind": str(recipient_kind), "person_id": person_id,
            "proxy_id": proxy_id, "recipient_id": recipient_id, "channel": channel,
            "address": address, "template": str(template), "locale": locale,
            "due_dt": max(due, now), "topic": topic, "topic_id": topic_id,
            "not_after": not_after, "secret": secret, "state": MessageState.QUEUED,
            "created_dt": now, "updated_dt": now}


def person_message_values(template, *, person, topic, topic_id, due, now, not_after=None):
    """The rows, as column values, of `template` for a person and their consenting
    proxies. Nothing when the message would be due at or after `not_after`."""
    if not_after is not None and due >= not_after:
        return []
    return [message_values(template, topic=topic, topic_id=topic_id, recipient_kind=kind,
                           person_id=person.id, proxy_id=proxy.id if proxy else None,
                           channel=channel, address=address, locale=person.language,
                           due=due, now=now, not_after=not_after)
            for kind, person, proxy, channels in _recipients(person)
            for channel, address in channels]


def queue(rows):
    """Write queued outbox rows (column values, as `message_values` gives them) in the
    caller's transaction, by one INSERT, at once; its commit wakes the dispatcher.
    Returns how many."""
    if rows:
        run(db.session, _INSERT, rows)
        scheduler.note_queued(db.session)
    return len(rows)


def _queued(topic, topic_ids):
    ids = topic_ids if hasattr(topic_ids, "subquery") else list(topic_ids)
    return (OutboxMessage.topic == topic, OutboxMessage.topic_id.in_(ids),
            OutboxMessage.state == MessageState.QUEUED)


def cancel_queued(topic, topic_ids, *, now, templates=None, recipient_kind=None,
                  recipient_id=None, channel=None, address=None):
    """Cancel the queued messages about `topic_ids` (a list, or a SELECT of ids) of
    `topic`: all, or those of `templates`, of one recipient, channel or address. Their
    one-time secrets go with them. Returns how many."""
    conditions = list(_queued(topic, topic_ids))
    if templates is not None:
        conditions.append(OutboxMessage.template.in_([str(name) for name in templates]))
    if recipient_kind is not None:
        conditions += [OutboxMessage.recipient_kind == str(recipient_kind),
                       OutboxMessage.recipient_id == recipient_id]
    if channel is not None:
        conditions.append(OutboxMessage.channel == channel)
    if address is not None:
        conditions.append(OutboxMessage.address == address)
    return cancel_where(*conditions, now=now)


def cancel_where(*conditions, now):
    """Cancel the queued messages that match `conditions`, their one-time secrets with
    them. Returns how many."""
    query = select(OutboxMessage).where(OutboxMessage.state == MessageState.QUEUED, *conditions)
    # locked: a row a dispatcher claims meanwhile is re-read as `sending` and left alone
    messages = list(lock_rows(db.session, query.order_by(OutboxMessage.id)))
    for message in messages:
        message.state = MessageState.CANCELLED
        message.secret = None
        message.updated_dt = now
    db.session.flush()
    return len(messages)


def retime(topic, topic_ids, *, not_after, now, templates=None):
    """What the messages about `topic_ids` of `topic` must not outlive moved (a session
    or a shift changed its time): their queued rows take the new `not_after`. Returns
    how many."""
    statement = update(OutboxMessage).where(*_queued(topic, topic_ids))
    if templates is not None:
        statement = statement.where(
            OutboxMessage.template.in_([str(name) for name in templates]))
    result = db.session.execute(
        statement.values(not_after=not_after, updated_dt=now)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount


def readdress_person(person, *, now):
    """The person's phone, e-mail, reminder choice or consent changed: their messages
    still queued are cancelled and planned again as the new details say (same template,
    same topic, same due time, same not_after), so that a corrected number gets the
    reminder and a withdrawn consent stops it. Copies to proxy contacts are not
    touched."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.person_id == person.id,
                    OutboxMessage.recipient_kind == RecipientKind.PERSON,
                    OutboxMessage.state == MessageState.QUEUED)
             .order_by(OutboxMessage.id))
    old = list(lock_rows(db.session, query))
    for message in old:
        message.state = MessageState.CANCELLED
        message.updated_dt = now
    db.session.flush()
    wanted = dict.fromkeys((message.template, message.topic, message.topic_id,
                            message.due_dt, message.not_after) for message in old)
    channels = person_channels(person)
    queue([message_values(template, topic=topic, topic_id=topic_id,
                          recipient_kind=RecipientKind.PERSON, person_id=person.id,
                          channel=channel, address=address, locale=person.language, due=due,
                          now=now, not_after=not_after)
           for (template, topic, topic_id, due, not_after) in wanted
           for channel, address in channels])
    return len(old)


def cancel_proxy_messages(proxy, *, now):
    """Cancel the copies still queued for a proxy contact (their consent to copies was
    withdrawn, or they are being removed)."""
    return cancel_where(OutboxMessage.proxy_id == proxy.id, now=now)
