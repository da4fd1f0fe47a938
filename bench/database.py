"""A throw-away PostgreSQL schema for a benchmark run (selected through search_path),
dropped at the end, so that a bench never touches real data; and the app a bench runs,
configured by the environment as `desk serve` is (`bench_app`)."""

import os
import sys
import tempfile
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

from desk import create_app
from desk.config import normalise_database_url

URL_VARIABLES = ("DESK_BENCH_DATABASE_URL", "DESK_TEST_DATABASE_URL")


def base_url():
    """The PostgreSQL server to use, from the first variable that is set; None if none."""
    for name in URL_VARIABLES:
        if os.environ.get(name):
            return normalise_database_url(os.environ[name])
    return None


class ThrowAwaySchema:
    def __init__(self, url):
        self.url = make_url(url)
        self.name = "desk_bench_" + uuid.uuid4().hex[:12]

    def _conninfo(self):
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def __enter__(self):
        """Create the schema; returns the SQLAlchemy URL that works inside it."""
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        return self.url.update_query_dict(
            {"options": f"-csearch_path={self.name}"}).render_as_string(hide_password=False)

    def __exit__(self, *exc_info):
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')

    def server_version(self):
        with psycopg.connect(self._conninfo()) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]


def needs_postgres(name):
    """Say that bench `name` runs only on PostgreSQL; returns the exit status."""
    print(f"bench {name} needs PostgreSQL: set DESK_BENCH_DATABASE_URL "
          "(or DESK_TEST_DATABASE_URL), e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test",
          file=sys.stderr)
    return 2


@dataclass(frozen=True)
class BenchApp:
    app: object
    environ: dict  # the environment `desk serve` runs in (bench.server.serving)
    database: str  # what it runs on: "PostgreSQL 15.20 (...)" or "SQLite"


@contextmanager
def bench_app(**settings):
    """The app configured by the environment, as `desk serve` is, in a throw-away
    instance folder: on a throw-away schema of base_url(), or without one on an SQLite
    file of that folder; rate limits off. `settings`: more environment variables."""
    url = base_url()
    schema = ThrowAwaySchema(url) if url else None
    with tempfile.TemporaryDirectory() as instance, (schema or nullcontext()) as schema_url:
        environ = {**os.environ,
                   "DATABASE_URL": schema_url or f"sqlite:///{os.path.join(instance, 'bench.db')}",
                   "DESK_RATELIMIT_ENABLED": "0", "DESK_INSTANCE_PATH": instance, **settings}
        database = f"PostgreSQL {schema.server_version()}" if schema else "SQLite"
        yield BenchApp(create_app({"ENVIRON": environ, "DESK_INSTANCE_PATH": instance}),
                       environ, database)
