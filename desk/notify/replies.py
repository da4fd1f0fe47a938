"""What a person's SMS reply does (Twilio's inbound webhook calls `handle_sms`).

A reply answers the latest SMS desk sent to that number whose feature reads replies
(desk.notify.kinds: a topic's `answer_sms`), and that feature decides what it does:
for a booking, 1 confirms and 2 cancels (asked twice); volunteers and consultation desk
visitors are told that replies are not read. What stays here, whoever sent the message:
- 停止 / STOP: the number opts out of SMS (calls have their own key, and coordinators
  stop any channel on the person's page: desk.notify.optout); 再開 / START opts back in.
  A topic that `answers_stop` (the news about new classes) gets STOP itself when its
  message is the one answered: it ends only that subscription, and booking messages
  keep coming;
- a reply to nothing, or that the feature leaves alone: a short help text with the
  desk's phone number;
- a DeskError the feature raises (the rule said no): its message is the answer.
Full-width digits and letters are understood (NFKC). Replies are a bonus: every
message also gives the desk's phone number. The answer is written in the language of
the message answered.

The reply is recorded with the message and the topic it answered (SmsReply), so that a
feature can tell a second "2" from a first one. Nothing here commits; the webhook's request
does, once.
"""

import unicodedata

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from desk.core.errors import Busy, DeskError
from desk.core.i18n import force_locale
from desk.extensions import db
from desk.notify import kinds, optout
from desk.notify.models import (
    MessageChannel,
    OptOutSource,
    OutboxMessage,
    ReplyAction,
    SmsReply,
)

ACTOR = "sms reply"

STOP_WORDS = frozenset({"停止", "配信停止", "stop", "stopall", "unsubscribe", "end", "quit"})
START_WORDS = frozenset({"再開", "start", "unstop"})
TRIM = " \t\r\n。．.、,!！?？"


def normalise(body):
    """A reply's text as features compare it: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", body or "").strip(TRIM).lower()


def latest_message_to(address):
    """The latest SMS desk sent to `address` whose feature reads replies, or None."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.address == address,
               OutboxMessage.channel == MessageChannel.SMS,
               OutboxMessage.template.in_(kinds.answering_templates()),
               OutboxMessage.sent_dt.is_not(None))
        .order_by(OutboxMessage.sent_dt.desc(), OutboxMessage.id.desc())
        .limit(1))


def latest_reply(address):
    return db.session.scalar(
        select(SmsReply).where(SmsReply.address == address)
        .order_by(SmsReply.received_dt.desc(), SmsReply.id.desc()).limit(1))


def _phone():
    return current_app.config["DESK_DESK_PHONE"]


def _help():
    return _("This is the smartphone support desk. Questions: %(phone)s", phone=_phone())


def _act(text, message, address, now):
    if not address:
        return ReplyAction.HELP, _help()
    topic = kinds.topic_of(message.template) if message is not None else None
    if text in STOP_WORDS and not (topic is not None and topic.answers_stop):
        optout.opt_out(address, channel=MessageChannel.SMS, source=OptOutSource.SMS_REPLY,
                       actor=ACTOR, now=now)
        return ReplyAction.OPTED_OUT, _(
            "You will get no more messages from us. To get them again, reply START. "
            "Questions: %(phone)s", phone=_phone())
    if text in START_WORDS:
        optout.opt_in(address, channel=MessageChannel.SMS, actor=ACTOR, now=now)
        return ReplyAction.OPTED_IN, _("You will get our messages again.")
    if topic is not None and topic.answer_sms is not None:
        try:
            answer = topic.answer_sms(message, text, address=address,
                                      previous=latest_reply(address), now=now)
        except Busy:
            raise  # the whole reply is rolled back (desk.notify.webhook_views.sms)
        except DeskError as error:
            return ReplyAction.REFUSED, error.message
        if answer is not None:
            return answer
    return ReplyAction.HELP, _help()


def handle_sms(address, body, *, provider_id, now):
    """Act on one inbound SMS; returns the answer's text, or None when this SMS was
    already handled (Twilio delivered the webhook twice)."""
    if db.session.scalar(select(SmsReply.id).where(SmsReply.provider_id == provider_id)):
        return None
    address = (address or "")[:OutboxMessage.ADDRESS_MAX]
    message = latest_message_to(address)
    locale = message.locale if message is not None else current_app.config[
        "DESK_DEFAULT_LOCALE"]
    with force_locale(locale):
        action, text = _act(normalise(body), message, address, now)
    db.session.add(SmsReply(
        provider_id=provider_id, address=address, body=(body or "")[:SmsReply.BODY_MAX],
        message_id=message.id if message is not None else None,
        topic=message.topic if message is not None else None,
        topic_id=message.topic_id if message is not None else None,
        action=action, received_dt=now))
    db.session.flush()
    return text
