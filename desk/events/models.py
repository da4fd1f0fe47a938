"""Venues, programs, sessions (class, outreach class, awareness event, consultation)
and the recurring series that generate sessions.

Rules about the data itself are enforced twice: named CHECK/UNIQUE constraints in the
database and the service-level validation in desk.events.services.
"""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.i18n import in_reader_language
from desk.core.timeutil import local_today, to_local, utcnow
from desk.extensions import db

MAX_CAPACITY = 500


class SessionKind(enum.StrEnum):
    CLASS = "class"
    OUTREACH_CLASS = "outreach_class"
    AWARENESS_EVENT = "awareness_event"
    CONSULTATION = "consultation"


KINDS_WITH_PROGRAM = (SessionKind.CLASS, SessionKind.OUTREACH_CLASS)
KINDS_WITH_CAPACITY = (SessionKind.CLASS, SessionKind.OUTREACH_CLASS)


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class SeriesStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class Topic(enum.StrEnum):
    BASICS = "basics"
    CALLS_CAMERA = "calls_camera"
    INTERNET = "internet"
    MAPS = "maps"
    LINE = "line"
    MY_NUMBER = "my_number"
    MYNAPORTAL = "mynaportal"
    CASHLESS = "cashless"
    SCAM_PROTECTION = "scam_protection"
    APPS = "apps"
    OTHER = "other"


class Level(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Device(enum.StrEnum):
    ANY = "any"
    IPHONE = "iphone"
    ANDROID = "android"


class Venue(db.Model):
    __tablename__ = "venues"

    NAME_MAX = 100
    NAME_EN_MAX = 200
    KANA_MAX = 200
    SHORT_NAME_MAX = 8
    SHORT_NAME_EN_MAX = 20
    ADDRESS_MAX = 200
    PHONE_MAX = 20
    NOTES_MAX = 1000

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_kana: Mapped[str] = mapped_column(String(KANA_MAX))
    short_name: Mapped[str] = mapped_column(String(SHORT_NAME_MAX))
    # the English names (romanised at least); None: English readers see the Japanese
    # name, and an English SMS the English name, else the Japanese short name
    name_en: Mapped[str | None] = mapped_column(String(NAME_EN_MAX))
    short_name_en: Mapped[str | None] = mapped_column(String(SHORT_NAME_EN_MAX))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    accessibility_notes_en: Mapped[str | None] = mapped_column(Text)
    default_capacity: Mapped[int] = mapped_column(default=20)
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    is_active: Mapped[bool] = mapped_column(default=True)

    district = relationship("District", lazy="joined")

    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint(f"default_capacity BETWEEN 0 AND {MAX_CAPACITY}", name="default_capacity"),
        CheckConstraint(f"length(short_name) <= {SHORT_NAME_MAX}", name="short_name_length"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_pair"),
    )

    @property
    def display_name(self):
        """The name in the reader's language (desk.core.i18n.in_reader_language)."""
        return in_reader_language(self.name, self.name_en)

    @property
    def display_accessibility_notes(self):
        return in_reader_language(self.accessibility_notes, self.accessibility_notes_en)

    @property
    def display_short_name(self):
        """The name a text message gives, in the reader's language."""
        return in_reader_language(self.short_name, self.short_name_en or self.name_en)

    def __repr__(self):
        return f"<Venue {self.id} {self.name}>"


class Program(db.Model):
    __tablename__ = "programs"

    TITLE_MAX = 100
    KANA_MAX = 200
    TITLE_EN_MAX = 200
    DESCRIPTION_MAX = 2000
    BRING_MAX = 500
    DURATION_MIN = 15
    DURATION_MAX = 480

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    title_kana: Mapped[str] = mapped_column(String(KANA_MAX))
    title_en: Mapped[str | None] = mapped_column(String(TITLE_EN_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[Topic] = mapped_column(enum_column(Topic, "topic"))
    level: Mapped[Level] = mapped_column(enum_column(Level, "level"))
    device: Mapped[Device] = mapped_column(enum_column(Device, "device"))
    default_duration_minutes: Mapped[int] = mapped_column(default=90)
    what_to_bring: Mapped[str | None] = mapped_column(String(BRING_MAX))
    what_to_bring_en: Mapped[str | None] = mapped_column(String(BRING_MAX))
    # a second reminder on the morning of the class, at this time (Japan time); None:
    # only the reminder of the day before
    morning_reminder_time: Mapped[time | None] = mapped_column(Time)
    is_active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        UniqueConstraint("title"),
        CheckConstraint(
            f"default_duration_minutes BETWEEN {DURATION_MIN} AND {DURATION_MAX}",
            name="default_duration_minutes"),
    )

    # the texts in the reader's language (desk.core.i18n.in_reader_language): the
    # English ones for English readers where given, else the Japanese ones
    @property
    def display_title(self):
        return in_reader_language(self.title, self.title_en)

    @property
    def display_description(self):
        return in_reader_language(self.description, self.description_en)

    @property
    def display_what_to_bring(self):
        return in_reader_language(self.what_to_bring, self.what_to_bring_en)

    def __repr__(self):
        return f"<Program {self.id} {self.title}>"


class SessionFieldsMixin:
    """What a session and the series that generates it have in common."""

    TITLE_MAX = 100
    TITLE_EN_MAX = 200
    NOTES_MAX = 2000

    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, "kind"))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    capacity: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # the own title and notes in English; None: English readers see the Japanese ones
    title_en: Mapped[str | None] = mapped_column(String(TITLE_EN_MAX))
    notes_en: Mapped[str | None] = mapped_column(Text)

    # in the reader's language (desk.core.i18n.in_reader_language)
    @property
    def display_title(self):
        return display_title(self)

    @property
    def display_notes(self):
        return in_reader_language(self.notes, self.notes_en)


