"""Volunteers, their skills and usual availability, the shifts of a session and who
holds each place.

A volunteer is a profile a coordinator keeps (name, kana, contact, affiliation, skills);
the login account (desk.auth User with the volunteer role) is made when the volunteer
accepts an invitation. A shift is a role at a session with a number of places; a
`ShiftAssignment` is one volunteer on one shift. There is at most one assignment row per
volunteer and shift: withdrawing and signing up again reuses it, so the calendar feed
keeps one UID per shift and volunteer and only its SEQUENCE grows.
"""

import enum
import secrets
from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.phone import PhoneKind
from desk.core.timeutil import utcnow
from desk.extensions import db


class Affiliation(enum.StrEnum):
    ICT_VOLUNTEER = "ict_volunteer"  # 地域ICTボランティア
    DIGITAL_PROMOTER = "digital_promoter"  # デジタル推進委員
    STUDENT = "student"
    COMPANY = "company"  # company or mobile carrier staff
    CITY_STAFF = "city_staff"


class Skill(enum.StrEnum):
    IPHONE = "iphone"
    ANDROID = "android"
    LINE = "line"
    MY_NUMBER = "my_number"  # My Number card procedures
    MYNAPORTAL = "mynaportal"
    CASHLESS = "cashless"
    ENGLISH = "english"
    CHINESE = "chinese"
    KOREAN = "korean"
    VIETNAMESE = "vietnamese"
    PORTUGUESE = "portuguese"


class ShiftRole(enum.StrEnum):
    LEAD = "lead"
    ASSISTANT = "assistant"
    RECEPTION = "reception"


class ShiftStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"  # holds a place
    WITHDRAWN = "withdrawn"  # the volunteer gave the place back
    REMOVED = "removed"  # a coordinator took the volunteer off the shift
    CANCELLED = "cancelled"  # the shift or its session was cancelled


class AssignmentSource(enum.StrEnum):
    SELF = "self"  # the volunteer signed up
    COORDINATOR = "coordinator"  # a coordinator assigned them


class VolunteerChannel(enum.StrEnum):
    """How a volunteer wants shift reminders and changes."""

    SMS = "sms"
    EMAIL = "email"
    NONE = "none"


def new_feed_token():
    return secrets.token_urlsafe(24)


class Volunteer(db.Model):
    __tablename__ = "volunteers"

    NAME_MAX = 100
    KANA_MAX = 100
    EMAIL_MAX = 254
    NOTES_MAX = 2000
    FEED_TOKEN_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    # the login account, once the volunteer accepted an invitation
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_kana: Mapped[str] = mapped_column(String(KANA_MAX))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_kind: Mapped[PhoneKind | None] = mapped_column(enum_column(PhoneKind, "phone_kind"))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    affiliation: Mapped[Affiliation] = mapped_column(enum_column(Affiliation, "affiliation"))
    is_active: Mapped[bool] = mapped_column(default=True)
    # seen by coordinators only
    notes: Mapped[str | None] = mapped_column(Text)
    message_channel: Mapped[VolunteerChannel] = mapped_column(
        enum_column(VolunteerChannel, "message_channel"), default=VolunteerChannel.EMAIL)
    # the volunteer agreed that volunteers on the same shift may see their phone and e-mail
    shares_contact: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    # the secret in the personal calendar feed's address; a new one revokes the old
    feed_token: Mapped[str] = mapped_column(String(FEED_TOKEN_MAX), unique=True,
                                            default=new_feed_token)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", lazy="joined")
    skill_rows = relationship("VolunteerSkill", cascade="all, delete-orphan",
                              order_by="VolunteerSkill.skill", lazy="selectin")
    availability = relationship("Availability", cascade="all, delete-orphan",
                                order_by="(Availability.weekday, Availability.start_time)",
                                lazy="selectin")

    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact"),
        Index("ix_volunteers_name_kana", "name_kana"),
    )

    @property
    def skills(self):
        return {Skill(row.skill) for row in self.skill_rows}

    def __repr__(self):
        return f"<Volunteer {self.id} {self.affiliation}>"


