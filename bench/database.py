"""A throw-away PostgreSQL schema for a benchmark run (selected through search_path),
dropped at the end, so that a bench never touches real data."""

import os
import uuid

import psycopg
from sqlalchemy.engine import make_url

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
