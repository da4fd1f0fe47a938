"""Adding and editing a row with its audit entry (desk.core.records): a created row is
flushed and logged with its fields; a change is logged before and after, and only when
something changed."""

from sqlalchemy import select

from desk.core import records
from desk.core.audit import AuditEntry
from desk.core.districts import District
from desk.extensions import db

FIELDS = ("name", "name_kana", "position")


def _entries(district):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "districts", AuditEntry.object_id == district.id)
        .order_by(AuditEntry.id)).all()


def test_create_flushes_and_logs_the_fields(ctx):
    district = records.create(District, {"name": "片瀬", "name_kana": "カタセ", "position": 7},
                              action="district.create", fields=FIELDS, actor="test")
    assert district.id is not None
    [entry] = _entries(district)
    assert (entry.action, entry.actor_label, entry.before) == ("district.create", "test", None)
    assert entry.after == {"name": "片瀬", "name_kana": "カタセ", "position": 7}


def test_update_logs_before_and_after_only_when_something_changed(ctx):
    district = records.create(District, {"name": "片瀬", "name_kana": "カタセ", "position": 7},
                              action="district.create", fields=FIELDS, actor="test")
    assert not records.update(district, {"name": "片瀬", "position": 7},
                              action="district.update", fields=FIELDS, actor="test")
    assert records.update(district, {"name": "片瀬", "position": 8},
                          action="district.update", fields=FIELDS, actor="test")
    created, updated = _entries(district)
    assert updated.action == "district.update"
    assert updated.changes() == [("position", 7, 8)]
    assert district.position == 8


def test_assign_sets_what_differs_and_says_whether_anything_did(ctx):
    district = District(name="辻堂", name_kana="ツジドウ", position=1)
    assert not records.assign(district, {"name": "辻堂"})
    assert records.assign(district, {"name": "辻堂", "position": 2})
    assert district.position == 2
