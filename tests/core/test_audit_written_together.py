"""audit.written_together: the entries of a block written at its end, in one INSERT, in
the order they were recorded; a refusal inside writes them, any other error drops them."""

import pytest
from sqlalchemy import event, select

from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.extensions import db


@pytest.fixture
def inserts(ctx):
    """The INSERTs into audit_entries sent while the test runs."""
    sent = []

    def noted(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO audit_entries"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", noted)
    yield sent
    event.remove(db.engine, "before_cursor_execute", noted)


def entries():
    return [(entry.action, entry.object_id)
            for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def record(action, object_id):
    audit.record(action, actor="cli", object_type="people", object_id=object_id)


def test_the_entries_of_a_block_are_one_insert_at_its_end_in_their_order(inserts):
    with audit.written_together():
        record("person.create", 1)
        record("booking.create", 2)
        assert inserts == []
    assert len(inserts) == 1
    assert entries() == [("person.create", 1), ("booking.create", 2)]


def test_outside_a_block_each_entry_is_written_at_once(inserts):
    record("person.create", 1)
    assert len(inserts) == 1
    assert entries() == [("person.create", 1)]


def test_a_block_inside_another_is_written_with_the_outer_one(inserts):
    with audit.written_together():
        record("person.create", 1)
        with audit.written_together():
            record("booking.create", 2)
        assert inserts == []
        record("booking.cancel", 2)
    assert len(inserts) == 1
    assert entries() == [("person.create", 1), ("booking.create", 2), ("booking.cancel", 2)]


def test_a_refusal_writes_what_was_recorded_before_it(inserts):
    """The transaction is still usable after a refusal, and the caller decides whether
    the changes stay (a savepoint rolled back takes the entries with it)."""
    with pytest.raises(ValidationError), audit.written_together():
        record("person.create", 1)
        raise ValidationError("no")
    assert entries() == [("person.create", 1)]


def test_any_other_error_drops_the_entries_and_ends_the_block(inserts):
    with pytest.raises(RuntimeError), audit.written_together():
        record("person.create", 1)
        raise RuntimeError("bug")
    assert inserts == [] and entries() == []
    record("person.update", 1)  # no block is open any more
    assert entries() == [("person.update", 1)]
