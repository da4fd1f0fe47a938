"""Every action code in the loaded demo's audit log (written through the services and in
bulk by the demo's own replay) has a readable label on the audit log page."""

from sqlalchemy import select

from desk.admin.audit_labels import ACTION_LABELS, OBJECT_LABELS
from desk.core.audit import AuditEntry
from desk.extensions import db


def test_every_audit_action_and_record_kind_in_the_demo_has_a_label(demo_context):
    actions = set(db.session.scalars(select(AuditEntry.action).distinct()))
    kinds = set(db.session.scalars(select(AuditEntry.object_type).distinct()))
    assert len(actions) > 20
    assert actions - set(ACTION_LABELS) == set()
    assert kinds - set(OBJECT_LABELS) == set()
