"""The outbox: every message to a resident or a volunteer is a row.

The booking issue plans rows (`queued`, with a due time); the dispatcher of the
notifications issue claims due rows atomically and sends them. States follow DESIGN.md:
queued -> sending -> sent -> delivered / undelivered, or failed, cancelled, unknown,
logged (no provider configured: recorded, not sent).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
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


class MessageTemplate(enum.StrEnum):
    BOOKING_CONFIRMED = "booking_confirmed"
    WAITLIST_CONFIRMED = "waitlist_confirmed"
    WAITLIST_PROMOTED = "waitlist_promoted"
    MOVED_TO_WAITLIST = "moved_to_waitlist"
    REMINDER = "reminder"
    BOOKING_CANCELLED = "booking_cancelled"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_CHANGED = "session_changed"
    # to volunteers (desk.volunteers.messages renders these)
    SHIFT_REMINDER = "shift_reminder"
    SHIFT_CHANGED = "shift_changed"
    SHIFT_CANCELLED = "shift_cancelled"
    SHIFT_COVER = "shift_cover"  # a same-day call for a volunteer to step in
    ACCOUNT_INVITE = "account_invite"
    PASSWORD_RESET = "password_reset"
    # to a visitor waiting at a consultation desk (desk.consults.messages)
    CONSULT_TURN = "consult_turn"


class RecipientKind(enum.StrEnum):
    PERSON = "person"
    PROXY = "proxy"
    VOLUNTEER = "volunteer"
    VISITOR = "visitor"  # a consultation desk ticket with a phone number


class Resolution(enum.StrEnum):
    """A coordinator's decision about a failed or unknown message."""

    SENT_AGAIN = "sent_again"  # queued once more (the row goes back to `queued`)
    ARRIVED = "arrived"  # the person got it (the row becomes `delivered`)
    CALLED = "called"  # a coordinator phoned the person instead


# `error_code` of a message desk itself stopped (the provider's own codes are numbers)
CODE_SESSION_STARTED = "session_started"
CODE_OPTED_OUT = "opted_out"
CODE_RETRIES_EXHAUSTED = "retries_exhausted"
CODE_INTERNAL = "internal"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    ADDRESS_MAX = 254
    ERROR_MAX = 1000
    CODE_MAX = 32
    SECRET_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[RecipientKind] = mapped_column(
        enum_column(RecipientKind, "recipient_kind"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    proxy_id: Mapped[int | None] = mapped_column(
        ForeignKey("proxy_contacts.id", ondelete="SET NULL"))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel, "channel"))
    # E.164 phone number or e-mail address, as known when the message was planned
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    template: Mapped[MessageTemplate] = mapped_column(enum_column(MessageTemplate, "template"))
    locale: Mapped[str] = mapped_column(String(5))
    due_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("consult_tickets.id", ondelete="SET NULL"))
    # a one-time link or code the text must carry (an invitation, a password reset):
    # kept only until the message has been handed over, then wiped
    secret: Mapped[str | None] = mapped_column(String(SECRET_MAX))
    state: Mapped[MessageState] = mapped_column(
        enum_column(MessageState, "state"), default=MessageState.QUEUED)
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
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person = relationship("Person")
    proxy = relationship("ProxyContact")
    booking = relationship("Booking")
    session = relationship("EventSession")
    volunteer = relationship("Volunteer")
    shift = relationship("Shift")
    ticket = relationship("Ticket")

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("person_id IS NOT NULL OR proxy_id IS NOT NULL "
                        "OR volunteer_id IS NOT NULL OR ticket_id IS NOT NULL "
                        "OR state <> 'queued'", name="recipient"),
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
        Index("ix_outbox_messages_booking_id", "booking_id"),
        Index("ix_outbox_messages_session_id", "session_id"),
        Index("ix_outbox_messages_volunteer_id", "volunteer_id"),
        Index("ix_outbox_messages_shift_id", "shift_id"),
        Index("ix_outbox_messages_ticket_id", "ticket_id"),
    )

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.state}>"


class OptOutSource(enum.StrEnum):
    SMS_REPLY = "sms_reply"  # the person replied STOP / 停止
    PROVIDER = "provider"  # Twilio refused: the recipient opted out there (21610)
    STAFF = "staff"  # a coordinator recorded the wish


class OptOut(db.Model):
    """A phone number (E.164) or address that asked not to be messaged (STOP, Twilio
    21610, or a coordinator). Opting back in deletes the row; the audit log keeps both."""

    __tablename__ = "opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(OutboxMessage.ADDRESS_MAX), unique=True)
    opted_out_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[OptOutSource] = mapped_column(enum_column(OptOutSource, "source"))

    def __repr__(self):
        return f"<OptOut {self.id} {self.source}>"


class ReplyAction(enum.StrEnum):
    """What desk did with an SMS a person sent in."""

    CONFIRMED = "confirmed"  # 1 / はい: attendance confirmed
    CANCEL_ASKED = "cancel_asked"  # 2 / キャンセル: asked to send 2 again
    CANCELLED = "cancelled"  # the second 2: booking cancelled
    OPTED_OUT = "opted_out"  # 停止 / STOP
    OPTED_IN = "opted_in"  # 再開 / START
    REFUSED = "refused"  # understood, but the booking can no longer be changed
    HELP = "help"  # anything else: the help text


class SmsReply(db.Model):
    """An SMS a person sent to desk (Twilio's inbound webhook) and what desk did with it.

    It answers the latest message desk sent to that number (`message_id`, and its
    booking). The provider's MessageSid is unique, so a webhook Twilio delivers twice
    acts once. The latest reply of a number being `cancel_asked` is what makes a second
    "2" cancel."""

    __tablename__ = "sms_replies"

    BODY_MAX = 160

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(OutboxMessage.ADDRESS_MAX))
    body: Mapped[str] = mapped_column(String(BODY_MAX))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"))
    action: Mapped[ReplyAction] = mapped_column(enum_column(ReplyAction, "action"))
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    booking = relationship("Booking")

    __table_args__ = (
        Index("ix_sms_replies_address", "address", "received_dt"),
    )

    def __repr__(self):
        return f"<SmsReply {self.id} {self.action}>"
