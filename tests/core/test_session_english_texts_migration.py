"""The migration that gives sessions and series their English title and notes, on
SQLite and PostgreSQL: down, the English columns go and the Japanese rows stay; up
again, the rows have no English texts, and English readers see the Japanese ones."""

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from desk.events.models import EventSession, SessionSeries
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

BEFORE = "3c8e2f71a5d4"  # the English names of venues, districts and programs
ENGLISH_COLUMNS = {"title_en", "notes_en"}
TABLES = ("sessions", "session_series")


def _columns(table):
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_session_english_texts_go_down_and_come_back_empty(kind, tmp_path_factory,
                                                           create_series):
    with live_database_app(kind, tmp_path_factory, connections=2) as app, app.app_context():
        series = create_series(kind="consultation", program_id=None, capacity=None,
                               title="スマホ何でも相談会", title_en="Smartphone help desk",
                               notes="予約はいりません。", notes_en="No booking needed.")
        series_id, session_id = series.id, series.sessions[0].id
        db.session.remove()
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        for table in TABLES:
            assert not ENGLISH_COLUMNS & _columns(table), table
        db.session.remove()

        upgrade(directory=directory)
        for table in TABLES:
            assert ENGLISH_COLUMNS <= _columns(table), table
        series = db.session.get(SessionSeries, series_id)
        session = db.session.get(EventSession, session_id)
        assert (series.title_en, series.notes_en, session.title_en, session.notes_en) == (
            None,) * 4
        with force_locale("en"):
            assert (series.display_title, session.display_title, session.display_notes) == (
                "スマホ何でも相談会", "スマホ何でも相談会", "予約はいりません。")
        db.session.remove()
