"""The resident registry: no accounts, no passwords.

A person is known by name (kanji) and reading (kana, stored normalised as full-width
katakana so that search and sort work), and usually by a phone number stored in E.164.
Consent to reminders is recorded with when and how it was given. A family member or a
care manager can be a proxy contact, with their own consent to copies of messages.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.phone import PhoneKind
from desk.core.timeutil import utcnow
from desk.extensions import db


class AgeBand(enum.StrEnum):
    UNDER_60 = "under_60"
    SIXTIES = "60s"
    SEVENTIES = "70s"
    EIGHTIES = "80s"
    NINETY_PLUS = "90_plus"


class ReminderChannel(enum.StrEnum):
    AUTOMATIC = "automatic"  # SMS to a mobile, a voice call to a landline
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"
    NONE = "none"


class ConsentMethod(enum.StrEnum):
    WEB = "web"
    KIOSK = "kiosk"
    PHONE_STAFF = "phone_staff"
    PAPER = "paper"
    PHONE_LINE = "phone_line"


class ProxyRelation(enum.StrEnum):
    FAMILY = "family"
    CARE_MANAGER = "care_manager"
    OTHER = "other"


class Person(db.Model):
    __tablename__ = "people"

    NAME_MAX = 100
    KANA_MAX = 100
    EMAIL_MAX = 254
    NOTE_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_kana: Mapped[str] = mapped_column(String(KANA_MAX))
    # the kana without spaces, for search and duplicate detection
    kana_key: Mapped[str] = mapped_column(String(KANA_MAX))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_kind: Mapped[PhoneKind | None] = mapped_column(enum_column(PhoneKind, "phone_kind"))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand, "age_band"))
    language: Mapped[str] = mapped_column(String(5), default="ja")
    reminder_channel: Mapped[ReminderChannel] = mapped_column(
        enum_column(ReminderChannel, "reminder_channel"), default=ReminderChannel.AUTOMATIC)
    has_consent: Mapped[bool] = mapped_column(default=False)
    consent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_method: Mapped[ConsentMethod | None] = mapped_column(
        enum_column(ConsentMethod, "consent_method"))
    needs_review: Mapped[bool] = mapped_column(default=False)
    review_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    # known only by phone number (a new caller of the automated phone line): `name` is a
    # placeholder or what speech recognition heard, the reading is empty, until a
    # coordinator types them in (desk.people.services.confirm_name)
    name_to_confirm: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    # when the name, reading and contact details were removed (a retention period ended,
    # or the resident asked): the record stays, for the figures, under `ANONYMOUS_NAME`
    anonymised_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_channel: Mapped[str] = mapped_column(String(20))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    district = relationship("District", lazy="joined")
    proxies = relationship("ProxyContact", back_populates="person",
                           cascade="all, delete-orphan", order_by="ProxyContact.id")
    merged_into = relationship("Person", remote_side=[id])

    __table_args__ = (
        CheckConstraint("has_consent = false OR (consent_dt IS NOT NULL "
                        "AND consent_method IS NOT NULL)", name="consent_recorded"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_self_merge"),
        Index("ix_people_phone", "phone"),
        Index("ix_people_kana_key", "kana_key"),
    )

    @property
    def is_merged(self):
        return self.merged_into_id is not None

    @property
    def is_anonymised(self):
        return self.anonymised_dt is not None

    def __repr__(self):
        return f"<Person {self.id}>"


class ProxyContact(db.Model):
    """Someone who books or receives messages for a person (a family member, a care
    manager). Copies of messages go to them only with their own consent."""

    __tablename__ = "proxy_contacts"

    NAME_MAX = 100
    RELATION_NOTE_MAX = 100

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    relation: Mapped[ProxyRelation] = mapped_column(enum_column(ProxyRelation, "relation"))
    relation_note: Mapped[str | None] = mapped_column(String(RELATION_NOTE_MAX))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_kind: Mapped[PhoneKind | None] = mapped_column(enum_column(PhoneKind, "phone_kind"))
    email: Mapped[str | None] = mapped_column(String(Person.EMAIL_MAX))
    wants_copies: Mapped[bool] = mapped_column(default=False)
    consent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_method: Mapped[ConsentMethod | None] = mapped_column(
        enum_column(ConsentMethod, "consent_method"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person", back_populates="proxies")

    __table_args__ = (
        CheckConstraint("wants_copies = false OR (consent_dt IS NOT NULL "
                        "AND consent_method IS NOT NULL)", name="consent_recorded"),
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="reachable"),
        Index("ix_proxy_contacts_person_id", "person_id"),
    )


class DistinctPair(db.Model):
    """Two records a coordinator compared and found to be different residents (family
    members sharing a landline, two people with the same reading): they are no longer
    listed as likely duplicates. Stored once per pair, the lower id first."""

    __tablename__ = "distinct_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    decided_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("low_id < high_id", name="ordered"),
        UniqueConstraint("low_id", "high_id"),
        Index("ix_distinct_people_high_id", "high_id"),
    )


class PrivacyRequestKind(enum.StrEnum):
    STOP_DELETE = "stop_delete"  # 利用停止・削除: anonymise now, cancel what is planned


class ReceivedVia(enum.StrEnum):
    COUNTER = "counter"
    PHONE = "phone"
    MAIL = "mail"
    OTHER = "other"


class PrivacyRequest(db.Model):
    """A resident's request under the personal information law, and who handled it. It
    holds no personal details: the person it was about is the (anonymised) record."""

    __tablename__ = "privacy_requests"

    REFERENCE_MAX = 40

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[PrivacyRequestKind] = mapped_column(enum_column(PrivacyRequestKind, "kind"))
    received_via: Mapped[ReceivedVia] = mapped_column(enum_column(ReceivedVia, "received_via"))
    received_on: Mapped[date] = mapped_column(Date)
    # the city's own number for the request (受付番号), if it gives one
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    handled_by = relationship("User")

    __table_args__ = (
        Index("ix_privacy_requests_person_id", "person_id"),
    )
