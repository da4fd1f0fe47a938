"""Venues, programs, sessions (class, outreach class, awareness event, consultation)
and the recurring series that generate sessions.

Rules about the data itself are enforced twice: named CHECK/UNIQUE constraints in the
database and the service-level validation in desk.events.services.
"""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
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
from desk.people.models import ConsentMethod

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


class VenueKind(enum.StrEnum):
    """A city venue (市民センター, 公民館: on the public venue list, any kind of session)
    or a community place (自治会館, a care facility's hall, an apartment meeting room):
    where an outreach class is held at a group's request, managed on the places pages
    and chosen only for outreach classes. Both are venues, so every page, message,
    calendar file and open-data row names the real place through the same code."""

    CITY = "city"
    COMMUNITY = "community"


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
    kind: Mapped[VenueKind] = mapped_column(enum_column(VenueKind, "kind"),
                                            default=VenueKind.CITY, server_default="city")

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

    @property
    def is_community(self):
        return self.kind == VenueKind.COMMUNITY

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
    # the session this booking was moved from by its last move (same row, same code:
    # desk.events.bookings.move_booking), and when; the move message says old -> new
    moved_from_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    moved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session = relationship("EventSession", lazy="joined", foreign_keys=[session_id])
    moved_from_session = relationship("EventSession", foreign_keys=[moved_from_session_id])
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


class SessionMessage(db.Model):
    """A coordinator's note to everyone booked on a session (and, when chosen, its
    waiting list): sent once, in Japanese and optionally in English, each person on their
    own channel (desk.events.session_messages)."""

    __tablename__ = "session_messages"

    # a Japanese note of this length, with the longest venue short name, date and desk
    # phone number the SMS frame can hold, still fits MAX_SEGMENTS SMS segments
    TEXT_MAX = 120
    KEY_MAX = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    text_ja: Mapped[str] = mapped_column(String(TEXT_MAX))
    text_en: Mapped[str | None] = mapped_column(String(TEXT_MAX))
    includes_waitlist: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # the compose form's one-time key: the same form sent twice is one message
    idempotency_key: Mapped[str] = mapped_column(String(KEY_MAX))
    # how many outbox rows were planned (people, their copies, e-mails)
    planned: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("EventSession")
    author = relationship("User")

    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        CheckConstraint("length(text_ja) > 0", name="text_ja"),
        CheckConstraint("planned >= 0", name="planned"),
        Index("ix_session_messages_session_id", "session_id", "created_dt"),
    )

    @property
    def display_text(self):
        return in_reader_language(self.text_ja, self.text_en)

    def __repr__(self):
        return f"<SessionMessage {self.id} session={self.session_id}>"


# -- hearing about new classes (desk.events.news) --------------------------------------------

class NewsChannel(enum.StrEnum):
    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"


class NewsStopSource(enum.StrEnum):
    SMS_REPLY = "sms_reply"  # 停止 / STOP in reply to a news SMS
    LINK = "link"  # the stop page, by the subscription's token
    STAFF = "staff"  # a coordinator, on the person's page
    MERGED = "merged"  # two records of one resident were merged; the kept one's stays
    ERASED = "erased"  # the resident was anonymised


def _split(text):
    return [part for part in (text or "").split(",") if part]


class NewsSubscription(db.Model):
    """A resident asked to hear about new classes of some topics near them, on one
    channel, with consent recorded (when, how, by whom). One active subscription per
    person; a stopped one stays until its retention period ends."""

    __tablename__ = "news_subscriptions"

    TOKEN_LENGTH = 12  # 72 random bits; short, for the SMS
    LIST_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[NewsChannel] = mapped_column(enum_column(NewsChannel, "channel"))
    # Topic values and district ids, comma separated; no districts: the person's own
    # district, or the whole city when none is recorded
    topic_list: Mapped[str] = mapped_column(String(LIST_MAX))
    district_list: Mapped[str] = mapped_column(String(LIST_MAX), default="")
    # the secret of the short link in the digest (the list and the stop page)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), unique=True)
    consent_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_method: Mapped[ConsentMethod] = mapped_column(
        enum_column(ConsentMethod, "consent_method"))
    # the staff member who recorded the consent (phone desk, paper); None: the resident
    consent_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_source: Mapped[NewsStopSource | None] = mapped_column(
        enum_column(NewsStopSource, "stop_source"))

    person = relationship("Person", lazy="joined")
    consent_actor = relationship("User", lazy="joined")

    __table_args__ = (
        CheckConstraint("(stopped_dt IS NULL) = (stop_source IS NULL)", name="stop_recorded"),
        CheckConstraint("topic_list <> ''", name="has_topic"),
        Index("uq_news_subscriptions_active_person", "person_id", unique=True,
              sqlite_where=text("stopped_dt IS NULL"),
              postgresql_where=text("stopped_dt IS NULL")),
        Index("ix_news_subscriptions_person_id", "person_id"),
    )

    @property
    def is_active(self):
        return self.stopped_dt is None

    @property
    def topics(self):
        return [Topic(value) for value in _split(self.topic_list)]

    @property
    def district_ids(self):
        return [int(value) for value in _split(self.district_list)]

    def area(self):
        """The district ids the subscriber hears about; None: the whole city."""
        chosen = self.district_ids
        if chosen:
            return set(chosen)
        return {self.person.district_id} if self.person.district_id else None

    def __repr__(self):
        return f"<NewsSubscription {self.id} person={self.person_id}>"


