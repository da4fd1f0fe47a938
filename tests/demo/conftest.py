"""The demo city, loaded once per database and test run for every test that reads it.

Anchored to Thursday 2026-11-19, 14:40 JST: the third-Thursday consultation desk
(13:30-16:00, desk.demo.data "3TH") is running, the previous fiscal year is complete and
three months lie ahead. The database is a fresh one, committed; the tests only read it.
Loading takes seconds, so the tests that use it are marked `slow` and kept together on
one pytest-xdist worker (group "demo"), which loads it once.
"""

from dataclasses import dataclass
from datetime import date, time

import pytest

from desk import create_app
from desk.core.timeutil import local_datetime
from desk.demo.load import load_demo
from desk.extensions import db
from tests.conftest import make_database, test_config

TODAY = date(2026, 11, 19)
NOW = local_datetime(TODAY, time(14, 40))


@dataclass
class LoadedDemo:
    app: object
    summary: str


def pytest_collection_modifyitems(items):
    for item in items:
        if "loaded_demo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="session")
def loaded_demo(database_kind, tmp_path_factory):
    from desk.cli import apply_migrations

    url, cleanup = make_database(database_kind, tmp_path_factory)
    app = create_app(test_config(tmp_path_factory.mktemp("instance"), url))
    with app.app_context():
        apply_migrations()
        summary = load_demo(today=TODAY, now=NOW)
        db.session.commit()
    yield LoadedDemo(app, summary)
    with app.app_context():
        db.engine.dispose()
    cleanup()


@pytest.fixture
def demo_app(loaded_demo):
    return loaded_demo.app


@pytest.fixture
def demo_context(loaded_demo):
    """The loaded demo, with its app's context pushed."""
    with loaded_demo.app.app_context():
        yield loaded_demo
