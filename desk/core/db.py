"""Database plumbing: the declarative base with a constraint naming convention,
a timezone-aware UTC datetime type, and the SQLite connection settings."""

import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_write_intent = ContextVar("desk_write_intent", default=False)


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
    """WAL, a busy timeout, foreign keys, and transactions SQLAlchemy controls itself.

    pysqlite's own transaction handling breaks SAVEPOINTs and delays BEGIN; turning it
    off and emitting BEGIN in the `begin` hook below is what SQLAlchemy's documentation
    recommends for SQLite.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@contextmanager
def write_intent():
    """Transactions begun inside this block will write: on SQLite they take the write
    lock at BEGIN (BEGIN IMMEDIATE), so that two writers wait for each other instead of
    failing with "database is locked" when one upgrades a read. Requests other than
    GET/HEAD/OPTIONS get this automatically; CLI commands, tasks and tests that write
    concurrently use this block."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _wants_write_lock(conn):
    if conn.get_execution_options().get("sqlite_immediate") or _write_intent.get():
        return True
    return has_request_context() and request.method not in READ_ONLY_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if _wants_write_lock(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