class NewsDigest(db.Model):
    """One run of the digest, per period (the local year and month of its scheduled
    day): the unique period makes a second run of the same period do nothing."""

    __tablename__ = "news_digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # "2026-12"
    since_dt: Mapped[datetime] = mapped_column(UTCDateTime)  # classes added after this
    run_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    session_count: Mapped[int] = mapped_column(default=0)
    delivery_count: Mapped[int] = mapped_column(default=0)


class NewsDelivery(db.Model):
    """What one digest told one subscriber: the classes listed (session ids, comma
    separated); its outbox message is about it (topic "news")."""

    __tablename__ = "news_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("news_digests.id", ondelete="CASCADE"))
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("news_subscriptions.id", ondelete="CASCADE"))
    session_list: Mapped[str] = mapped_column(Text)

    digest = relationship("NewsDigest", lazy="joined")
    subscription = relationship("NewsSubscription", lazy="joined")

    __table_args__ = (
        UniqueConstraint("digest_id", "subscription_id"),
        Index("ix_news_deliveries_subscription_id", "subscription_id"),
    )

    @property
    def session_ids(self):
        return [int(value) for value in _split(self.session_list)]


class OfferState(enum.StrEnum):
    OPEN = "open"  # the seat is held for the booking's party until expires_dt
    TAKEN = "taken"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the booking was cancelled, or the session, meanwhile


