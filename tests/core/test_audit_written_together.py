"""audit.written_together: the entries of a block written at its end, in one INSERT, in
the order they were recorded; an error drops them, as the request drops the block's
changes, except a refusal that keeps its changes."""

import pytest
from sqlalchemy import select

from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.errors import Busy, ValidationError
from desk.extensions import db
from tests.fixtures.sql import statements_sent


@pytest.fixture
def inserts(ctx):
    """The INSERTs into audit_entries sent while the test runs."""
    with statements_sent("INSERT INTO audit_entries") as sent:
        yield sent


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


class CountedRefusal(ValidationError):
    keeps_changes = True  # as a wrong password is counted although the answer is "no"


def test_a_refusal_that_keeps_its_changes_writes_what_was_recorded_before_it(inserts):
    with pytest.raises(CountedRefusal), audit.written_together():
        record("person.update", 1)
        raise CountedRefusal("no")
    assert entries() == [("person.update", 1)]


@pytest.mark.parametrize("error", [ValidationError("no"), Busy(), RuntimeError("bug")])
def test_any_other_error_drops_the_entries_and_ends_the_block(inserts, error):
    """A refusal's changes are undone (a Busy one's transaction may be unusable: nothing
    more is sent), and so are a bug's."""
    with pytest.raises(type(error)), audit.written_together():
        record("person.create", 1)
        raise error
    assert inserts == [] and entries() == []
    record("person.update", 1)  # no block is open any more
    assert entries() == [("person.update", 1)]
