"""The audit log: one table, one helper.

Every service that changes data calls `record(...)` in the same transaction, with the
actor passed in explicitly and a before/after snapshot of the fields that matter.
"""

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime
from desk.core.timeutil import utcnow
from desk.extensions import db

SYSTEM_ACTOR = "system"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(500))

    actor = relationship("User", lazy="joined")

    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_created_dt", "created_dt"),
    )

    def changes(self):
        """[(field, before, after)] for the fields whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys
                if before.get(key) != after.get(key)]


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def snapshot(obj, fields):
    """The named attributes of `obj` as a JSON-safe dict (for before/after)."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def actor_fields(actor):
    """(actor_id, label) for a User, a plain label such as 'cli', or None (the system)."""
    if actor is None:
        return None, SYSTEM_ACTOR
    if isinstance(actor, str):
        return None, actor
    return actor.id, actor.audit_label


def record(action, obj=None, *, actor, before=None, after=None, object_type=None,
           object_id=None, note=None, now=None):
    """Add an audit entry to the current transaction (flushed with the change), dated
    `now`: the moment the service was told the change happens (default: the clock)."""
    actor_id, label = actor_fields(actor)
    entry = AuditEntry(
        created_dt=now if now is not None else utcnow(),
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else "-"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
    )
    db.session.add(entry)
    return entry
