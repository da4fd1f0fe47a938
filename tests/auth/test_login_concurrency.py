"""Wrong passwords sent at the same moment each count towards the lock-out, on SQLite and
PostgreSQL: each attempt in its own context, connection and transaction, as a request."""

import pytest
from sqlalchemy import func, select

from desk.auth import services
from desk.auth.models import Role, User
from desk.core.audit import AuditEntry
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.events.test_booking_concurrency import _transaction, run_at_once
from tests.fixtures.factories import PASSWORD

pytestmark = LIVE_DATABASES

ATTEMPTS = 20
MAX_FAILURES = 30


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=ATTEMPTS + 2,
                           DESK_LOGIN_MAX_FAILURES=MAX_FAILURES) as app:
        yield app


def _attempt(app, email, now):
    def action():
        try:
            services.authenticate(email, "not-the-password", now=now)
        except services.LoginError:
            return "refused"
        raise AssertionError("a wrong password was let in")

    return _transaction(app, action)


def test_simultaneous_wrong_passwords_each_count_and_lock(live_app):
    with live_app.app_context():
        user = services.create_user("race@city.example.jp", PASSWORD, role=Role.COORDINATOR,
                                    actor="test")
        db.session.commit()
        user_id, email = user.id, user.email

    run_at_once(ATTEMPTS, lambda index, now: _attempt(live_app, email, now))
    with live_app.app_context():
        user = db.session.get(User, user_id)
        assert user.failed_login_count == ATTEMPTS
        assert user.locked_until_dt is None

    run_at_once(ATTEMPTS, lambda index, now: _attempt(live_app, email, now))
    with live_app.app_context():
        user = db.session.get(User, user_id)
        assert user.locked_until_dt is not None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "user.lock")) == 1
