"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from desk import create_app
from desk.cli import apply_migrations
from desk.core.db import alembic_render_item
from desk.extensions import db
from tests.conftest import _database_params, make_database, test_config


def test_migrations_match_the_models(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "render_item": alembic_render_item})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_migrations_apply_and_revert_on_an_empty_database(kind, tmp_path_factory):
    url, cleanup = make_database(kind, tmp_path_factory)
    try:
        app = create_app(test_config(tmp_path_factory.mktemp("instance"), url))
        with app.app_context():
            apply_migrations()
            tables = set(db.inspect(db.engine).get_table_names())
            assert {"users", "api_tokens", "audit_entries", "districts", "venues", "programs",
                    "session_series", "series_skips", "sessions", "alembic_version"} <= tables
            directory = app.extensions["migrate"].directory
            downgrade(directory=directory, revision="base")
            assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade(directory=directory)
            db.engine.dispose()
    finally:
        cleanup()
