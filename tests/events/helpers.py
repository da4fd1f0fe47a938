"""Helpers for the schedule's tests."""

from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.core.districts import District
from desk.events.models import (
    EventSession,
    Program,
    SeriesSkip,
    SessionSeries,
    Venue,
)
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, OutboxMessage, RecipientKind
from tests.fixtures.factories import NOW

COUNTED = (District, Venue, Program, EventSession, SessionSeries, SeriesSkip, AuditEntry)


def row_counts():
    """Rows per table of the schedule and the audit log (what a refused change must
    leave as it was)."""
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in COUNTED}


def audit_entries(action=None, object_id=None):
    """Audit entries, oldest first, optionally of one action and object."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return db.session.scalars(query).unique().all()


def last_audit(action):
    entries = audit_entries(action)
    assert entries, f"no audit entry {action}"
    return entries[-1]


def message(booking, channel, locale, address=None):
    """The rendered booking confirmation of `booking` on `channel` in `locale`."""
    row = OutboxMessage(
        recipient_kind=RecipientKind.PERSON, person_id=booking.person_id,
        channel=MessageChannel(channel), address=address or booking.person.phone,
        template="booking_confirmed", locale=locale, due_dt=NOW, topic="booking",
        topic_id=booking.id, not_after=booking.session.start_dt)
    db.session.add(row)
    db.session.flush()
    return render(row, now=NOW)