class SessionSeries(SessionFieldsMixin, db.Model):
    """A recurring series: an RFC 5545 RRULE between two local dates, at a local time."""

    __tablename__ = "session_series"

    RRULE_MAX = 500
    MAX_OCCURRENCES = 400
    REASON_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    rrule: Mapped[str] = mapped_column(String(RRULE_MAX))
    start_date: Mapped[date] = mapped_column(Date)
    until_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    status: Mapped[SeriesStatus] = mapped_column(
        enum_column(SeriesStatus, "status"), default=SeriesStatus.ACTIVE)
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program = relationship("Program", lazy="joined")
    venue = relationship("Venue", lazy="joined")
    skips = relationship("SeriesSkip", back_populates="series", cascade="all, delete-orphan",
                         order_by="SeriesSkip.skip_date")
    sessions = relationship("EventSession", back_populates="series",
                            order_by="EventSession.start_dt")

    __table_args__ = (
        CheckConstraint("until_date >= start_date", name="until_after_start"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
        CheckConstraint(f"capacity IS NULL OR capacity BETWEEN 0 AND {MAX_CAPACITY}",
                        name="capacity"),
        CheckConstraint("kind <> 'outreach_class'", name="no_outreach_series"),
        CheckConstraint("kind NOT IN ('class') OR program_id IS NOT NULL", name="program"),
        CheckConstraint("kind NOT IN ('class') OR capacity IS NOT NULL", name="class_capacity"),
    )

    @property
    def skip_dates(self):
        return [skip.skip_date for skip in self.skips]


class SeriesSkip(db.Model):
    """A date on which the series' rule would give a session but none is wanted."""

    __tablename__ = "series_skips"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("session_series.id", ondelete="CASCADE"))
    skip_date: Mapped[date] = mapped_column(Date)

    series = relationship("SessionSeries", back_populates="skips")

    __table_args__ = (UniqueConstraint("series_id", "skip_date"),)


