"""Every writer takes SQLite's write lock when its transaction begins, so that beside
another writer (the dispatcher, another request) it waits for the lock, up to the busy
timeout, instead of failing with "database is locked" when a read turns into a write:
a GET with an API token (which notes the token's last use) and the CLI commands that
write (desk create-user beside a running server).

On a file-based SQLite database; the other writer is a plain sqlite3 connection that
holds the write lock for a moment (shorter than the busy timeout) and commits a change,
as the dispatcher does."""

import sqlite3
import threading
import time as clock
import uuid
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from sqlalchemy import make_url, select

from desk.auth.models import ApiToken, User
from desk.auth.services import create_token, create_user
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, live_database_app

pytestmark = LIVE_DATABASES

HOLD_SECONDS = 1.0
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_database_app("sqlite", tmp_path_factory, connections=3,
                           DESK_LOCK_TIMEOUT_SECONDS=15) as app:
        yield app


@contextmanager
def write_lock_held(app):
    """Another connection holds the database's write lock (and has changed a row) from
    the start of the block for HOLD_SECONDS, then commits; the block ends after that."""
    taken = threading.Event()

    def hold():
        connection = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database,
                                     isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE users SET display_name = display_name")
        taken.set()
        clock.sleep(HOLD_SECONDS)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    started = clock.monotonic()
    try:
        yield
    finally:
        holder.join()
    assert clock.monotonic() - started >= HOLD_SECONDS * 0.8  # the writer really waited


def _user(app, role="coordinator"):
    with app.app_context():
        user = create_user(f"u-{uuid.uuid4().hex[:8]}@example.jp", PASSWORD, role=role,
                           display_name="山田 花子", actor="test")
        db.session.commit()
        return user.email


def _token(app):
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == _user(app))).one()
        token, plaintext = create_token(user, name="roster", actor="test")
        db.session.commit()
        return token.id, plaintext


def _last_use(app, token_id):
    with app.app_context():
        return db.session.get(ApiToken, token_id).last_used_dt


@pytest.fixture(scope="module")
def session_id(live):
    with live.app_context():
        now = utcnow()
        venue = services.create_venue({
            "name": "辻堂市民センター", "name_kana": "ツジドウシミンセンター", "short_name": "辻堂",
            "address": "神奈川県藤沢市辻堂東海岸1-1", "default_capacity": 20}, actor="test")
        day = local_today(now) + timedelta(days=7)
        session = services.create_session({
            "kind": "awareness_event", "venue_id": venue.id, "capacity": 10,
            "title": "スマホ相談会", "start_dt": local_datetime(day, time(10)),
            "end_dt": local_datetime(day, time(11, 30))}, actor="test", now=now)
        db.session.commit()
        return session.id


@pytest.mark.parametrize("path", ["/api/v1/sessions/{session_id}/roster",
                                  "/api/v1/reports/kpi"])
def test_a_get_with_a_token_waits_for_the_write_lock(live, session_id, path):
    token_id, plaintext = _token(live)
    before = utcnow()
    with write_lock_held(live):
        response = live.test_client().get(path.format(session_id=session_id),
                                          headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200, response.get_json()
    assert _last_use(live, token_id) >= before


def _cli(app, *args, password=None):
    result = app.test_cli_runner().invoke(args=list(args), input=password and password + "\n")
    assert result.exit_code == 0, result.output
    return result.output


def test_create_user_waits_for_the_write_lock(live):
    email = f"new-{uuid.uuid4().hex[:8]}@example.jp"
    with write_lock_held(live):
        _cli(live, "create-user", email, "--role", "coordinator", password=PASSWORD)
    with live.app_context():
        assert db.session.scalars(select(User).where(User.email == email)).one()


def test_set_password_waits_for_the_write_lock(live):
    email = _user(live)
    with write_lock_held(live):
        _cli(live, "set-password", email, password="another long passphrase")


def test_token_commands_wait_for_the_write_lock(live):
    email = _user(live)
    with write_lock_held(live):
        output = _cli(live, "create-token", email, "--name", "kiosk")
    token_id = int(output.split()[1])
    with write_lock_held(live):
        _cli(live, "revoke-token", str(token_id))
    with live.app_context():
        assert db.session.get(ApiToken, token_id).revoked_dt is not None
