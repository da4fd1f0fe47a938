"""A call to the automated phone line: one row per call, keyed by Twilio's CallSid.

The row holds who called (the caller ID in E.164, or none when withheld), the person the
call is for once known, the language of the prompts, the step the caller is at and the
choices made so far, and how the call ended. `turn` counts the questions asked: each
<Gather> answers to the URL of its turn, so Twilio retrying a request for a turn already
answered gets `last_twiml` again and nothing is done twice (desk.phone.calls). Once
Twilio reports the call ended no request of it can come again: `last_twiml` (which may
say a resident's given name) and `last_digits` (which may be a phone number) are deleted.

A `PhoneCallStep` is one answer of the call: the step whose question was answered and
what the caller did (a key, several keys, silence, speech), so the call's whole path
can be read back (desk.phone.path). Several keys (a keyed phone number) are kept as
their count only, never the digits.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.timeutil import utcnow
from desk.extensions import db


class CallOutcome(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    BOOKED = "booked"
    CANCELLED = "cancelled"  # the caller cancelled a booking
    LISTENED = "listened"  # heard bookings or desks, changed nothing
    TRANSFERRED = "transferred"
    HUNG_UP = "hung_up"  # ended at `step` without any of the above


class PhoneCall(db.Model):
    __tablename__ = "phone_calls"

    SID_MAX = 64
    STEP_MAX = 40

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(SID_MAX), unique=True)
    caller: Mapped[str | None] = mapped_column(String(20))  # E.164; None: withheld or purged
    caller_withheld: Mapped[bool] = mapped_column(default=False)
    # a coordinator's call on the phone line simulator (desk.phone.simulator), not Twilio's
    simulated: Mapped[bool] = mapped_column(default=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    step: Mapped[str] = mapped_column(String(STEP_MAX))
    turn: Mapped[int] = mapped_column(default=0)
    last_digits: Mapped[str | None] = mapped_column(String(20))
    last_twiml: Mapped[str | None] = mapped_column(Text)
    choices: Mapped[dict] = mapped_column(JSON, default=dict)
    outcome: Mapped[CallOutcome] = mapped_column(
        enum_column(CallOutcome, "phone_call_outcome"), default=CallOutcome.IN_PROGRESS)
    outcome_step: Mapped[str | None] = mapped_column(String(STEP_MAX))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    started_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person = relationship("Person")
    booking = relationship("Booking")

    def __repr__(self):
        return f"<PhoneCall {self.id} {self.step} {self.outcome}>"


class Answer(enum.StrEnum):
    KEY = "key"  # one key, kept in `key`
    KEYS = "keys"  # several keys (a phone number ended by #): only their count is kept
    SILENCE = "silence"
    SPEECH = "speech"


class PhoneCallStep(db.Model):
    """One answer of a call: at turn `turn` the caller answered the question of `step`."""

    __tablename__ = "phone_call_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("phone_calls.id", ondelete="CASCADE"))
    turn: Mapped[int]
    step: Mapped[str] = mapped_column(String(PhoneCall.STEP_MAX))
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "phone_call_answer"))
    key: Mapped[str | None] = mapped_column(String(1))
    key_count: Mapped[int | None]
    at_dt: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("call_id", "turn"),
        CheckConstraint("(answer = 'key') = (key IS NOT NULL)", name="key_of_a_key"),
        CheckConstraint("(answer = 'keys') = (key_count IS NOT NULL)", name="count_of_keys"),
    )

    def __repr__(self):
        return f"<PhoneCallStep {self.call_id}/{self.turn} {self.step} {self.answer}>"


class NameRecording(db.Model):
    """A new caller saying their name (desk.phone.new_callers): Twilio's recording, what
    speech recognition heard (`hint`), and the audio once a coordinator played it (kept
    here, so it is fetched from Twilio once). A simulated call has a hint and no
    recording. Until a coordinator confirms the name, or the retention period ends; then
    the audio and hint are deleted here (`deleted_dt`) and the recording at Twilio
    (`twilio_deleted_dt`; a delete that failed is tried again by the purge).

    `person_id` is empty when the caller hung up while saying their name: no person was
    made, and the recording only waits to be deleted."""

    __tablename__ = "phone_name_recordings"

    SID_MAX = 64
    URL_MAX = 300
    HINT_MAX = 200
    TYPE_MAX = 40

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("phone_calls.id", ondelete="CASCADE"),
                                         index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"),
                                                  index=True)
    recording_sid: Mapped[str | None] = mapped_column(String(SID_MAX), unique=True)
    recording_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    duration_seconds: Mapped[int | None]
    hint: Mapped[str | None] = mapped_column(String(HINT_MAX))
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)
    audio_type: Mapped[str | None] = mapped_column(String(TYPE_MAX))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    twilio_deleted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call = relationship("PhoneCall")
    person = relationship("Person")

    @property
    def has_audio(self):
        return self.deleted_dt is None and (self.audio is not None
                                            or self.recording_url is not None)