class EventSession(SessionFieldsMixin, db.Model):
    """One scheduled occasion: a class, an outreach class, an awareness event or a
    consultation session, at a venue, from start_dt to end_dt (UTC)."""

    __tablename__ = "sessions"

    REASON_MAX = 500
    GROUP_MAX = 200
    CONTACT_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus, "status"), default=SessionStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    requesting_group: Mapped[str | None] = mapped_column(String(GROUP_MAX))
    requesting_contact: Mapped[str | None] = mapped_column(String(CONTACT_MAX))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_series.id", ondelete="SET NULL"))
    occurrence_date: Mapped[date | None] = mapped_column(Date)
    is_detached: Mapped[bool] = mapped_column(default=False)
    # a consultation session that takes reservations: the length of one reserved slot;
    # `capacity` is then the number of slots offered (from the start, one after another)
    slot_minutes: Mapped[int | None]
    # people who came without a booking and were only counted (awareness events)
    anonymous_headcount: Mapped[int] = mapped_column(default=0, server_default="0")
    attendance_closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # one step for every change of the session; with its booking's own `sequence`, the
    # SEQUENCE of a booking's calendar event (desk.events.ics.sequence): it only grows
    sequence: Mapped[int] = mapped_column(default=0)

    program = relationship("Program", lazy="joined")
    venue = relationship("Venue", lazy="joined")
    series = relationship("SessionSeries", back_populates="sessions")

    # not stored: what the last service call did to the session's bookings (a
    # desk.events.bookings.Changes), for the coordinator's confirmation message
    booking_changes = None

    __table_args__ = (
        CheckConstraint("end_dt > start_dt", name="end_after_start"),
        CheckConstraint(f"capacity IS NULL OR capacity BETWEEN 0 AND {MAX_CAPACITY}",
                        name="capacity"),
        CheckConstraint("kind NOT IN ('class', 'outreach_class') OR program_id IS NOT NULL",
                        name="program"),
        CheckConstraint("kind NOT IN ('class', 'outreach_class') OR capacity IS NOT NULL",
                        name="class_capacity"),
        CheckConstraint("kind <> 'outreach_class' OR requesting_group IS NOT NULL",
                        name="outreach_group"),
        CheckConstraint("status <> 'cancelled' OR cancel_reason IS NOT NULL",
                        name="cancel_reason"),
        CheckConstraint("anonymous_headcount BETWEEN 0 AND 100000", name="anonymous_headcount"),
        CheckConstraint("slot_minutes IS NULL OR (kind = 'consultation' "
                        "AND slot_minutes BETWEEN 10 AND 120)", name="slot_minutes"),
        UniqueConstraint("series_id", "occurrence_date"),
        Index("ix_sessions_start_dt", "start_dt"),
        Index("ix_sessions_venue_start", "venue_id", "start_dt"),
    )

    @property
    def is_cancelled(self):
        return self.status == SessionStatus.CANCELLED

    @property
    def takes_bookings(self):
        """Classes take bookings; a consultation session only its reserved slots."""
        return self.kind in KINDS_WITH_CAPACITY or self.has_reserved_slots

    @property
    def has_reserved_slots(self):
        return (self.kind == SessionKind.CONSULTATION and self.slot_minutes is not None
                and bool(self.capacity))

    @property
    def is_attendance_closed(self):
        return self.attendance_closed_dt is not None

    def day_has_come(self, now):
        """Whether the session's day (Japan time) is today or past: attendance is taken
        and a consultation desk's tickets are issued from that day."""
        return to_local(self.start_dt).date() <= local_today(now)

    def __repr__(self):
        return f"<EventSession {self.id} {self.kind} {self.start_dt:%Y-%m-%d %H:%M}Z>"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


ACTIVE_BOOKING_STATUSES = (BookingStatus.BOOKED, BookingStatus.WAITLISTED)


class BookingChannel(enum.StrEnum):
    PHONE_DESK = "phone_desk"
    WEB = "web"
    KIOSK = "kiosk"
    PHONE_LINE = "phone_line"
    API = "api"
    WALK_IN = "walk_in"
    CONSULT_DESK = "consult_desk"  # a volunteer at a consultation desk booked the visitor


PUBLIC_CHANNELS = (BookingChannel.WEB, BookingChannel.KIOSK, BookingChannel.PHONE_LINE,
                   BookingChannel.API)


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class Confirmation(enum.StrEnum):
    """Whether the senior said they will come (an SMS reply, a key press, staff)."""

    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class CancelReason(enum.StrEnum):
    PERSON = "person"  # the person (or their proxy) cancelled
    STAFF = "staff"
    SESSION_CANCELLED = "session_cancelled"
    MERGED = "merged"  # a duplicate person's booking, dropped when the people were merged


