"""The migration that gives venues, districts and programs their English names, on
SQLite and PostgreSQL: down, the English columns go and the Japanese rows stay; up
again, the rows have no English names, and English readers see the Japanese ones."""

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from desk.core.districts import District
from desk.events.models import Program, Venue
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

BEFORE = "9a4d6c3e8f20"  # the last revision before the English names
ENGLISH_COLUMNS = {
    "districts": {"name_en"},
    "venues": {"name_en", "short_name_en", "accessibility_notes_en"},
    "programs": {"description_en", "what_to_bring_en"},
}


def _columns(table):
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_english_names_go_down_and_come_back_empty(kind, tmp_path_factory, create_district,
                                                   create_venue, create_program):
    with live_database_app(kind, tmp_path_factory, connections=2) as app, app.app_context():
        district = create_district(name="鵠沼", name_en="Kugenuma")
        venue = create_venue(name="鵠沼市民センター", name_en="Kugenuma Citizen Center",
                             short_name_en="Kugenuma C", accessibility_notes_en="Lift",
                             district_id=district.id)
        program = create_program(title="LINE入門", title_en="LINE for beginners",
                                 what_to_bring="スマートフォン", what_to_bring_en="Smartphone",
                                 description_en="Messages and stickers.")
        ids = (district.id, venue.id, program.id)
        db.session.remove()
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        for table, columns in ENGLISH_COLUMNS.items():
            assert not columns & _columns(table), table
        db.session.remove()

        upgrade(directory=directory)
        for table, columns in ENGLISH_COLUMNS.items():
            assert columns <= _columns(table), table
        district, venue, program = (db.session.get(District, ids[0]),
                                    db.session.get(Venue, ids[1]),
                                    db.session.get(Program, ids[2]))
        assert (district.name_en, venue.name_en, venue.short_name_en,
                venue.accessibility_notes_en, program.description_en,
                program.what_to_bring_en) == (None,) * 6
        assert program.title_en == "LINE for beginners"  # older than this migration
        with force_locale("en"):
            assert (district.display_name, venue.display_name, venue.display_short_name,
                    program.display_what_to_bring) == (
                "鵠沼", "鵠沼市民センター", venue.short_name, "スマートフォン")
        db.session.remove()
