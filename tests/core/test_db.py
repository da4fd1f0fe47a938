"""The UTC datetime column and the database settings, on every test database."""

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from desk.auth.models import User
from desk.extensions import db


def test_utc_datetime_round_trips_as_aware_utc(ctx, create_user):
    user = create_user("admin")
    jst = timezone(timedelta(hours=9))
    user.last_login_dt = datetime(2026, 4, 1, 0, 10, tzinfo=jst)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(User, user.id).last_login_dt
    assert stored == datetime(2026, 3, 31, 15, 10, tzinfo=UTC)
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_utc_datetime_refuses_naive_values(ctx, create_user):
    user = create_user("admin")
    user.last_login_dt = datetime(2026, 4, 1, 0, 10)
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()


def test_database_connection_settings(ctx):
    if db.engine.dialect.name == "postgresql":
        assert db.engine.driver == "psycopg"  # psycopg 3
        return
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_named_constraints_are_enforced_by_the_database(ctx, create_venue):
    from sqlalchemy.exc import IntegrityError

    venue = create_venue()
    db.session.execute(text("SAVEPOINT before_bad_update"))
    with pytest.raises(IntegrityError, match="default_capacity"):
        db.session.execute(text("UPDATE venues SET default_capacity = 501 WHERE id = :id"),
                           {"id": venue.id})
    db.session.rollback()



def test_database_errors_carry_no_parameters(ctx, caplog):
    """The statement's parameters stay out of the error and the log. (A unique violation
    on PostgreSQL still names the duplicated value in the server's own DETAIL line, so
    the refusal here is a missing person, which names only the id.)"""
    from sqlalchemy.exc import IntegrityError

    phone = "+819012345678"
    moment = datetime(2026, 4, 1, tzinfo=UTC)
    caplog.set_level(logging.DEBUG)
    db.session.execute(text("SAVEPOINT before_bad_insert"))
    with pytest.raises(IntegrityError) as raised:
        db.session.execute(text(
            "INSERT INTO outbox_messages (recipient_kind, person_id, channel, address, "
            "template, locale, due_dt, topic, state, attempts, created_dt, updated_dt) "
            "VALUES ('person', 999999, 'sms', :address, 'reminder', 'ja', :moment, "
            "'booking', 'queued', 0, :moment, :moment)"), {"address": phone, "moment": moment})
    logging.getLogger("desk").error("database refused: %s", raised.value)
    db.session.rollback()
    assert "hidden due to hide_parameters" in str(raised.value)
    assert phone not in str(raised.value)
    assert phone not in caplog.text