class VolunteerSkill(db.Model):
    __tablename__ = "volunteer_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    skill: Mapped[Skill] = mapped_column(enum_column(Skill, "skill"))

    __table_args__ = (UniqueConstraint("volunteer_id", "skill"),)


class Availability(db.Model):
    """A usual time a volunteer can help: a weekday (0 = Monday) from and to a local
    time. Open shifts are offered where the shift fits inside one of these; a
    volunteer without any is offered every open shift."""

    __tablename__ = "volunteer_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
    )


class Shift(db.Model):
    __tablename__ = "shifts"

    MAX_PLACES = 20
    NOTES_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    role: Mapped[ShiftRole] = mapped_column(enum_column(ShiftRole, "role"))
    places: Mapped[int] = mapped_column(default=1)
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ShiftStatus] = mapped_column(
        enum_column(ShiftStatus, "status"), default=ShiftStatus.ACTIVE)
    notes: Mapped[str | None] = mapped_column(String(NOTES_MAX))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session = relationship("EventSession", lazy="joined")
    skill_rows = relationship("ShiftSkill", cascade="all, delete-orphan",
                              order_by="ShiftSkill.skill", lazy="selectin")
    assignments = relationship("ShiftAssignment", back_populates="shift",
                               cascade="all, delete-orphan", order_by="ShiftAssignment.id")

    __table_args__ = (
        CheckConstraint(f"places BETWEEN 1 AND {MAX_PLACES}", name="places"),
        CheckConstraint("end_dt > start_dt", name="end_after_start"),
        Index("ix_shifts_session_id", "session_id"),
        Index("ix_shifts_start_dt", "start_dt"),
    )

    @property
    def required_skills(self):
        return {Skill(row.skill) for row in self.skill_rows}

    @property
    def is_cancelled(self):
        return self.status == ShiftStatus.CANCELLED or self.session.is_cancelled

    @property
    def active_assignments(self):
        return [row for row in self.assignments if row.status == AssignmentStatus.ACTIVE]

    def __repr__(self):
        return f"<Shift {self.id} {self.role} session={self.session_id}>"


class ShiftSkill(db.Model):
    __tablename__ = "shift_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    skill: Mapped[Skill] = mapped_column(enum_column(Skill, "skill"))

    __table_args__ = (UniqueConstraint("shift_id", "skill"),)


class ShiftAssignment(db.Model):
    __tablename__ = "shift_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, "status"), default=AssignmentStatus.ACTIVE)
    source: Mapped[AssignmentSource] = mapped_column(enum_column(AssignmentSource, "source"))
    # the calendar feed's SEQUENCE for this shift and volunteer: grows with every change
    sequence: Mapped[int] = mapped_column(default=0)
    check_in_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_out_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_no_show: Mapped[bool] = mapped_column(default=False)
    # when the place was taken (last sign-up) and given back
    assigned_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    shift = relationship("Shift", back_populates="assignments", lazy="joined")
    volunteer = relationship("Volunteer", lazy="joined")

    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        CheckConstraint("sequence >= 0", name="sequence"),
        CheckConstraint("check_out_dt IS NULL OR (check_in_dt IS NOT NULL "
                        "AND check_out_dt >= check_in_dt)", name="check_out_after_in"),
        CheckConstraint("NOT (is_no_show AND check_in_dt IS NOT NULL)", name="no_show"),
        CheckConstraint("status = 'active' OR ended_dt IS NOT NULL", name="ended"),
        Index("ix_shift_assignments_volunteer", "volunteer_id", "status"),
    )

    @property
    def is_active(self):
        return self.status == AssignmentStatus.ACTIVE

    def __repr__(self):
        return f"<ShiftAssignment {self.id} {self.status} shift={self.shift_id}>"
