"""The migration that added users.session_token keeps every row that hangs on an
account (API tokens, account links, a volunteer's login) both ways, and gives every
existing account its own token; on SQLite and PostgreSQL."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from desk.auth import reset
from desk.auth import services as auth_services
from desk.auth.models import LinkChannel, LinkPurpose
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.fixtures.factories import NOW, PASSWORD

pytestmark = LIVE_DATABASES

BEFORE = "c13215f0b265"  # the last revision without users.session_token


def _count(table):
    return db.session.scalar(text(f"SELECT count(*) FROM {table}"))


def _dependants():
    return {"api_tokens": _count("api_tokens"), "account_links": _count("account_links"),
            "linked_volunteers": db.session.scalar(
                text("SELECT count(*) FROM volunteers WHERE user_id IS NOT NULL"))}


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_the_migration_keeps_what_hangs_on_accounts_and_gives_each_a_token(
        kind, tmp_path_factory, create_volunteer):
    with live_database_app(kind, tmp_path_factory, connections=2) as app, app.app_context():
        users = [auth_services.create_user(f"user{number}@city.example.jp", PASSWORD,
                                           role="volunteer", actor="test")
                 for number in range(3)]
        auth_services.create_token(users[0], name="script", actor="test")
        reset.create_link(users[1], LinkPurpose.RESET, LinkChannel.EMAIL, now=NOW)
        db.session.commit()
        volunteer = create_volunteer()
        volunteer.user_id = users[2].id
        db.session.commit()
        before = _dependants()
        assert before == {"api_tokens": 1, "account_links": 1, "linked_volunteers": 1}
        db.session.remove()
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        assert _dependants() == before
        db.session.remove()
        upgrade(directory=directory)
        assert _dependants() == before
        tokens = db.session.scalars(text("SELECT session_token FROM users")).all()
        assert len(tokens) == 3 and len(set(tokens)) == 3
        assert all(len(token) == 32 for token in tokens)
        db.session.remove()
