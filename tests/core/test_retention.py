"""Retention periods and the purge (desk.core.retention): each class of personal data is
kept for its period (days or whole fiscal years, changeable by DESK_RETAIN_*), then
blanked or deleted by `desk purge`, which a dry run only counts, which audit-logs counts
and never values, and which the scheduler and Celery beat run once a day."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.config import load_config
from desk.core import audit, retention
from desk.core.audit import AuditEntry
from desk.core.errors import ConfigError
from desk.core.timeutil import local_datetime
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import celery_app, scheduler, tasks
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, RecipientKind
from desk.reports.models import SurveyEntry
from tests.fixtures.factories import NOW

DAY = timedelta(days=1)


def test_periods_come_from_the_environment_and_are_checked(ctx, tmp_path):
    config = load_config(tmp_path, environ={"DESK_RETAIN_OUTBOX_CONTENTS_DAYS": "30"})
    assert retention.DATA_CLASSES["outbox_contents"].period(config) == 30
    assert retention.DATA_CLASSES["visit_notes"].period(config) == 365  # its default
    for wrong in ("-1", "ninety"):
        with pytest.raises(ConfigError, match="DESK_RETAIN_OUTBOX_CONTENTS_DAYS"):
            load_config(tmp_path, environ={"DESK_RETAIN_OUTBOX_CONTENTS_DAYS": wrong})


def test_a_period_in_fiscal_years_ends_at_the_start_of_a_fiscal_year(ctx):
    residents = retention.DATA_CLASSES["residents"]
    # 31 March 2027, 23:59 JST is still fiscal year 2026: three years back is FY2023
    last_minute = local_datetime(date(2027, 3, 31), time(23, 59))
    assert residents.cutoff({}, last_minute) == local_datetime(date(2023, 4, 1), time(0))
    first_minute = local_datetime(date(2027, 4, 1), time(0, 0))
    assert residents.cutoff({}, first_minute) == local_datetime(date(2024, 4, 1), time(0))
    days = retention.DATA_CLASSES["outbox_contents"]
    assert days.cutoff({}, NOW) == NOW - 90 * DAY


def test_a_class_is_registered_once_with_a_known_unit(ctx):
    with pytest.raises(ValueError):
        retention.register("residents", label="x", unit=retention.DAYS, default=1,
                           count=len, purge=len)
    with pytest.raises(ValueError):
        retention.register("weeks", label="x", unit="weeks", default=1, count=len, purge=len)


def message(person, *, state, sent_dt=None, updated_dt=NOW):
    row = OutboxMessage(
        recipient_kind=RecipientKind.PERSON, person_id=person.id, channel=MessageChannel.SMS,
        address=person.phone, template=BookingTemplate.REMINDER, locale="ja", due_dt=NOW,
        topic="booking", state=state, sent_dt=sent_dt, updated_dt=updated_dt,
        secret="code-123456" if state == MessageState.QUEUED else None,
        last_error="21211: not a valid number" if state == MessageState.FAILED else None)
    db.session.add(row)
    db.session.flush()
    return row


def purge(app, now=NOW, **periods):
    config = {**app.config, **periods}
    outcomes = retention.purge(config, now=now, actor="test")
    db.session.expire_all()
    return {outcome.data_class.key: outcome.count for outcome in outcomes}


def test_message_contents_go_after_their_period_and_the_rest_stays(ctx, create_person):
    person = create_person()
    old_sent = message(person, state=MessageState.SENT, sent_dt=NOW - 91 * DAY)
    old_failed = message(person, state=MessageState.FAILED, updated_dt=NOW - 100 * DAY)
    recent = message(person, state=MessageState.SENT, sent_dt=NOW - 89 * DAY)
    waiting = message(person, state=MessageState.QUEUED, updated_dt=NOW - 200 * DAY)
    audit.record("notify.message_decision", old_sent, actor="test",
                 after={"address": person.phone}, now=NOW)
    db.session.commit()
    assert retention.DATA_CLASSES["outbox_contents"].count(NOW - 90 * DAY) == 2

    assert purge(ctx)["outbox_contents"] == 2

    assert (old_sent.address, old_failed.address, old_failed.last_error) == ("", "", None)
    assert (old_sent.state, old_sent.sent_dt, old_sent.template) == (
        MessageState.SENT, NOW - 91 * DAY, str(BookingTemplate.REMINDER))
    assert recent.address == person.phone
    assert (waiting.address, waiting.secret) == (person.phone, "code-123456")


def test_audit_snapshots_lose_personal_fields_after_their_period(ctx, create_person):
    person = create_person(name="石川 典子", name_kana="いしかわ のりこ")
    old = db.session.scalars(  # person.create, with the name and phone
        select(AuditEntry).where(AuditEntry.object_type == "people",
                                 AuditEntry.object_id == person.id)).one()
    audit.record("person.update", person, actor="test",
                 before={"name": "石川 典子", "district_id": 3},
                 after={"name": "石川 紀子", "district_id": 4}, now=NOW)
    old.created_dt = NOW - 366 * DAY
    audit.record("session.update", None, actor="test", object_type="sessions",
                 object_id=1, after={"title": "はじめてのスマホ"}, now=NOW - 400 * DAY)
    db.session.commit()
    recent = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "person.update", AuditEntry.object_id == person.id)).one()
    other = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "sessions", AuditEntry.object_id == 1)).one()

    assert purge(ctx)["audit_snapshots"] == 1

    assert old.after["name"] == audit.REMOVED and old.after["phone"] == audit.REMOVED
    assert old.after["district_id"] == person.district_id
    assert old.after["language"] == "ja" and old.personal_removed_dt == NOW
    assert old.action == "person.create" and old.actor_label == "test"
    assert recent.after == {"name": "石川 紀子", "district_id": 4}
    assert other.after == {"title": "はじめてのスマホ"} and other.personal_removed_dt is None


def test_survey_comments_go_and_answers_stay(ctx, create_session):
    session = create_session(day=date(2025, 6, 5))
    entry = SurveyEntry(session_id=session.id, satisfaction=5, comment="講師の田中さんが親切でした",
                        created_dt=NOW - 400 * DAY)
    db.session.add(entry)
    db.session.commit()
    assert purge(ctx)["survey_comments"] == 1
    assert (entry.comment, entry.satisfaction) == (None, 5)


def test_a_dry_run_counts_and_changes_nothing(ctx, create_person, runner):
    person = create_person()
    message(person, state=MessageState.SENT, sent_dt=NOW - 91 * DAY)
    db.session.commit()
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would change (dry run, nothing changed)" in result.output
    assert "outbox_contents" in result.output and "residents" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.address == person.phone)) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before


def test_a_purge_is_audit_logged_with_counts_only(ctx, create_person, runner):
    person = create_person()
    message(person, state=MessageState.SENT, sent_dt=NOW - 91 * DAY)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "retention.purge")).one()
    assert entry.actor_label == "cli" and entry.before is None
    assert set(entry.after) == set(retention.DATA_CLASSES)
    assert all(isinstance(count, int) for count in entry.after.values())
    assert entry.after["outbox_contents"] >= 1
    assert person.phone not in str(entry.after)


def test_the_scheduler_purges_once_a_day_after_the_purge_time(ctx, monkeypatch):
    assert not tasks.purge_due(None, now=NOW)  # the tests' DESK_PURGE_TIME: off
    monkeypatch.setitem(ctx.config, "DESK_PURGE_TIME", time(3, 30))
    before = local_datetime(date(2026, 12, 7), time(3, 29))
    after = local_datetime(date(2026, 12, 7), time(3, 30))
    assert not tasks.purge_due(None, now=before)
    assert tasks.purge_due(None, now=after)
    assert not tasks.purge_due(date(2026, 12, 7), now=after)
    assert tasks.purge_due(date(2026, 12, 6), now=after)


def test_a_scheduler_round_purges_when_it_is_time(app, monkeypatch):
    purged = []
    monkeypatch.setitem(app.config, "DESK_PURGE_TIME", time(0, 0))
    monkeypatch.setattr(tasks, "purge_expired", lambda *, now: purged.append(now))
    monkeypatch.setattr(tasks, "sweep", lambda: None)
    runner = scheduler.Scheduler(app)
    runner.run_round()
    runner.run_round()
    assert len(purged) == 1  # once a day


def test_celery_beat_purges_daily_at_the_purge_time_in_utc(ctx, monkeypatch):
    assert "purge" not in celery_app.celery_config(ctx)["beat_schedule"]
    monkeypatch.setitem(ctx.config, "DESK_PURGE_TIME", time(3, 30))
    schedule = celery_app.celery_config(ctx)["beat_schedule"]["purge"]
    assert schedule["task"] == celery_app.PURGE_TASK
    cron = schedule["schedule"]
    assert (cron.hour, cron.minute) == ({18}, {30})  # 03:30 JST
    assert cron.is_due(datetime(2026, 12, 6, 18, 29, tzinfo=UTC)) is not None
