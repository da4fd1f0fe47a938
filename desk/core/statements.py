"""The Core statements of the hottest path, a booking (its reads under the session's
lock, its INSERTs), run on the database driver's cursor.

SQLAlchemy still builds each statement, compiles it once per database and set of
columns, and converts the values both ways with its types (bind and result
processors, the columns' Python defaults); PostgreSQL prepares the statement after a
few uses, as it does for any statement psycopg sends. What is left out is SQLAlchemy's
execution of each statement (its execution context, the result object and its
metadata, and in the ORM's session its handling of the statement): about half of a
small statement's CPU, a fifth of a booking behind the server (docs/bench.md).

What stays as SQLAlchemy's execution would have it: the session's connection and
transaction (SQLite's BEGIN IMMEDIATE included), the statement events
(`before_cursor_execute`, `after_cursor_execute`: statement counts see these
statements), and the errors: a DBAPIError with the parameters hidden, `Busy` for a lock
not granted in time (desk.core.db), a connection found dead invalidated.

Only Core statements go this way (an INSERT of a table, a SELECT of columns; no ORM
entity, no expanding IN list), and they never flush the session first.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, insert
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from desk.core.db import is_lock_timeout
from desk.core.errors import Busy

_COMPILED = {}
# the most bind parameters one statement of several rows carries: SQLite's limit before
# version 3.32 (PostgreSQL's is 65,535); a longer list of rows goes in pages of as many
# rows as fit, so that a statement is compiled for at most that many sizes
MAX_PARAMETERS = 999


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple  # the bind parameters, in the order of a positional paramstyle
    processors: dict  # bind parameter -> its type's bind processor
    fixed: dict  # the values the statement carries (a literal, a LIMIT), by bind parameter
    defaults: tuple  # (bind parameter, column default) of the columns left to their default
    results: tuple  # per result column: its type's result processor, or None


class Rows(list):
    """The rows a statement returned, as tuples."""

    def one(self):
        if not self:
            raise NoResultFound("No row was found when one was required")
        if len(self) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self[0]

    def one_or_none(self):
        if len(self) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self[0] if self else None

    def scalar_one_or_none(self):
        row = self.one_or_none()
        return None if row is None else row[0]


def run(session, statement, params=None):
    """Run the Core `statement` with `params` (a dict; a list of dicts, for an INSERT of
    several rows: one statement, or one per page of rows when they are many) in the
    session's transaction; returns its Rows."""
    conn = session.connection()
    if not isinstance(params, list):
        return Rows(_run(conn, statement, [params or {}]))
    page = max(1, MAX_PARAMETERS // max(1, len(params[0])))
    return Rows(row for start in range(0, len(params), page)
                for row in _run(conn, statement, params[start:start + page]))


def _run(conn, statement, rows):
    compiled = _compile(statement, conn.dialect, rows)
    values = _values(compiled, rows)
    parameters = (values if conn.dialect.paramstyle in ("pyformat", "named")
                  else tuple(values[name] for name in compiled.names))
    return _execute(conn, compiled, parameters)


def _compile(statement, dialect, rows):
    keys = tuple(rows[0])
    key = (statement, dialect.name, keys, len(rows))
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _compiled(statement, dialect, keys, len(rows))
    return compiled


def _compiled(statement, dialect, keys, count):
    """`statement` compiled for `dialect`: for an INSERT, of the columns `keys` (the
    columns with a Python default too) in `count` rows."""
    defaults = ()
    if statement.is_insert:
        table = statement.table
        # the Python defaults (a value, a function) of the columns left out; SQLAlchemy
        # writes an SQL default into the statement itself
        defaulted = [column for column in table.c
                     if column.key not in keys and column.default is not None
                     and (column.default.is_scalar or column.default.is_callable)]
        if count > 1:
            statement = statement.values([
                {name: bindparam(f"{name}_{index}", type_=table.c[name].type)
                 for name in (*keys, *(column.key for column in defaulted))}
                for index in range(count)])
        defaults = tuple(((column.key if count == 1 else f"{column.key}_{index}"),
                          column.default)
                         for index in range(count) for column in defaulted)
        compiled = statement.compile(dialect=dialect,
                                     column_keys=list(keys) if count == 1 else None)
        # what it returns: its own RETURNING, or the id a one-row INSERT fetches
        columns = compiled.effective_returning or ()
    else:
        compiled = statement.compile(dialect=dialect)
        columns = statement.selected_columns
    if compiled.post_compile_params:
        raise ValueError("an expanding parameter (IN) is rendered for every execution: "
                         "run this statement through SQLAlchemy")
    processors = {name: processor for name, bind in compiled.binds.items()
                  if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))}
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in columns)
    fixed = {name: bind.effective_value for name, bind in compiled.binds.items()
             if not bind.required and bind.callable is None}
    return _Compiled(compiled.string, tuple(compiled.positiontup or ()), processors, fixed,
                     defaults, results)


def _values(compiled, rows):
    """The bind parameters' values, converted by their types."""
    values = dict(compiled.fixed)
    if len(rows) == 1:
        values.update(rows[0])
    else:
        values.update((f"{name}_{index}", value)
                      for index, row in enumerate(rows) for name, value in row.items())
    for name, default in compiled.defaults:
        values[name] = default.arg(None) if default.is_callable else default.arg
    for name, processor in compiled.processors.items():
        if name in values:
            values[name] = processor(values[name])
    return values