class Booking(db.Model):
    """A seat (or a party of 1 to MAX_SEATS: the person and companions) at a session.

    `queue_dt` orders the waiting list; positions are computed, never stored, so they
    have no gaps. The partial unique index keeps one active booking per person and
    session; the session row lock in the booking service keeps capacity.
    """

    __tablename__ = "bookings"

    MAX_SEATS = 3
    CODE_LENGTH = 8
    TOKEN_LENGTH = 32
    REQUEST_KEY_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus, "status"))
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    # the secret in the booking's own links (calendar file, cancel page)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # the idempotency key of the request that made the booking (a kiosk form's
    # submission id, an API Idempotency-Key): a repeated request finds this booking,
    # when it asks for the same (the keyed hash of the request's session, seats and
    # details: desk.events.bookings.request_fingerprint)
    request_key: Mapped[str | None] = mapped_column(String(REQUEST_KEY_MAX), unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[BookingChannel] = mapped_column(enum_column(BookingChannel, "channel"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proxy_id: Mapped[int | None] = mapped_column(
        ForeignKey("proxy_contacts.id", ondelete="SET NULL"))
    confirmation: Mapped[Confirmation] = mapped_column(
        enum_column(Confirmation, "confirmation"), default=Confirmation.UNCONFIRMED)
    confirmation_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance, "attendance"))
    attendance_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_walk_in: Mapped[bool] = mapped_column(default=False)
    # the person agreed, when booking (web, kiosk, staff desk, walk-in), to one short
    # survey the day after attending (desk.events.surveys); not asked = not sent
    survey_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    queue_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # the reserved slot's start, for a booking at a consultation session with slots
    slot_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[CancelReason | None] = mapped_column(
        enum_column(CancelReason, "cancel_reason"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # one step for every change of the booking that its calendar event shows (cancelled,
    # promoted, moved to the waiting list): see EventSession.sequence
    sequence: Mapped[int] = mapped_column(default=0)

    session = relationship("EventSession", lazy="joined")
    person = relationship("Person", lazy="joined")
    proxy = relationship("ProxyContact")
    actor = relationship("User")

    __table_args__ = (
        CheckConstraint(f"seats BETWEEN 1 AND {MAX_SEATS}", name="seats"),
        CheckConstraint(f"length(code) = {CODE_LENGTH}", name="code_length"),
        CheckConstraint("status <> 'cancelled' OR (cancelled_dt IS NOT NULL "
                        "AND cancel_reason IS NOT NULL)", name="cancel_recorded"),
        CheckConstraint("status <> 'booked' OR booked_dt IS NOT NULL", name="booked_dt"),
        CheckConstraint("attendance IS NULL OR status = 'booked'", name="attendance_booked"),
        Index("uq_bookings_active_person", "session_id", "person_id", unique=True,
              sqlite_where=text("status IN ('booked', 'waitlisted')"),
              postgresql_where=text("status IN ('booked', 'waitlisted')")),
        Index("ix_bookings_session_status", "session_id", "status", "queue_dt"),
        Index("uq_bookings_slot", "session_id", "slot_dt", unique=True,
              sqlite_where=text("status = 'booked' AND slot_dt IS NOT NULL"),
              postgresql_where=text("status = 'booked' AND slot_dt IS NOT NULL")),
        Index("ix_bookings_person_id", "person_id"),
    )

    @property
    def is_active(self):
        return self.status in ACTIVE_BOOKING_STATUSES

    @property
    def display_code(self):
        return format_booking_code(self.code)

    def __repr__(self):
        return f"<Booking {self.id} {self.status} session={self.session_id}>"


class WillUse(enum.StrEnum):
    """"Will you use it?" (使ってみようと思いますか) of the online survey."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class SurveyInvitation(db.Model):
    """The one online survey of an attended booking (desk.events.surveys): the secret
    of its short link (/s/<token>), until when it may be answered, and the answers.
    One per booking, so one per person and session; answered once."""

    __tablename__ = "survey_invitations"

    TOKEN_LENGTH = 12
    NEXT_TEXT_MAX = 200
    USEFUL_MIN = 1
    USEFUL_MAX = 5

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    # None once the answers are kept without their link (answered, expired, anonymised)
    token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    useful: Mapped[int | None]
    will_use: Mapped[WillUse | None] = mapped_column(enum_column(WillUse, "will_use"))
    next_topic: Mapped[Topic | None] = mapped_column(enum_column(Topic, "next_topic"))
    next_text: Mapped[str | None] = mapped_column(String(NEXT_TEXT_MAX))

    booking = relationship("Booking")

    __table_args__ = (
        CheckConstraint(f"useful IS NULL OR useful BETWEEN {USEFUL_MIN} AND {USEFUL_MAX}",
                        name="useful"),
        CheckConstraint("answered_dt IS NOT NULL OR (useful IS NULL AND will_use IS NULL "
                        "AND next_topic IS NULL AND next_text IS NULL)", name="answers_answered"),
    )

    @property
    def is_answered(self):
        return self.answered_dt is not None


def format_booking_code(code):
    """'27410386' -> '2741-0386', as shown and read out."""
    return f"{code[:4]}-{code[4:]}" if code and len(code) == 8 else (code or "")


def display_title(item):
    from desk.events.labels import session_title

    return session_title(item)
