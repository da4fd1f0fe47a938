"""Alembic environment for desk, run through Flask-Migrate (`desk init`, `desk db ...`).

The UTC datetime type is rendered as a plain timezone-aware DateTime so that
migrations do not import application code; SQLite gets batch mode for ALTERs. On SQLite
foreign keys are off while the migrations run (Alembic's advice for batch mode): batch
mode rebuilds a table by copying it, dropping the old one and renaming the copy, and
dropping a table that other tables refer to would otherwise run their ON DELETE
actions on every row. On PostgreSQL the migrations wait for locks without limit, unlike
the application's statements (desk.core.db.engine_options): a migration waiting for a
running server's transactions goes on once they end.
"""

import logging

from alembic import context
from flask import current_app

from desk.core.db import alembic_render_item as render_item

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db


def process_revision_directives(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(url=str(target_db.engine.url), target_metadata=target_db.metadata,
                      literal_binds=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", process_revision_directives)
    options.setdefault("render_item", render_item)
    options.setdefault("compare_type", True)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite takes the setting
            _sqlite_foreign_keys(connection, "OFF")
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata,
                              **options)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
                context.run_migrations()
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, "ON")


def _sqlite_foreign_keys(connection, value):
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys = {value}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
