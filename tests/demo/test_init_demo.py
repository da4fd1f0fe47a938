"""`desk init --demo` on a brand-new empty database: migrations, then the demo, once."""

from collections import Counter
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from desk import create_app
from desk.auth import services as auth_services
from desk.auth.models import Role, User
from desk.core.audit import AuditEntry
from desk.core.districts import District
from desk.core.timeutil import fiscal_year_dates, fiscal_year_of, local_today, to_local, utcnow
from desk.demo.logins import read_demo_logins
from desk.events.models import (
    Attendance,
    Booking,
    EventSession,
    SessionKind,
    Venue,
)
from desk.extensions import db
from desk.people.models import Person
from tests.conftest import _database_params, make_database, test_config


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_init_demo_loads_once_on_an_empty_database(kind, tmp_path_factory):
    url, cleanup = make_database(kind, tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(test_config(instance, url))
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["init", "--demo"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0] == "Database created."
        assert lines[-1].startswith("Demo data loaded: 13 districts")
        assert len(lines) == 3  # what a person needs, no log lines

        with app.app_context():
            today = local_today()
            assert _count(District) == 13
            assert _count(Venue) >= 10
            roles = Counter(db.session.scalars(select(User.role)))
            assert all(roles[role] >= 1 for role in Role)

            days = [to_local(start).date() for start in db.session.scalars(
                select(EventSession.start_dt))]
            this_year = fiscal_year_of(today)
            previous_first, previous_last = fiscal_year_dates(this_year - 1)
            current_first, _current_last = fiscal_year_dates(this_year)
            assert min(days) >= previous_first
            assert max(days) <= today + relativedelta(months=3)
            assert any(previous_first <= day <= previous_last for day in days)
            assert any(current_first <= day for day in days)
            assert any(today < day <= today + relativedelta(months=3) for day in days)
            # the whole previous fiscal year: about 80 consultation sessions
            start, end = (previous_first, previous_last + timedelta(days=1))
            consultations = [
                to_local(moment).date() for moment in db.session.scalars(
                    select(EventSession.start_dt).where(
                        EventSession.kind == SessionKind.CONSULTATION))]
            assert 70 <= sum(start <= day < end for day in consultations) <= 90
            assert _count(AuditEntry, AuditEntry.actor_label == "demo") > len(days)
            # residents booked the classes; those held have their attendance
            assert 300 <= _count(Person) <= 500
            assert _count(Booking) > 3000
            assert _count(Booking, Booking.attendance == Attendance.NO_SHOW) > 0

            # `desk serve` prints the logins; they work
            logins = read_demo_logins(app.instance_path)
            assert {role for role, _email, _password in logins} == {role.value for role in Role}
            role, email, password = logins[0]
            user = auth_services.authenticate(email, password, now=utcnow())
            assert user.role == Role(role)
            db.session.rollback()
            sessions_before = len(days)

        again = runner.invoke(args=["init", "--demo"])
        assert again.exit_code == 0, again.output
        assert again.output.splitlines() == [
            "Database is up to date.", "The database already holds data; demo data not loaded."]
        with app.app_context():
            assert _count(EventSession) == sessions_before
            assert _count(District) == 13
            db.engine.dispose()
    finally:
        cleanup()
