"""Consultation desks (スマホ何でも相談窓口): queue tickets, visit logs, the topic list,
and who is at the desk screen.

A `Ticket` is one visitor in the queue of one consultation session, numbered 1, 2, 3 …
per session (a unique constraint; the number is taken under the session's row lock).
A walk-in ticket is served in arrival order; a reserved one (a booking of a reserved
slot, checked in at reception) at its slot time. A `Visit` is what the volunteer logged
about a served ticket: topics, device, minutes, outcome, a short note.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.timeutil import utcnow
from desk.extensions import db


class TicketKind(enum.StrEnum):
    WALK_IN = "walk_in"
    RESERVED = "reserved"


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    SERVING = "serving"  # a volunteer took it and sits with the visitor
    SERVED = "served"
    SKIPPED = "skipped"  # called, not present (can be recalled)
    CANCELLED = "cancelled"  # the visitor left, or the ticket was a mistake


OPEN_TICKET_STATUSES = (TicketStatus.WAITING, TicketStatus.SERVING)


class Device(enum.StrEnum):
    IPHONE = "iphone"
    ANDROID = "android"
    FLIP_PHONE = "flip_phone"
    TABLET = "tablet"
    PC = "pc"


class Outcome(enum.StrEnum):
    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    REFERRED = "referred"  # e.g. to a carrier shop, or to a class


class ConsultTopic(db.Model):
    """One entry of the configurable topic list (coordinators add, rename, hide)."""

    __tablename__ = "consult_topics"

    NAME_MAX = 50
    CODE_MAX = 30

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))  # Japanese
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    # the class topic (desk.events.models.Topic) a visitor asking this might learn in
    program_topic: Mapped[str | None] = mapped_column(String(30))

    def __repr__(self):
        return f"<ConsultTopic {self.code}>"


class Ticket(db.Model):
    __tablename__ = "consult_tickets"

    NAME_MAX = 100
    REQUEST_KEY_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[TicketKind] = mapped_column(enum_column(TicketKind, "kind"))
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus, "status"), default=TicketStatus.WAITING)
    # a reserved visitor's booking, and the slot it holds
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), unique=True)
    slot_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # optional: a visit may stay anonymous
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    visitor_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, for "your turn is coming"
    wants_sms: Mapped[bool] = mapped_column(default=False)
    # the reception form's submission id: a double tap issues one ticket, not two
    request_key: Mapped[str | None] = mapped_column(String(REQUEST_KEY_MAX), unique=True)
    turn_notice_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # moves it up the queue when recalled after a skip
    queue_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    called_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    service_end_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session = relationship("EventSession", lazy="joined")
    person = relationship("Person")
    booking = relationship("Booking")
    served_by = relationship("User", foreign_keys=[served_by_id])
    visit = relationship("Visit", back_populates="ticket", uselist=False)

    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        CheckConstraint("number > 0", name="number"),
        CheckConstraint("kind <> 'reserved' OR slot_dt IS NOT NULL", name="reserved_slot"),
        CheckConstraint("NOT wants_sms OR phone IS NOT NULL", name="sms_phone"),
        CheckConstraint("status NOT IN ('serving', 'served') OR called_dt IS NOT NULL",
                        name="called"),
        CheckConstraint("status <> 'served' OR service_end_dt IS NOT NULL", name="served"),
        Index("ix_consult_tickets_session_status", "session_id", "status"),
    )

    @property
    def wait_delta(self):
        return self.called_dt - self.issued_dt if self.called_dt else None

    @property
    def service_delta(self):
        if self.called_dt and self.service_end_dt:
            return self.service_end_dt - self.called_dt
        return None

    def __repr__(self):
        return f"<Ticket {self.session_id}-{self.number} {self.status}>"


visit_topics = db.Table(
    "consult_visit_topics",
    db.Column("visit_id", ForeignKey("consult_visits.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("topic_id", ForeignKey("consult_topics.id"), primary_key=True),
)


class Visit(db.Model):
    """The log of one served visit (相談記録)."""

    __tablename__ = "consult_visits"

    NOTE_MAX = 500
    MINUTES_MAX = 240

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("consult_tickets.id", ondelete="CASCADE"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    volunteer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[Device] = mapped_column(enum_column(Device, "device"))
    minutes: Mapped[int]
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "outcome"))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    ticket = relationship("Ticket", back_populates="visit", lazy="joined")
    topics = relationship("ConsultTopic", secondary=visit_topics, lazy="selectin",
                          order_by="ConsultTopic.position")
    volunteer_user = relationship("User")

    __table_args__ = (
        CheckConstraint(f"minutes BETWEEN 1 AND {MINUTES_MAX}", name="minutes"),
        Index("ix_consult_visits_session_id", "session_id"),
    )


class DeskPresence(db.Model):
    """A volunteer (or coordinator) with the session's desk screen open: counted as on
    duty while seen in the last PRESENCE_MINUTES."""

    __tablename__ = "consult_desk_presence"

    PRESENCE_MINUTES = 10

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    last_seen_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
