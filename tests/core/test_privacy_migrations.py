"""The migrations of the privacy review (issue 14), on SQLite and PostgreSQL: stored
phone numbers are classified again (toll-free, navigation dial and ambiguous numbers
abroad stop getting calls), and each booking's calendar SEQUENCE starts where the old
seconds-since-2020 value left it, so that no calendar sees it go down."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from desk.core.timeutil import local_today
from desk.events import ics
from desk.events import services as event_services
from desk.events.models import Booking
from desk.extensions import db
from desk.people.models import Person
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.fixtures.factories import NOW

pytestmark = LIVE_DATABASES

BEFORE = "6605b67d49d6"  # the last revision before the phone kinds and sequences
OLD_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
PHONES = {  # as typed -> (kind stored before, kind after)
    "090-1234-5678": ("mobile", "mobile"),
    "0466-25-1111": ("landline", "landline"),
    "050-1234-5678": ("ip_phone", "ip_phone"),
    "0120-123-456": ("other", "toll_free"),
    "0800-123-4567": ("other", "toll_free"),
    "0570-123-456": ("other", "navi_dial"),
    "0990-123-456": ("other", "other"),
    "+1 415 555 0100": ("landline", "ambiguous"),
    "+44 20 7946 0018": ("landline", "landline"),
}


def _kinds(table):
    return dict(db.session.execute(text(f"SELECT id, phone_kind FROM {table} ORDER BY id")).all())


def _old_sequence(booking):
    moments = (booking.session.updated_dt, booking.created_dt, booking.booked_dt,
               booking.cancelled_dt)
    last = max(moment for moment in moments if moment is not None)
    return int((last - OLD_SEQUENCE_EPOCH).total_seconds())


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_phone_kinds_and_sequences_are_carried_over_and_back(
        kind, tmp_path_factory, create_session, create_person):
    with live_database_app(kind, tmp_path_factory, connections=2) as app, app.app_context():
        people = {phone: create_person(phone=phone).id for phone in PHONES}
        session = create_session(day=local_today() + timedelta(days=7), capacity=1)
        first = event_services.book_seat(session, db.session.get(Person, people["090-1234-5678"]),
                                         channel="phone_desk", actor="test", now=NOW).booking
        waiting = event_services.book_seat(session, db.session.get(Person, people["0466-25-1111"]),
                                           channel="phone_desk", actor="test", now=NOW).booking
        event_services.cancel_booking(first, actor="test", now=NOW + timedelta(minutes=3))
        db.session.commit()
        booking_ids = (first.id, waiting.id)
        db.session.remove()
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        stored = _kinds("people")
        assert {phone: stored[person_id] for phone, person_id in people.items()} == {
            phone: old for phone, (old, _new) in PHONES.items()}
        db.session.remove()

        upgrade(directory=directory)
        stored = _kinds("people")
        assert {phone: stored[person_id] for phone, person_id in people.items()} == {
            phone: new for phone, (_old, new) in PHONES.items()}
        for booking_id in booking_ids:
            booking = db.session.get(Booking, booking_id)
            assert booking.session.sequence == 0
            assert booking.request_fingerprint is None
            assert ics.sequence(booking) == _old_sequence(booking) > 0
        first, waiting = (db.session.get(Booking, booking_id) for booking_id in booking_ids)
        before = ics.sequence(waiting)
        event_services.cancel_booking(waiting, actor="test", now=NOW + timedelta(minutes=3))
        db.session.commit()
        assert ics.sequence(waiting) == before + 1
