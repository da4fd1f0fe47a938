"""Helpers for the registry's tests."""

import re

from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.events.models import Booking
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people.models import DistinctPair, Person, ProxyContact

COUNTED = (Person, ProxyContact, DistinctPair, Booking, OutboxMessage, AuditEntry)


def row_counts():
    """Rows per table of the registry, bookings, outbox and audit log."""
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in COUNTED}


def error_fields(html):
    return set(re.findall(r'<p class="error-message" id="([\w-]+)-error">', html))


def flashes(html, category=None):
    kinds = re.escape(category) if category else r"[\w-]+"
    return [text.strip() for text in re.findall(
        rf'<p class="flash flash--{kinds}" role="\w+">(.*?)</p>', html, re.S)]


def audit_actions(object_type=None, object_id=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return [entry.action for entry in db.session.scalars(query).unique()]
