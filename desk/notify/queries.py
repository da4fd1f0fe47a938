"""Read-only listings of the outbox for the coordinators' pages, and a person's
channels (stopped or not) for their page."""

from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from desk.core.paging import paginate
from desk.extensions import db
from desk.notify import kinds, labels, optout
from desk.notify.models import MessageChannel, MessageState, OptOut, OutboxMessage, SmsReply
from desk.notify.planning import CHOSEN_SMS_KINDS, CHOSEN_VOICE_KINDS

PAGE_SIZE = 50
ATTENTION_MAX = 200
RESOLVED_SHOWN = 20


def _with_context(query):
    """The people and proxies with the messages; what the messages are about, and the
    recipients of other kinds, come from their features (desk.notify.kinds.describe,
    addressees), each in a few queries for the whole page."""
    return query.options(selectinload(OutboxMessage.person), selectinload(OutboxMessage.proxy))


def needing_decision():
    """Failed and unknown messages no coordinator has decided about, newest first."""
    return db.session.scalars(_with_context(
        select(OutboxMessage)
        .where(OutboxMessage.state.in_([MessageState.FAILED, MessageState.UNKNOWN]),
               OutboxMessage.resolved_dt.is_(None))
        .order_by(OutboxMessage.updated_dt.desc(), OutboxMessage.id.desc())
        .limit(ATTENTION_MAX))).all()


def count_needing_decision():
    return db.session.scalar(
        select(func.count(OutboxMessage.id))
        .where(OutboxMessage.state.in_([MessageState.FAILED, MessageState.UNKNOWN]),
               OutboxMessage.resolved_dt.is_(None)))


def recently_decided(limit=RESOLVED_SHOWN):
    return db.session.scalars(_with_context(
        select(OutboxMessage)
        .where(OutboxMessage.resolved_dt.is_not(None))
        .order_by(OutboxMessage.resolved_dt.desc(), OutboxMessage.id.desc())
        .limit(limit))).all()


def state_counts():
    """{MessageState: number of messages} for every state (0 where there are none)."""
    counts = dict.fromkeys(MessageState, 0)
    for state, count in db.session.execute(
            select(OutboxMessage.state, func.count(OutboxMessage.id))
            .group_by(OutboxMessage.state)):
        counts[MessageState(state)] = count
    return counts


def messages(*, state=None, page=1):
    """One page of the outbox (a Pagination), optionally of one state: the next due
    first for waiting messages, the latest change first otherwise."""
    condition = OutboxMessage.state == state if state is not None else true()
    if state == MessageState.QUEUED:
        order = (OutboxMessage.due_dt, OutboxMessage.id)
    else:
        order = (OutboxMessage.updated_dt.desc(), OutboxMessage.id.desc())
    return paginate(_with_context(select(OutboxMessage).where(condition).order_by(*order)),
                    page=page, per_page=PAGE_SIZE)


def disclosed_messages(message_ids, reply_ids):
    """The context of the messages' part of a person's disclosure: the messages (oldest
    first) with what each is about, and the SMS replies to them."""
    found = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
        .order_by(OutboxMessage.created_dt, OutboxMessage.id)).all()
    replies = db.session.scalars(
        select(SmsReply).where(SmsReply.id.in_(reply_ids))
        .order_by(SmsReply.received_dt, SmsReply.id)).all()
    return {"messages": found, "about": kinds.describe(found), "replies": replies,
            "template_label": kinds.template_label, "state_labels": labels.STATE_LABELS,
            "channel_labels": labels.CHANNEL_LABELS, "error_label": labels.error_label,
            "reply_action_labels": labels.REPLY_ACTION_LABELS}


@dataclass(frozen=True)
class ChannelState:
    """One way desk reaches a person or one of their proxy contacts."""

    proxy: object  # the ProxyContact, or None: the person themselves
    address: str
    channel: MessageChannel
    opt_out: OptOut | None  # None: messages of this channel go out


def _channels_of(holder):
    """The channels planning may ever use for the holder's number and address (a
    landline has no SMS; a toll-free, ナビダイヤル or unknown number none at all)."""
    if holder.phone:
        if holder.phone_kind in CHOSEN_SMS_KINDS:
            yield holder.phone, MessageChannel.SMS
        if holder.phone_kind in CHOSEN_VOICE_KINDS:
            yield holder.phone, MessageChannel.VOICE
    if holder.email:
        yield holder.email, MessageChannel.EMAIL


def person_channels(person):
    """[ChannelState] of the person's number and e-mail address, then their proxy
    contacts' (a landline has no SMS), in one query for the opt-outs."""
    wanted = [(proxy, address, channel)
              for proxy, holder in [(None, person), *[(proxy, proxy)
                                                      for proxy in person.proxies]]
              for address, channel in _channels_of(holder)]
    found = optout.opt_outs_of(address for _proxy, address, _channel in wanted)
    return [ChannelState(proxy, address, channel, found.get((address, channel)))
            for proxy, address, channel in wanted]
