"""Who looked at whose records: the access log.

The audit log (desk.core.audit) records changes; this log records reading: a resident's
page opened, the residents a search listed, an attendance list downloaded, a disclosure
downloaded. An entry says who (the account), when, what (an action a package registered
with `register_action`) and which records (their ids, in a child table, so that "who saw
resident 42" is one indexed query on SQLite and PostgreSQL alike). It never holds a
name, a phone number or what was typed into a search: only ids.

    accesslog.register_action("person.viewed", _l("Opened a resident's page"))
    accesslog.record(current_user, "person.viewed", "person", [person.id], now=utcnow())

`record` adds the entry to the current transaction (a GET view that records is marked
`@writes`). Entries are kept DESK_RETAIN_ACCESS_LOG_DAYS days (desk.core.retention),
then deleted by the purge.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Select, String, insert, literal, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core import retention
from desk.core.audit import actor_fields
from desk.core.db import UTCDateTime
from desk.extensions import db

ACTION_MAX = 40
TYPE_MAX = 40

_actions = {}


class AccessEntry(db.Model):
    __tablename__ = "access_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(ACTION_MAX))
    object_type: Mapped[str] = mapped_column(String(TYPE_MAX))
    # how many records the action showed (the ids are in access_entry_objects)
    object_count: Mapped[int] = mapped_column(default=0)

    actor = relationship("User", lazy="joined")
    objects = relationship("AccessObject", order_by="AccessObject.object_id",
                           cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        Index("ix_access_entries_created_dt", "created_dt"),
        Index("ix_access_entries_actor_id", "actor_id", "created_dt"),
    )

    @property
    def object_ids(self):
        return [item.object_id for item in self.objects]


class AccessObject(db.Model):
    """One record an access log entry showed."""

    __tablename__ = "access_entry_objects"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("access_entries.id", ondelete="CASCADE"), primary_key=True)
    object_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)

    __table_args__ = (
        Index("ix_access_entry_objects_object_id", "object_id"),
    )


def register_action(action, label):
    """Declare an action the log records, with its label for the admins' page (lazy);
    returns `action`. A package registers its actions when it is imported."""
    if len(action) > ACTION_MAX:
        raise ValueError(f"access log action {action!r} is longer than {ACTION_MAX}")
    if action in _actions:
        raise ValueError(f"access log action {action!r} is registered twice")
    _actions[action] = label
    return action


def actions():
    """{action: label} of every registered action, in registration order."""
    return dict(_actions)


def record(actor, action, object_type, object_ids, *, now):
    """Add one entry to the current transaction: `actor` (a User, or a label such as
    'cli') did `action` (registered) on the `object_type` records `object_ids` at `now`.
    `object_ids` is a list of ids (repeated ones counted once), or a select of one column
    of ids, which the database copies into the entry without loading them (the
    thousands of residents of an export). Returns the entry; flushes."""
    if action not in _actions:
        raise ValueError(f"unknown access log action {action!r}")
    actor_id, label = actor_fields(actor)
    entry = AccessEntry(created_dt=now, actor_id=actor_id, actor_label=label, action=action,
                        object_type=object_type)
    if isinstance(object_ids, Select):
        db.session.add(entry)
        db.session.flush()
        ids = object_ids.distinct().subquery()
        copied = db.session.execute(insert(AccessObject).from_select(
            ["entry_id", "object_id"],
            select(literal(entry.id), *ids.c).where(ids.c[0].is_not(None))))
        entry.object_count = copied.rowcount
    else:
        ids = sorted({int(object_id) for object_id in object_ids})
        entry.object_count = len(ids)
        entry.objects = [AccessObject(object_id=object_id) for object_id in ids]
        db.session.add(entry)
    db.session.flush()
    return entry


# -- retention --------------------------------------------------------------------------------

def _older(cutoff):
    """Written before `cutoff` (their lists of ids go with them: ON DELETE CASCADE)."""
    return AccessEntry.created_dt < cutoff


# Two years: a resident who asks who looked at their record (or the city's auditors,
# who check the previous fiscal year) can always be answered for the current and the
# previous fiscal year, without keeping a record of staff's reading for ever.
RETENTION = retention.register(
    "access_log", label=_l("Access log (who opened residents' records)"),
    unit=retention.DAYS, default=730, **retention.deleting(AccessEntry, _older),
    what_happens=_l("Deleted"))
