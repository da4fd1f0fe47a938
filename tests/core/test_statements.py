"""desk.core.statements.run: a Core statement on the driver's cursor, with SQLAlchemy's
compiled SQL, type conversions, defaults, statement events and errors, on SQLite and
PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import exists, func, insert, select
from sqlalchemy.exc import IntegrityError, NoResultFound

from desk.core import statements
from desk.core.audit import AuditEntry
from desk.extensions import db
from desk.people.models import Person
from tests.fixtures.sql import statements_sent

JST = timezone(timedelta(hours=9))
ENTRY = {"actor_id": None, "actor_label": "cli", "action": "person.create",
         "object_type": "people", "object_id": 7, "before": None,
         "after": {"name": "佐藤 恵子", "seats": 2}, "note": "web"}


@pytest.fixture
def sent(ctx):
    """The INSERTs the database was sent while the test runs (the events)."""
    with statements_sent("INSERT") as seen:
        yield seen


def test_one_row_is_inserted_with_its_values_converted_and_its_defaults(sent):
    at = datetime(2026, 12, 8, 10, 0, tzinfo=JST)
    rows = statements.run(db.session, insert(AuditEntry.__table__)
                          .returning(AuditEntry.id, AuditEntry.created_dt),
                          {**ENTRY, "created_dt": at})
    entry_id, created = rows.one()
    assert created == at and created.tzinfo == UTC  # read back as SQLAlchemy reads it
    assert len(sent) == 1
    entry = db.session.get(AuditEntry, entry_id)
    assert (entry.after, entry.created_dt) == ({"name": "佐藤 恵子", "seats": 2}, at)


def test_the_python_defaults_of_the_columns_left_out_are_filled_in(ctx):
    """A scalar default (`needs_review`, False) and a callable one (`created_dt`)."""
    person_id, created = statements.run(db.session, insert(Person.__table__).returning(
        Person.id, Person.created_dt), {
        "name": "鈴木 茂", "name_kana": "スズキ シゲル", "kana_key": "スズキシゲル",
        "phone": "+81466251234", "phone_kind": "landline", "language": "ja",
        "reminder_channel": "automatic", "created_channel": "phone_desk",
        "updated_dt": datetime(2026, 12, 8, tzinfo=UTC)}).one()
    person = db.session.get(Person, person_id)
    assert person.needs_review is False and person.has_consent is False
    assert person.created_dt == created and abs(created - datetime.now(UTC)) < timedelta(
        minutes=1)


def test_several_rows_are_one_statement_in_their_order(sent):
    rows = [{**ENTRY, "object_id": number, "created_dt": datetime(2026, 12, 8, tzinfo=UTC)}
            for number in (3, 1, 2)]
    ids = [entry_id for (entry_id,) in statements.run(
        db.session, statements.many_rows_insert(AuditEntry.__table__), rows)]
    assert len(sent) == 1 and len(ids) == 3
    assert [db.session.get(AuditEntry, entry_id).object_id for entry_id in ids] == [3, 1, 2]


def test_a_select_of_columns_is_read_as_sqlalchemy_reads_it(ctx):
    at = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)
    statements.run(db.session, insert(AuditEntry.__table__), {**ENTRY, "created_dt": at})
    statement = select(func.max(AuditEntry.created_dt),
                       exists().where(AuditEntry.object_id == 7),
                       select(AuditEntry.id).where(AuditEntry.object_id == 99)
                       .scalar_subquery())
    latest, found, missing = statements.run(db.session, statement).one()
    assert (latest, found, missing) == (at, True, None)
    assert latest.tzinfo == UTC


def test_one_and_scalar_one_or_none_say_what_they_found(ctx):
    nothing = statements.run(db.session, select(AuditEntry.id).where(AuditEntry.id == -1))
    assert nothing.scalar_one_or_none() is None
    with pytest.raises(NoResultFound):
        nothing.one()


def test_an_error_is_sqlalchemys_with_the_parameters_hidden(ctx):
    """(PostgreSQL's own DETAIL line may name the row's values, as it does through
    SQLAlchemy's execution: desk.core.db's test of database errors.)"""
    with pytest.raises(IntegrityError) as error:
        statements.run(db.session, insert(AuditEntry.__table__), {
            **ENTRY, "actor_label": None, "created_dt": datetime(2026, 12, 8, tzinfo=UTC)})
    assert "INSERT INTO audit_entries" in str(error.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(error.value)
    assert "佐藤" not in str(error.value).split("[SQL:")[1]
    db.session.rollback()


def test_an_expanding_list_is_refused(ctx):
    with pytest.raises(ValueError, match="expanding"):
        statements.run(db.session, select(AuditEntry.id).where(AuditEntry.object_id.in_([1, 2])))


def test_many_rows_go_in_pages_that_fit_every_database(sent):
    """A digest to every subscriber plans a row each: one statement would pass
    PostgreSQL's limit of bind parameters (and old SQLite's), and be compiled again for
    every count of rows."""
    rows = [{**ENTRY, "object_id": number, "created_dt": datetime(2026, 12, 8, tzinfo=UTC)}
            for number in range(250)]
    per_page = statements.MAX_PARAMETERS // len(rows[0])
    ids = [entry_id for (entry_id,) in statements.run(
        db.session, statements.many_rows_insert(AuditEntry.__table__), rows)]
    assert len(sent) == -(-250 // per_page) > 1
    assert [db.session.get(AuditEntry, entry_id).object_id for entry_id in ids] == list(
        range(250))
