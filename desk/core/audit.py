"""The audit log: one table, one helper.

Every service that changes data calls `record(...)` in the same transaction, with the
actor passed in explicitly and a before/after snapshot of the fields that matter; the
entry is written at once, by one Core INSERT (an ORM object per entry cost a request
more than the rest of its flush). Inside `written_together()`, the entries of a block
are written at its end, all in one INSERT (a booking's person and booking: a statement
fewer on the hottest path).

Snapshots of residents' records carry names and phone numbers. Each package declares
which snapshot fields of its objects are personal (`personal_fields`, in its
`__init__.py`); `remove_personal` blanks them, when a person is anonymised and when the
audit retention period ends, and leaves the rest (who did what, when, to which record).
"""

import enum
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core import retention
from desk.core.db import UTCDateTime
from desk.core.errors import DeskError
from desk.core.statements import many_rows_insert, run
from desk.core.timeutil import utcnow
from desk.extensions import db

SYSTEM_ACTOR = "system"
# what a removed personal value reads as in a snapshot
REMOVED = "*"
# object type (table name) -> the snapshot fields that are personal
PERSONAL_FIELDS = {}
REMOVE_BATCH = 500


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
    # when the personal fields of the snapshots were removed (remove_personal)
    personal_removed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor = relationship("User", lazy="joined")

    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_created_dt", "created_dt"),
    )

    def changes(self):
        """[(field, before, after)] for the fields whose value differs."""
        return changes(self.before, self.after)


def changes(before, after):
    """[(field, before, after)] for the fields whose value differs between two snapshots
    (either may be None)."""
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, before.get(key), after.get(key)) for key in keys
            if before.get(key) != after.get(key)]


# built once: every entry is written with the same statement
_INSERT = many_rows_insert(AuditEntry.__table__)
# the entries of the open written_together() block, in the session's info
_PENDING = "desk_audit_pending"


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
    """Write an audit entry in the current transaction, dated `now`: the moment the
    service was told the change happens (default: the clock). One INSERT of its own,
    at once (or at the end of the open `written_together()` block): no ORM object, so
    the caller's flush has nothing more to do (`obj`, when given, names the entry's
    object: its id is read now)."""
    actor_id, label = actor_fields(actor)
    row = {
        "created_dt": now if now is not None else utcnow(),
        "actor_id": actor_id,
        "actor_label": label,
        "action": action,
        "object_type": object_type or (obj.__tablename__ if obj is not None else "-"),
        "object_id": object_id if object_id is not None else getattr(obj, "id", None),
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
        "note": note,
    }
    pending = db.session.info.get(_PENDING)
    if pending is not None:
        pending.append(row)
    else:
        run(db.session, _INSERT, row)


@contextmanager
def written_together():
    """The entries recorded inside the block are written at its end, in their order,
    by one INSERT. Nothing inside the block may read them back. An error drops them, as
    the request drops what the block changed (desk.core.transaction), except a refusal
    that keeps its changes (`keeps_changes`): its entries are written before it goes on.
    A block inside another is part of the outer one."""
    info = db.session.info
    if _PENDING in info:
        yield
        return
    info[_PENDING] = []
    try:
        yield
    except BaseException as error:
        rows = info.pop(_PENDING)
        if isinstance(error, DeskError) and error.keeps_changes:
            _write(rows)
        raise
    _write(info.pop(_PENDING))


def _write(rows):
    if rows:
        run(db.session, _INSERT, rows)


def personal_fields(object_type, *fields):
    """Declare the snapshot fields of `object_type`'s entries that hold personal data."""
    PERSONAL_FIELDS.setdefault(object_type, set()).update(fields)


def _without_personal(snapshot, fields):
    if not snapshot:
        return snapshot
    return {key: (REMOVED if key in fields and value not in (None, "") else value)
            for key, value in snapshot.items()}


def _remove_from(entries, now):
    for entry in entries:
        fields = PERSONAL_FIELDS.get(entry.object_type, ())
        entry.before = _without_personal(entry.before, fields)
        entry.after = _without_personal(entry.after, fields)
        entry.personal_removed_dt = now
    db.session.flush()
    return len(entries)


def remove_personal(object_type, ids, *, now):
    """Blank the personal fields in the snapshots of the entries about these objects;
    returns how many entries changed."""
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), REMOVE_BATCH):
        changed += _remove_from(db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == object_type,
                                     AuditEntry.object_id.in_(ids[start:start + REMOVE_BATCH]),
                                     AuditEntry.personal_removed_dt.is_(None))).all(), now)
    return changed


def _expired(cutoff):
    return (AuditEntry.created_dt < cutoff, AuditEntry.personal_removed_dt.is_(None),
            AuditEntry.object_type.in_(sorted(PERSONAL_FIELDS)))


def count_expired(cutoff):
    """Entries older than `cutoff` whose snapshots may still hold personal fields."""
    return db.session.scalar(select(func.count(AuditEntry.id)).where(*_expired(cutoff)))


def remove_expired(cutoff, now):
    """The retention purge: remove the personal fields of the entries older than
    `cutoff`."""
    changed = 0
    while True:
        entries = db.session.scalars(select(AuditEntry).where(*_expired(cutoff))
                                     .order_by(AuditEntry.id).limit(REMOVE_BATCH)).all()
        if not entries:
            return changed
        changed += _remove_from(entries, now)


retention.register(
    "audit_snapshots", label=_l("Names, phone numbers, addresses and notes in the audit log"),
    unit=retention.DAYS, default=365, count=count_expired, purge=remove_expired,
    what_happens=_l("Replaced by *; who changed what, and when, stays"), order=80)
