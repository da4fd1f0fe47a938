"""Test fixtures: an app per database (SQLite always, PostgreSQL when
DESK_TEST_DATABASE_URL is set), isolated per test by a SAVEPOINT rollback.

The schema is built by the real migrations, once per database and test run.
Use the `ctx` fixture for direct database work; test-client requests always run in a
context of their own (FreshContextClient), with their own database session on the same
connection, so call `db.session.expire_all()` before reading what a request changed.
"""

import contextlib
import contextvars
import os
import uuid

import psycopg
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import settings
from sqlalchemy import orm
from sqlalchemy.engine import make_url

from desk import create_app
from desk.extensions import db

pytest_plugins = [
    "tests.fixtures.factories",
    "tests.fixtures.volunteers",
    "tests.fixtures.disallow",
]

POSTGRES_URL = os.environ.get("DESK_TEST_DATABASE_URL", "")

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE: "full" (the default: `make test`
# and CI) runs every property test with the examples it asks for; "quick" (`make check`)
# runs at most 10 per test.
settings.register_profile("full", print_blob=True)
settings.register_profile("quick", max_examples=10, print_blob=True)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "full")
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(count):
    """max_examples for a property test that asks for `count` examples: `count` in the
    full profile, the quick profile's cap when that is lower."""
    if HYPOTHESIS_PROFILE == "full":
        return count
    return min(count, settings.default.max_examples)


def _required(name):
    return os.environ.get(f"DESK_REQUIRE_{name}", "") in {"1", "true", "yes"}


def _database_params():
    params = ["sqlite"]
    if POSTGRES_URL:
        params.append("postgresql")
    elif _required("POSTGRES"):
        params.append("postgresql-missing")
    return params


def test_config(instance_path, database_url):
    return {
        "TESTING": True,
        "DESK_INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "DESK_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
        # no purge by the dispatcher thread a test starts (tests/core/test_retention.py)
        "DESK_PURGE_TIME": None,
    }


test_config.__test__ = False  # a helper, not a test, where test modules import it


class PostgresSchema:
    """A throw-away schema in the test database, selected through search_path."""

    def __init__(self, base_url):
        self.base_url = make_url(base_url)
        self.name = "desk_test_" + uuid.uuid4().hex[:12]

    def _conninfo(self):
        url = self.base_url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def create(self):
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        return self.base_url.update_query_dict(
            {"options": f"-csearch_path={self.name}"}).render_as_string(hide_password=False)

    def drop(self):
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


def make_database(kind, tmp_path_factory):
    """(url, cleanup) for an empty database of the given kind."""
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "desk-test.sqlite3"
        return f"sqlite:///{path}", lambda: None
    if kind == "postgresql-missing":
        pytest.fail("DESK_REQUIRE_POSTGRES is set but DESK_TEST_DATABASE_URL is not")
    schema = PostgresSchema(POSTGRES_URL)
    try:
        url = schema.create()
    except psycopg.OperationalError as error:
        if _required("POSTGRES"):
            pytest.fail(f"PostgreSQL is required but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    return url, schema.drop


class FreshContextClient(FlaskClient):
    """Every request runs in a fresh context, even when the test holds an application
    context (the `ctx` fixture): as in production, nothing cached on `g` (the logged-in
    user, the locale) leaks from one request into the next. A streamed answer is read
    in that context too (`buffered`), as a server reads it in the request's thread: a
    compressed stream (Flask-Compress) holds the request's context until its end."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


# Modules whose tests open apps of their own with many connections (live_database_app)
# run on one pytest-xdist worker, one after the other: two of them at once on two
# workers could ask PostgreSQL for more than its 100 connections.
LIVE_DATABASES = pytest.mark.xdist_group("live-databases")


@contextlib.contextmanager
def live_database_app(kind, tmp_path_factory, *, connections, **config):
    """An app on its own empty, migrated database of `kind`, whose commits are real and
    whose pool holds `connections` connections, so that requests really run side by
    side (the concurrency tests). A module that uses it sets `pytestmark = LIVE_DATABASES`.

    These tests check what the queue for a lock ends with (never an overbooking, each
    message once), not how long it waits: fifty bookings of one session in line behind
    its lock can take longer than the default DESK_LOCK_TIMEOUT_SECONDS on a machine
    busy with other tests, so a lock may wait up to a minute here
    (tests/core/test_lock_timeout.py checks the timeout itself)."""
    from desk.cli import apply_migrations

    url, cleanup = make_database(kind, tmp_path_factory)
    settings = test_config(tmp_path_factory.mktemp("instance"), url)
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": connections, "max_overflow": 0,
                                             "pool_timeout": 60}
    settings["DESK_LOCK_TIMEOUT_SECONDS"] = 60
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = FreshContextClient
    with app.app_context():
        apply_migrations()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        cleanup()


@pytest.fixture(scope="session", params=_database_params())
def database_kind(request):
    return request.param


@pytest.fixture(scope="session")
def base_app(database_kind, tmp_path_factory):
    from desk.cli import apply_migrations

    url, cleanup = make_database(database_kind, tmp_path_factory)
    app = create_app(test_config(tmp_path_factory.mktemp("instance"), url))
    app.test_client_class = FreshContextClient
    with app.app_context():
        apply_migrations()
    yield app
    with app.app_context():
        db.engine.dispose()
    cleanup()


@pytest.fixture
def app(base_app):
    """The app with its database session bound to one connection whose transaction
    is rolled back after the test (commits become SAVEPOINT releases)."""
    with base_app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original_session = db.session
        db.session = orm.scoped_session(
            orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id)
    try:
        yield base_app
    finally:
        with base_app.app_context():
            db.session.remove()
            db.session = original_session
            transaction.rollback()
            connection.close()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
