"""The outbox: every message to a resident, a volunteer or a visitor is a row.

Features plan rows (`queued`, with a due time); the dispatcher claims due rows atomically
and sends them. States follow DESIGN.md: queued -> sending -> sent -> delivered /
undelivered, or failed, cancelled, unknown, logged (no provider configured: recorded,
not sent).

A row says what it is about without a foreign key into any feature's table: `topic` is
a short word the feature chose ("booking", "shift", "account", "ticket") and `topic_id`
the id of that row; `template` names the message, and both are plain strings checked
against desk.notify.kinds when the row is planned. A recipient that is a person or a
proxy contact is `person_id` / `proxy_id` (people lie below notify); any other recipient
(a volunteer, a visitor's ticket) is `recipient_kind` + `recipient_id`. `not_after` is
the moment after which the message must not go out (a session's start, a shift's start
or end), written by the feature at planning time and moved by it (planning.retime) when
that moment moves; the dispatcher cancels a row whose not_after has passed.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.timeutil import utcnow
from desk.extensions import db


class MessageState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    LOGGED = "logged"


class MessageChannel(enum.StrEnum):
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"


class RecipientKind(enum.StrEnum):
    """The recipients notify knows itself (people lie below notify). Features add theirs
    (a volunteer, a consultation desk visitor) through desk.notify.kinds."""

    PERSON = "person"
    PROXY = "proxy"


class Resolution(enum.StrEnum):
    """A coordinator's decision about a failed or unknown message."""

    SENT_AGAIN = "sent_again"  # queued once more (the row goes back to `queued`)
    ARRIVED = "arrived"  # the person got it (the row becomes `delivered`)
    CALLED = "called"  # a coordinator phoned the person instead


# `error_code` of a message desk itself stopped (the provider's own codes are numbers)
CODE_SESSION_STARTED = "session_started"  # its not_after had passed
CODE_OPTED_OUT = "opted_out"
CODE_RETRIES_EXHAUSTED = "retries_exhausted"
CODE_INTERNAL = "internal"
CODE_UNKNOWN_TEMPLATE = "unknown_template"  # no feature writes messages of its template


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    ADDRESS_MAX = 254
    KIND_MAX = 16
    TEMPLATE_MAX = 32
    ERROR_MAX = 1000
    CODE_MAX = 32
    SECRET_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    # "person", "proxy", or a kind a feature registered ("volunteer", "visitor")
    recipient_kind: Mapped[str] = mapped_column(String(KIND_MAX))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    proxy_id: Mapped[int | None] = mapped_column(
        ForeignKey("proxy_contacts.id", ondelete="SET NULL"))
    # the recipient of a registered kind (a volunteer's id, a ticket's id): no foreign key
    recipient_id: Mapped[int | None]
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel, "channel"))
    # E.164 phone number or e-mail address, as known when the message was planned
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    template: Mapped[str] = mapped_column(String(TEMPLATE_MAX))
    locale: Mapped[str] = mapped_column(String(5))
    due_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # what the message is about: a word the feature chose and the id of its row
    topic: Mapped[str] = mapped_column(String(KIND_MAX))
    topic_id: Mapped[int | None]
    # never sent after this moment (the session's start, a shift's start or end)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a one-time link or code the text must carry (an invitation, a password reset):
    # kept only until the message has been handed over, then wiped
    secret: Mapped[str | None] = mapped_column(String(SECRET_MAX))
    state: Mapped[MessageState] = mapped_column(
        enum_column(MessageState, "state"), default=MessageState.QUEUED)
    # planned by the demo data (`desk init --demo`) to made-up people whose numbers may
    # be someone's: the dispatcher logs it and never hands it to a provider
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    provider_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # the provider's error code (e.g. Twilio 21211), or one of desk's CODE_* words
    error_code: Mapped[str | None] = mapped_column(String(CODE_MAX))
    # the message this one stands in for (a voice call after a landline refused an SMS)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    resolution: Mapped[Resolution | None] = mapped_column(enum_column(Resolution, "resolution"))
    resolved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # set by every change with the moment it acts at (the dispatcher's, the planner's
    # `now`), never by an onupdate: that would write the wall clock whenever a change
    # leaves the value as it was (a demo or a test clock standing still)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person")
    proxy = relationship("ProxyContact")

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("person_id IS NOT NULL OR proxy_id IS NOT NULL "
                        "OR recipient_id IS NOT NULL OR state <> 'queued'", name="recipient"),
        # the dispatcher's scan: only rows still waiting
        Index("ix_outbox_messages_due", "due_dt",
              sqlite_where=text("state = 'queued'"), postgresql_where=text("state = 'queued'")),
        # stale claims (a dispatcher that died) and the coordinators' list of messages
        # that need a decision
        Index("ix_outbox_messages_claimed", "claimed_dt",
              sqlite_where=text("state = 'sending'"), postgresql_where=text("state = 'sending'")),
        Index("ix_outbox_messages_attention", "updated_dt",
              sqlite_where=text("state IN ('failed', 'unknown') AND resolved_dt IS NULL"),
              postgresql_where=text("state IN ('failed', 'unknown') AND resolved_dt IS NULL")),
        # a feature's look-up of its own rows (a booking's messages, a shift's)
        Index("ix_outbox_messages_topic", "topic", "topic_id"),
        Index("ix_outbox_messages_recipient", "recipient_kind", "recipient_id"),
    )

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.state}>"


