"""Read-only look-ups for the admin pages."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desk.auth.models import ApiToken, User
from desk.core.accesslog import AccessEntry, AccessObject
from desk.core.audit import AuditEntry
from desk.core.paging import paginate
from desk.extensions import db

AUDIT_PAGE_SIZE = 50
ACCESS_PAGE_SIZE = 50
AUDIT_BATCH = 1000


def users():
    return db.session.scalars(select(User).order_by(User.role, User.email)).all()


def tokens():
    query = select(ApiToken).order_by(ApiToken.revoked_dt.is_not(None), ApiToken.created_dt.desc())
    return db.session.scalars(query).unique().all()


def _audit_query(*, object_type=None, object_id=None, action=None, actor_id=None,
                 start=None, end=None):
    """Audit entries, newest first: about one kind of record (and one record), of one
    action, by one account, written in [start, end) (UTC)."""
    query = select(AuditEntry)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if start is not None:
        query = query.where(AuditEntry.created_dt >= start)
    if end is not None:
        query = query.where(AuditEntry.created_dt < end)
    return query.order_by(AuditEntry.created_dt.desc(), AuditEntry.id.desc())


def audit_page(*, page=1, **filters):
    """One page of audit entries, newest first (a Pagination); filters as _audit_query."""
    return paginate(_audit_query(**filters), page=page, per_page=AUDIT_PAGE_SIZE)


def audit_rows(**filters):
    """Every audit entry the filters select, newest first, for the CSV file: plain rows
    (the entry's columns and `actor_name`, the account's name while it exists), read
    from the database AUDIT_BATCH at a time."""
    query = (_audit_query(**filters).with_only_columns(
        AuditEntry.created_dt, AuditEntry.actor_label, AuditEntry.action,
        AuditEntry.object_type, AuditEntry.object_id, AuditEntry.before, AuditEntry.after,
        AuditEntry.note, User.display_name.label("actor_name"))
        .outerjoin(User, AuditEntry.actor_id == User.id))
    return db.session.execute(query.execution_options(yield_per=AUDIT_BATCH))


def audited_residents(**filters):
    """A select of the residents (ids) whose records the audit entries the filters
    select are about (for the access log)."""
    return (_audit_query(**filters).order_by(None).with_only_columns(AuditEntry.object_id)
            .where(AuditEntry.object_type == "people", AuditEntry.object_id.is_not(None)))


def any_audited_resident(**filters):
    return db.session.scalar(select(audited_residents(**filters).exists()))


def audit_object_types():
    return db.session.scalars(select(AuditEntry.object_type).distinct()
                              .order_by(AuditEntry.object_type)).all()


def access_page(*, page=1, actor_id=None, action=None, start=None, end=None, person_id=None):
    """One page of access log entries, newest first (a Pagination), with their ids:
    of one account, one action, written in [start, end) (UTC), or showing one
    resident."""
    query = select(AccessEntry).options(selectinload(AccessEntry.objects))
    if actor_id:
        query = query.where(AccessEntry.actor_id == actor_id)
    if action:
        query = query.where(AccessEntry.action == action)
    if start is not None:
        query = query.where(AccessEntry.created_dt >= start)
    if end is not None:
        query = query.where(AccessEntry.created_dt < end)
    if person_id:
        query = query.where(AccessEntry.object_type == "person", AccessEntry.id.in_(
            select(AccessObject.entry_id).where(AccessObject.object_id == person_id)))
    return paginate(query.order_by(AccessEntry.created_dt.desc(), AccessEntry.id.desc()),
                    page=page, per_page=ACCESS_PAGE_SIZE)
