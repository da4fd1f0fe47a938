"""The plain "add a row" and "edit a row" of a service, audit-logged: a row created from
values a service has checked, and checked values applied to a row, each with its audit
entry (desk.core.audit) in the same transaction. Districts, venues, programs,
consultation topics and accounts are added and edited this way; services whose change
does more (bookings, shifts, people with their consent) write their own.
"""

from desk.core import audit
from desk.extensions import db


def assign(instance, values):
    """Set the attributes of `instance` whose value differs; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def create(model, values, *, action, fields, actor):
    """A new `model` row from checked `values`, flushed (it has its id) and audit-logged
    as `action` with the snapshot of `fields`."""
    instance = model(**values)
    db.session.add(instance)
    db.session.flush()
    audit.record(action, instance, actor=actor, after=audit.snapshot(instance, fields))
    return instance


def update(instance, values, *, action, fields, actor):
    """Apply checked `values` to `instance`; when something changed, flush and audit-log
    it as `action` with `fields` before and after. Whether anything changed."""
    before = audit.snapshot(instance, fields)
    if not assign(instance, values):
        return False
    db.session.flush()
    audit.record(action, instance, actor=actor, before=before,
                 after=audit.snapshot(instance, fields))
    return True
