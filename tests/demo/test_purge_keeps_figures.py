"""A resident's request to stop and delete, then a purge of everything purgeable, leave every KPI figure of every fiscal year exactly as
it was (issue: the data lifecycle). The demo city is loaded into a database of its own,
since the purge changes it; the figures compared are the whole dashboard report of each
fiscal year (targets, figures, every breakdown, topics and volunteers) as its exports
see them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from desk import create_app
from desk.core import retention
from desk.core.audit import AuditEntry
from desk.core.timeutil import fiscal_year_of
from desk.demo.load import load_demo
from desk.events.models import Attendance, Booking, BookingStatus, EventSession
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people import erasure, queries
from desk.people.models import Person
from desk.reports import dashboard, periods
from tests.conftest import make_database, test_config
from tests.demo.conftest import NOW, TODAY

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("purged-demo")]

# a day long after the demo: every resident's last activity is more than zero fiscal
# years back, and every period of zero days has ended for every record
LATER = datetime(2031, 4, 2, tzinfo=UTC)


def everything_purgeable():
    return {data_class.setting: 0 for data_class in retention.data_classes()}


def whole_report():
    first_fy = fiscal_year_of(db.session.scalar(select(func.min(EventSession.start_dt))))
    report = {}
    for fy in range(first_fy, fiscal_year_of(TODAY) + 1):
        built = dashboard.build_report(periods.fiscal_year(fy), dashboard.Choice(fy=str(fy)),
                                       today=TODAY, now=NOW)
        report[fy] = [(table.title, table.header, table.rows) for table in built.tables]
    return report


@pytest.fixture
def purged_demo(database_kind, tmp_path_factory):
    from desk.cli import apply_migrations

    url, cleanup = make_database(database_kind, tmp_path_factory)
    app = create_app(test_config(tmp_path_factory.mktemp("instance"), url))
    with app.app_context():
        apply_migrations()
        load_demo(today=TODAY, now=NOW)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()
    cleanup()


def test_a_full_purge_keeps_every_figure_of_every_fiscal_year(purged_demo):
    people = db.session.scalars(select(Person).where(Person.phone.is_not(None))
                                .order_by(Person.id).limit(3)).all()
    known = [(person.name, person.phone) for person in people]
    before = whole_report()
    assert len(before) >= 2

    # a resident who attended classes and is booked for coming ones asks to be deleted
    asking = db.session.scalars(
        select(Person).join(Booking, Booking.person_id == Person.id)
        .join(EventSession, EventSession.id == Booking.session_id)
        .where(EventSession.start_dt > NOW, Booking.status == BookingStatus.BOOKED,
               Person.id.in_(select(Booking.person_id).where(
                   Booking.attendance == Attendance.ATTENDED)))
        .order_by(Person.id).limit(1)).unique().one()
    erasure.stop_and_delete(asking, received_via="counter", received_on=TODAY, actor="test",
                            now=NOW)
    db.session.commit()
    db.session.expire_all()
    assert whole_report() == before

    config = {**purged_demo.config, **everything_purgeable()}
    dry = retention.purge(config, now=LATER, actor="test", dry_run=True)
    outcomes = retention.purge(config, now=LATER, actor="test")

    assert [(outcome.data_class.key, outcome.count) for outcome in dry] == [
        (outcome.data_class.key, outcome.count) for outcome in outcomes]
    counts = {outcome.data_class.key: outcome.count for outcome in outcomes}
    # everybody but the resident anonymised on request just before
    assert counts["residents"] == db.session.scalar(select(func.count(Person.id))) - 1
    assert db.session.scalar(select(func.count(Person.id))
                             .where(Person.anonymised_dt.is_(None))) == 0
    assert counts["outbox_contents"] > 0 and counts["audit_snapshots"] > 0
    db.session.expire_all()
    assert whole_report() == before
    # nothing is left to purge, and nobody can be found by their old name or number
    assert sum(outcome.count for outcome in retention.purge(
        config, now=LATER, actor="test", dry_run=True)) == 0
    for name, phone in known:
        assert queries.search_people(name).total == 0
        assert queries.search_people(phone).total == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))
                                 .where(OutboxMessage.address == phone)) == 0
    # the purge is in the audit log with its counts, never with values
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purge")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.after == counts