class OptOutSource(enum.StrEnum):
    SMS_REPLY = "sms_reply"  # the person replied STOP / 停止 (SMS only)
    PROVIDER = "provider"  # Twilio refused: the recipient opted out there (21610, SMS only)
    STAFF = "staff"  # a coordinator recorded the wish (on the person's page)
    PHONE_KEY = "phone_key"  # the person pressed the "no more calls" key in a call


class OptOut(db.Model):
    """A phone number (E.164) or e-mail address that asked not to get messages of one
    channel: SMS (STOP, Twilio 21610, or a coordinator), calls (the call's key, or a
    coordinator) or e-mail (a coordinator). An SMS opt-out does not stop calls to the
    same number, nor the other way round. Opting back in deletes the row; the audit log
    keeps both."""

    __tablename__ = "opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(OutboxMessage.ADDRESS_MAX))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel, "channel"))
    opted_out_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[OptOutSource] = mapped_column(enum_column(OptOutSource, "source"))
    # the coordinator who recorded it (source STAFF)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    actor = relationship("User")

    __table_args__ = (
        UniqueConstraint("address", "channel"),
    )

    def __repr__(self):
        return f"<OptOut {self.id} {self.channel} {self.source}>"


class ReplyAction(enum.StrEnum):
    """What desk did with an SMS a person sent in (the feature whose message was answered
    decides the first three and `refused`; desk.notify.replies the rest)."""

    CONFIRMED = "confirmed"  # e.g. 1 / はい: attendance confirmed
    CANCEL_ASKED = "cancel_asked"  # e.g. 2 / キャンセル: asked to send 2 again
    CANCELLED = "cancelled"  # e.g. the second 2: booking cancelled
    OPTED_OUT = "opted_out"  # 停止 / STOP
    OPTED_IN = "opted_in"  # 再開 / START
    REFUSED = "refused"  # understood, but the booking can no longer be changed
    HELP = "help"  # anything else: the help text


class SmsReply(db.Model):
    """An SMS a person sent to desk (Twilio's inbound webhook) and what desk did with it.

    It answers the latest message desk sent to that number (`message_id`, and what that
    message was about: `topic`, `topic_id`). The provider's MessageSid is unique, so a
    webhook Twilio delivers twice acts once. The latest reply of a number being
    `cancel_asked` about the same topic is what makes a second "2" cancel."""

    __tablename__ = "sms_replies"

    BODY_MAX = 160

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(OutboxMessage.ADDRESS_MAX))
    body: Mapped[str] = mapped_column(String(BODY_MAX))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    topic: Mapped[str | None] = mapped_column(String(OutboxMessage.KIND_MAX))
    topic_id: Mapped[int | None]
    action: Mapped[ReplyAction] = mapped_column(enum_column(ReplyAction, "action"))
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_sms_replies_address", "address", "received_dt"),
    )

    def __repr__(self):
        return f"<SmsReply {self.id} {self.action}>"
