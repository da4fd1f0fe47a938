"""The outbox: every message to a resident (later also to volunteers) is a row.

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


class RecipientKind(enum.StrEnum):
    PERSON = "person"
    PROXY = "proxy"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    ADDRESS_MAX = 254
    ERROR_MAX = 1000

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
    state: Mapped[MessageState] = mapped_column(
        enum_column(MessageState, "state"), default=MessageState.QUEUED)
    provider_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person = relationship("Person")
    proxy = relationship("ProxyContact")
    booking = relationship("Booking")
    session = relationship("EventSession")

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("person_id IS NOT NULL OR proxy_id IS NOT NULL "
                        "OR state <> 'queued'", name="recipient"),
        # the dispatcher's scan: only rows still waiting
        Index("ix_outbox_messages_due", "due_dt",
              sqlite_where=text("state = 'queued'"), postgresql_where=text("state = 'queued'")),
        Index("ix_outbox_messages_booking_id", "booking_id"),
        Index("ix_outbox_messages_session_id", "session_id"),
    )

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.state}>"