def _execute(conn, compiled, parameters):
    dbapi_connection = conn.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, cursor, compiled.sql, parameters, None, False)
        cursor.execute(compiled.sql, parameters)
        # a statement that returns rows is known: asking the cursor would make psycopg
        # describe every column of the result
        fetched = cursor.fetchall() if compiled.results else []
        for listener in conn.dispatch.after_cursor_execute:
            listener(conn, cursor, compiled.sql, parameters, None, False)
    except conn.dialect.loaded_dbapi.Error as error:
        _raise_database_error(conn, compiled, parameters, error, cursor)
    finally:
        cursor.close()
    return [tuple(value if process is None else process(value)
                  for value, process in zip(row, compiled.results, strict=True))
            for row in fetched]


def _raise_database_error(conn, compiled, parameters, error, cursor):
    """The error SQLAlchemy's execution would raise, parameters hidden (they carry names
    and phone numbers)."""
    dialect = conn.dialect
    wrapped = DBAPIError.instance(compiled.sql, parameters, error, dialect.loaded_dbapi.Error,
                                  hide_parameters=True, dialect=dialect)
    if dialect.is_disconnect(error, conn.connection.dbapi_connection, cursor):
        conn.invalidate(wrapped)
    if is_lock_timeout(error):
        raise Busy() from wrapped
    raise wrapped from error


def many_rows_insert(table):
    """INSERT into `table`, for one row's values or a list of rows', returning the new
    ids (built once by the caller). Returning them is what makes SQLAlchemy send a
    list of rows as one multi-row INSERT (its "insertmanyvalues"; `run` makes one too);
    without it, psycopg's executemany sends a statement per row, in a pipeline that
    waits for the server three times."""
    return insert(table).returning(table.c.id)


_INSERTS = {}


def _insert_statement(mapper, given):
    """INSERT of the `given` columns of `mapper`'s table, returning what the database
    or a callable default fills in (the id, server defaults, `created_dt`-like
    defaults), with the attributes they go to, built once per table and set of given
    columns; and the scalar defaults of the attributes left unset, known without
    asking."""
    key = (mapper, given)
    if key not in _INSERTS:
        attribute = {prop.columns[0]: prop.key for prop in mapper.column_attrs}
        left = [column for column in mapper.local_table.c if column.key not in given]
        returned = [column for column in left if column.primary_key
                    or column.server_default is not None
                    or (column.default is not None and not column.default.is_scalar)]
        known = {attribute[column]: column.default.arg if column.default is not None else None
                 for column in left if column not in returned}
        _INSERTS[key] = (insert(mapper.local_table).returning(*returned),
                         [attribute[column] for column in returned], known)
    return _INSERTS[key]


def insert_now(session, cls, values, related=()):
    """Insert a new row of `cls` with these attribute `values`, at once, in one
    statement, and return it as an object of `session` as if a query had just read its
    row (its id and the defaults of the columns left unset included): what a flush of
    a new object alone does, without building it attribute by attribute or the flush's
    bookkeeping (the hot path of a booking). The statement returns only what the
    database fills in; the values given are taken as given. Only its own columns are
    written: what it refers to must already be in the database, and nothing is
    cascaded. `related`: as for `as_loaded` (an empty list of proxies for a new person).
    The attributes are named as their columns (the models' rule)."""
    statement, returned, known = _insert_statement(cls.__mapper__, frozenset(values))
    row = run(session, statement, values).one()
    return as_loaded(session, cls, {**known, **values, **dict(zip(returned, row, strict=True))},
                     related)


def loaded(session, cls, values, related=()):
    """The object of `session` for the row of `cls` just read with these column
    `values` (all of its columns), as the ORM's query with `populate_existing` and
    lazy relationships gives it: the object the session already has, its columns
    refreshed and its relationships other than `related` loaded again on first use, or
    a new one (`as_loaded`). `related`: {relationship: its object}, read with it."""
    obj = session.identity_map.get(
        identity_key(cls, tuple(values[column.key] for column in cls.__mapper__.primary_key)))
    if obj is None:
        return as_loaded(session, cls, values, related)
    related = dict(related)
    for name, value in values.items():
        set_committed_value(obj, name, value)
    session.expire(obj, [relationship.key for relationship in cls.__mapper__.relationships
                         if relationship.key not in related])
    for name, value in related.items():
        set_committed_value(obj, name, value)
    return obj


def as_loaded(session, cls, values, related=()):
    """An object of `session` for the row of `cls` just written with these attribute
    `values` (its primary key among them), as if a query had read it: nothing for a
    flush to write. `related`: {relationship: its object(s)}, taken as loaded too. An
    attribute missing from `values` is read from the database on first use. (The
    values go straight to the object, as a query's loading puts them: building it
    through its constructor sends an event per attribute, for history that is dropped
    at once.)"""
    obj = cls.__mapper__.class_manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    session.add(obj)
    for name, value in dict(related).items():
        set_committed_value(obj, name, value)
    return obj
