"""New callers' names, as coordinators review them: the queue of people whose name is
to be confirmed, a recording's audio (fetched from Twilio once, then kept here),
confirming the name, and deleting recordings here and at Twilio.

A recording is deleted here (audio, URL and hint blanked, `deleted_dt`) when the name
is confirmed, when the person is anonymised, and when its retention period
(`phone_name_recordings`, 30 days by default) ends, confirmed or not. Its deletion at
Twilio follows at once where it can, and otherwise at the next purge: a recording
deleted here and not yet at Twilio is tried again every day until Twilio says it is
gone.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, or_, select

from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.notify.channels import twilio_client
from desk.notify.channels.base import ChannelError
from desk.people import services as people_services
from desk.people.models import Person
from desk.phone.models import NameRecording, PhoneCall

logger = logging.getLogger("desk.phone")

BLANK = {"audio": None, "audio_type": None, "recording_url": None, "hint": None}
MEDIA_SUFFIX = ".mp3"  # Twilio serves a recording as MP3 under its URL with this suffix


@dataclass(frozen=True)
class ToConfirm:
    person: Person
    recordings: list  # [NameRecording], latest first (kept ones: not deleted here)
    bookings: list  # [Booking], active ones, soonest first

    @property
    def hint(self):
        return next((row.hint for row in self.recordings if row.hint), None)

    @property
    def since(self):
        return self.person.created_dt


def queue():
    """The people whose name is to be confirmed (live records), oldest first."""
    people = db.session.scalars(select(Person).where(
        Person.name_to_confirm.is_(True), Person.anonymised_dt.is_(None),
        Person.merged_into_id.is_(None)).order_by(Person.created_dt, Person.id)).unique().all()
    if not people:
        return []
    ids = [person.id for person in people]
    rows = db.session.scalars(select(NameRecording).where(
        NameRecording.person_id.in_(ids), NameRecording.deleted_dt.is_(None))
        .order_by(NameRecording.id.desc())).all()
    bookings = db.session.scalars(select(Booking).where(
        Booking.person_id.in_(ids),
        Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITLISTED]))
        .order_by(Booking.id)).unique().all()
    return [ToConfirm(person, [row for row in rows if row.person_id == person.id],
                      sorted((booking for booking in bookings if booking.person_id == person.id),
                             key=lambda booking: booking.session.start_dt))
            for person in people]


def playable(recording_id):
    """The recording with this id while it can be played (kept, with audio), or None."""
    row = db.session.get(NameRecording, recording_id)
    return row if row is not None and row.has_audio else None


def audio_of(row):
    """(bytes, content type) of a recording: kept here, or fetched from Twilio with the
    account's credentials and kept (so it is fetched once). ChannelError when Twilio
    cannot give it."""
    if row.audio is None:
        with twilio_client.provider_errors():
            row.audio, row.audio_type = twilio_client.fetch_media(
                current_app.config, row.recording_url + MEDIA_SUFFIX)
        db.session.flush()
    return row.audio, row.audio_type


def _blank(rows, now):
    for row in rows:
        for name, value in BLANK.items():
            setattr(row, name, value)
        row.deleted_dt = row.deleted_dt or now


def delete_at_twilio(rows, *, now):
    """Delete recordings at Twilio; one that fails stays to be tried again by the purge.
    Returns how many are gone."""
    if not twilio_client.is_configured(current_app.config):
        return 0
    gone = 0
    for row in rows:
        try:
            with twilio_client.provider_errors():
                twilio_client.delete_recording(current_app.config, row.recording_sid)
        except ChannelError as error:
            logger.warning("recording %s not deleted at Twilio: %s", row.id, error)
            continue
        row.twilio_deleted_dt = now
        gone += 1
    db.session.flush()
    return gone


def confirm(person, data, *, actor, now):
    """A coordinator typed in the name and reading of a person whose name was to be
    confirmed: the person is updated (desk.people.services.confirm_name), and their
    recordings are deleted here and at Twilio."""
    people_services.confirm_name(person, data, actor=actor, now=now)
    rows = db.session.scalars(select(NameRecording).where(
        NameRecording.person_id == person.id, NameRecording.deleted_dt.is_(None))).all()
    for row in rows:
        row.confirmed_dt = now
    _blank(rows, now)
    delete_at_twilio([row for row in rows if row.recording_sid], now=now)
    return person


def erase_person(person, *, now):
    """The person is anonymised: their recordings are deleted here now, at Twilio by
    the next purge."""
    rows = db.session.scalars(select(NameRecording).where(
        NameRecording.person_id == person.id, NameRecording.deleted_dt.is_(None))).all()
    _blank(rows, now)
    db.session.flush()
    return {"phone_name_recordings_deleted": len(rows)} if rows else None


# -- the retention period -----------------------------------------------------------------

def _kept_before(cutoff):
    """Kept recordings past their period, and those of no person (the caller hung up
    before the recording's action came) once their call has ended."""
    ended = select(PhoneCall.id).where(PhoneCall.ended_dt.is_not(None))
    orphan = and_(NameRecording.person_id.is_(None), NameRecording.call_id.in_(ended))
    return and_(NameRecording.deleted_dt.is_(None),
                or_(NameRecording.created_dt < cutoff, orphan))


def _at_twilio():
    return and_(NameRecording.recording_sid.is_not(None),
                NameRecording.twilio_deleted_dt.is_(None), NameRecording.deleted_dt.is_not(None))


def count_expired(cutoff):
    return db.session.scalar(select(func.count(NameRecording.id)).where(
        or_(_kept_before(cutoff), _at_twilio())))


def purge_expired(cutoff, now):
    """Delete the recordings past their period (and those of no person) here, then every
    recording deleted here and still at Twilio (also those whose deletion failed
    before)."""
    expired = db.session.scalars(select(NameRecording).where(_kept_before(cutoff))).all()
    _blank(expired, now)
    db.session.flush()
    pending = db.session.scalars(select(NameRecording).where(_at_twilio())
                                 .order_by(NameRecording.id)).all()
    deleted = delete_at_twilio(pending, now=now)
    return len(expired) + deleted


RETENTION = {"count": count_expired, "purge": purge_expired}
