"""Database plumbing: the declarative base with a constraint naming convention,
a timezone-aware UTC datetime type, the SQLite connection settings, and row locks that
wait a limited time.

Row locks: every service that locks rows (a session before booking, a shift before a
sign-up, a ticket, people being merged, ...) does so through `lock_rows` (the session's
lock, the hottest, builds its statement with `locking` and runs it through
desk.core.statements). A lock held by someone else is waited for at most
DESK_LOCK_TIMEOUT_SECONDS, a setting of every connection (`engine_options`):
PostgreSQL's `lock_timeout`, given when the connection is opened (no statement per
transaction); on SQLite, where a writing transaction takes the database's write lock at
BEGIN IMMEDIATE, the busy timeout. The migrations alone wait without limit
(desk/migrations/env.py). When the wait runs out (or PostgreSQL breaks a deadlock), the
database refuses the statement and `_lock_wait_ran_out` (or desk.core.statements)
raises `Busy` in its place: a DeskError (409, code `busy`) that
every page, the API and the kiosk show like any other refusal, after rolling back
what the refused call did (desk.core.transaction).
"""

import os
import sqlite3
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import current_app, has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, event, make_url
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from desk.core.errors import Busy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_write_intent = ContextVar("desk_write_intent", default=False)
_read_only = ContextVar("desk_read_only", default=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes in UTC and gives them back aware in UTC.

    A naive datetime is a programming error (whose local time was it?) and is refused.
    SQLite has no time zone type, so the UTC value is stored without an offset there.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("UTCDateTime refuses naive datetimes; attach a time zone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def alembic_render_item(type_, obj, autogen_context):
    """Migrations spell the UTC type as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def enum_column(enum_cls, name):
    """A VARCHAR column with a named CHECK constraint listing the enum's values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_cls),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """WAL, foreign keys, and transactions SQLAlchemy controls itself (the busy timeout
    comes with the connection: `engine_options`).

    pysqlite's own transaction handling breaks SAVEPOINTs and delays BEGIN; turning it
    off and emitting BEGIN in the `begin` hook below is what SQLAlchemy's documentation
    recommends for SQLite.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def create_sqlite_file(database_url):
    """Create the file of an SQLite database that does not exist yet, empty and readable
    by its owner only (0600), before the first connection would create it readable by
    everyone; SQLite gives the -wal and -shm files beside it the database's mode."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    with suppress(FileExistsError):
        os.close(os.open(url.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


@contextmanager
def write_intent():
    """Transactions begun inside this block will write: on SQLite they take the write
    lock at BEGIN (BEGIN IMMEDIATE), so that two writers wait for each other instead of
    failing with "database is locked" when one upgrades a read. Requests other than
    GET/HEAD/OPTIONS, and GET requests of views marked with `writes`, get this
    automatically; CLI commands, tasks and tests that write concurrently use this block."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def read_only():
    """Transactions begun inside this block only read, whatever the request's method:
    on SQLite they do not wait for the write lock (the page that says "busy" is shown
    while another writer still holds it)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def writes(view):
    """Mark a view that writes although it answers GET (a kiosk page notes when its
    device was last seen): its request's transactions take the write lock at BEGIN, as
    a POST's do, from the login check before the view on."""
    view.writes_on_read = True
    return view


def _view_writes():
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "writes_on_read", False)


def _wants_write_lock(conn):
    if _read_only.get():
        return False
    if conn.get_execution_options().get("sqlite_immediate") or _write_intent.get():
        return True
    return has_request_context() and (request.method not in READ_ONLY_METHODS
                                      or _view_writes())


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if _wants_write_lock(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


# -- row locks that wait a limited time --------------------------------------------------------

LOCK_TIMEOUT_STATES = {"55P03", "40P01"}  # PostgreSQL: lock_not_available, deadlock_detected


def engine_options(database_url, options, lock_timeout):
    """SQLAlchemy's engine options with the statements' parameters kept out of error
    messages and the log (they carry names and phone numbers: `hide_parameters`), and
    every connection's lock wait limited to `lock_timeout` seconds, unless the options
    name one: PostgreSQL's `lock_timeout`, added to the connection's `options` (those of
    the URL kept: a search_path), and SQLite's busy timeout (sqlite3's `timeout` is its
    busy handler)."""
    options = {**options, "hide_parameters": True}
    if database_url.startswith("sqlite"):
        connect_args = {"timeout": lock_timeout}
    elif database_url.startswith("postgresql"):
        url_options = make_url(database_url).query.get("options", "")
        connect_args = {"options": f"{url_options} -c lock_timeout={round(lock_timeout * 1000)}"
                        .strip()}
    else:
        return options
    return {**options, "connect_args": {**connect_args, **options.get("connect_args", {})}}


def locking(statement, *, of=None):
    """`statement` as SELECT ... FOR NO KEY UPDATE (of the table of `of`, when given),
    whose rows are read afresh from the database (populate_existing). The locks last
    until the transaction ends; the wait for them is limited (see above). A statement
    run on every request is built this way once (with bind parameters) and run with
    `lock_rows(..., params=...)` (or, a statement of columns, by desk.core.statements).

    NO KEY UPDATE, not UPDATE: a lock holder waits for every other holder and writer of
    the row, but not for transactions that only insert rows referring to it (a sign-up's
    reminder refers to the session a cancellation has locked), which would otherwise
    wait for the holder while it waits for them."""
    return (statement.with_for_update(of=of, key_share=True)
            .execution_options(populate_existing=True, desk_locking=True))


def lock_rows(session, statement, *, of=None, params=None):
    """Run `statement` as `locking` makes it (unless it is made so already) and return
    its scalars. `params`: the values of the statement's bind parameters."""
    if not statement.get_execution_options().get("desk_locking"):
        statement = locking(statement, of=of)
    return session.scalars(statement, params)


def is_lock_timeout(error):
    """Whether a DBAPI error says a lock was not granted in time."""
    if isinstance(error, sqlite3.OperationalError):
        return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY
    return getattr(error, "sqlstate", None) in LOCK_TIMEOUT_STATES


@event.listens_for(Engine, "handle_error")
def _lock_wait_ran_out(context):
    if is_lock_timeout(context.original_exception):
        raise Busy() from context.sqlalchemy_exception