class SeatOffer(db.Model):
    """A seat freed close to the session's start, offered to one waitlisted booking
    (desk.events.offers). While it is open its seats are held for that party
    (desk.events.availability counts them); it points at a person only through its
    booking, and goes with it."""

    __tablename__ = "seat_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    seats: Mapped[int]
    state: Mapped[OfferState] = mapped_column(enum_column(OfferState, "state"))
    offered_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking = relationship("Booking", lazy="joined")
    session = relationship("EventSession")

    __table_args__ = (
        CheckConstraint(f"seats BETWEEN 1 AND {Booking.MAX_SEATS}", name="seats"),
        CheckConstraint("expires_dt > offered_dt", name="expires_after_offer"),
        CheckConstraint("state = 'open' OR decided_dt IS NOT NULL", name="decided_dt"),
        Index("uq_seat_offers_open_booking", "booking_id", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
        Index("ix_seat_offers_session_state", "session_id", "state"),
        Index("ix_seat_offers_state_expires", "state", "expires_dt"),
    )

    @property
    def is_open(self):
        return self.state == OfferState.OPEN

    def __repr__(self):
        return f"<SeatOffer {self.id} {self.state} booking={self.booking_id}>"


class OutreachStatus(enum.StrEnum):
    """Where a group's request for an outreach class stands (desk.events.outreach holds
    the allowed steps)."""

    RECEIVED = "received"
    ARRANGING = "arranging"
    SCHEDULED = "scheduled"
    DECLINED = "declined"


class GroupKind(enum.StrEnum):
    NEIGHBOURHOOD = "neighbourhood"  # 町内会・自治会
    SENIOR_CLUB = "senior_club"  # 老人会
    CARE_FACILITY = "care_facility"
    APARTMENT = "apartment"  # マンション管理組合・団地自治会
    OTHER = "other"


class RequestSource(enum.StrEnum):
    WEB = "web"  # the public request form
    STAFF = "staff"  # a coordinator typed in a phone request


class ReplyChannel(enum.StrEnum):
    """How the contact person hears back: the outbox channel of the request's messages."""

    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"


class DeclineReason(enum.StrEnum):
    """Why the city cannot hold a requested outreach class (short: the SMS says it)."""

    DATES_UNAVAILABLE = "dates_unavailable"  # no instructors on the preferred dates
    OUTSIDE_CITY = "outside_city"
    TOO_FEW = "too_few"
    OTHER = "other"  # the coordinator explains by phone


class OutreachRequest(db.Model):
    """A group's request for an outreach class (出張講座): who asks, where, when they
    would like it, for how many, about what and with which needs. The contact person's
    name, reading, phone and e-mail are personal data (docs/privacy.md): blanked when
    their retention period ends or on erasure, while the request's figures stay for
    the KPI report. Its history is the audit log of the request (the timeline)."""

    __tablename__ = "outreach_requests"

    # the contact person's details: personal data (blanked by retention and erasure)
    CONTACT_FIELDS = ("contact_name", "contact_kana", "contact_phone", "contact_email")

    GROUP_MAX = 200
    NAME_MAX = 100
    KANA_MAX = 200
    EMAIL_MAX = 254
    PLACE_MAX = 100
    ADDRESS_MAX = 200
    TIMES_MAX = 200
    NEEDS_MAX = 500
    NOTE_MAX = 500
    COUNT_MAX = 200
    MAX_DATES = 3

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[OutreachStatus] = mapped_column(
        enum_column(OutreachStatus, "status"), default=OutreachStatus.RECEIVED)
    source: Mapped[RequestSource] = mapped_column(enum_column(RequestSource, "source"))
    group_name: Mapped[str] = mapped_column(String(GROUP_MAX))
    group_kind: Mapped[GroupKind] = mapped_column(enum_column(GroupKind, "group_kind"))
    # the contact person (None once blanked)
    contact_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    contact_kana: Mapped[str | None] = mapped_column(String(KANA_MAX))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    reply_channel: Mapped[ReplyChannel] = mapped_column(
        enum_column(ReplyChannel, "reply_channel"))
    locale: Mapped[str] = mapped_column(String(5), default="ja")
    # where the group would like the class
    place_name: Mapped[str] = mapped_column(String(PLACE_MAX))
    place_address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    preferred_date_1: Mapped[date] = mapped_column(Date)
    preferred_date_2: Mapped[date | None] = mapped_column(Date)
    preferred_date_3: Mapped[date | None] = mapped_column(Date)
    preferred_times: Mapped[str | None] = mapped_column(String(TIMES_MAX))
    expected_count: Mapped[int]
    topics: Mapped[list] = mapped_column(JSON, default=list)
    devices: Mapped[list] = mapped_column(JSON, default=list)
    needs_hearing: Mapped[bool] = mapped_column(default=False)
    needs_wheelchair: Mapped[bool] = mapped_column(default=False)
    needs_notes: Mapped[str | None] = mapped_column(String(NEEDS_MAX))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        enum_column(DeclineReason, "decline_reason"))
    # the community place (a venue) and the outreach class, once scheduled
    place_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    contact_removed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district = relationship("District", lazy="joined")
    place = relationship("Venue")
    session = relationship("EventSession")

    __table_args__ = (
        CheckConstraint(f"expected_count BETWEEN 1 AND {COUNT_MAX}", name="expected_count"),
        CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL",
                        name="declined_with_reason"),
        Index("ix_outreach_requests_status", "status", "received_dt"),
        Index("ix_outreach_requests_session_id", "session_id"),
    )

    @property
    def preferred_dates(self):
        return [day for day in (self.preferred_date_1, self.preferred_date_2,
                                self.preferred_date_3) if day is not None]

    @property
    def is_open(self):
        return self.status in (OutreachStatus.RECEIVED, OutreachStatus.ARRANGING)

    def __repr__(self):
        return f"<OutreachRequest {self.id} {self.status}>"


class FollowUpState(enum.StrEnum):
    NONE = "none"  # nothing matched: no class was offered
    OPEN = "open"  # offered: takeable while the target has a free seat and has not started
    TAKEN = "taken"  # the booking was moved to the target
    DECLINED = "declined"


class WaitlistFollowUp(db.Model):
    """A booking still on the waiting list when its session started, followed up once
    (desk.events.followups): the next matching class offered (`target_session_id`), or
    none when nothing matched. Unlike a SeatOffer it holds no seat: taking it moves the
    booking into a seat still free at the target. `session_id` keeps the session the
    party waited for (the booking itself moves away when the offer is taken), for the
    coordinators' unmet-demand figures. It points at a person only through its booking,
    and goes with it."""

    __tablename__ = "waitlist_followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    target_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    seats: Mapped[int]
    state: Mapped[FollowUpState] = mapped_column(enum_column(FollowUpState, "state"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking = relationship("Booking", lazy="joined")
    session = relationship("EventSession", foreign_keys=[session_id])
    target_session = relationship("EventSession", foreign_keys=[target_session_id])

    __table_args__ = (
        CheckConstraint(f"seats BETWEEN 1 AND {Booking.MAX_SEATS}", name="seats"),
        CheckConstraint("state IN ('none', 'open') OR decided_dt IS NOT NULL",
                        name="decided_dt"),
        Index("uq_waitlist_followups_booking", "booking_id", unique=True),
        Index("ix_waitlist_followups_session", "session_id"),
        Index("ix_waitlist_followups_target", "target_session_id"),
    )

    @property
    def is_open(self):
        return self.state == FollowUpState.OPEN

    def __repr__(self):
        return f"<WaitlistFollowUp {self.id} {self.state} booking={self.booking_id}>"
