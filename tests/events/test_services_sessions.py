"""Single sessions: creation and changes with every rule, status changes, the audit
trail, and that a refused change changes nothing."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime
from desk.events import services
from desk.events.models import SessionKind, SessionStatus
from desk.extensions import db
from tests.events.helpers import audit_entries, last_audit, row_counts
from tests.fixtures.factories import NOW


@pytest.fixture
def place(ctx, create_venue, create_program):
    return create_venue(default_capacity=16), create_program()


def session_data(place, **changes):
    venue, program = place
    data = {
        "kind": "class",
        "program_id": str(program.id),
        "venue_id": str(venue.id),
        "start_dt": "2026-12-03T10:00:00+09:00",
        "end_dt": "2026-12-03T11:30:00+09:00",
        "capacity": "12",
        "notes": "",
    }
    data.update(changes)
    return data


def refused(action, *, fields):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        action()
    db.session.rollback()
    assert set(caught.value.fields) == set(fields), caught.value.fields
    assert all(caught.value.fields.values()) and caught.value.message
    assert row_counts() == before
    return caught.value


def test_create_session_stores_utc_and_audits(ctx, place, coordinator):
    session = services.create_session(session_data(place), actor=coordinator, now=NOW)
    db.session.commit()
    db.session.expire_all()
    assert session.start_dt == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    assert session.end_dt == datetime(2026, 12, 3, 2, 30, tzinfo=UTC)
    assert session.status == SessionStatus.SCHEDULED and session.capacity == 12
    assert session.series_id is None and not session.is_detached
    entry = last_audit("session.create")
    assert entry.object_id == session.id and entry.actor_id == coordinator.id
    assert entry.before is None
    assert entry.after["start_dt"] == "2026-12-03T01:00:00+00:00"
    assert entry.after["kind"] == "class" and entry.after["status"] == "scheduled"


def test_create_session_accepts_any_offset(ctx, place):
    session = services.create_session(session_data(
        place, start_dt="2026-12-03T01:00:00Z", end_dt="2026-12-02T21:30:00-05:00"),
        actor="test", now=NOW)
    assert session.start_dt == local_datetime(date(2026, 12, 3), time(10))
    assert session.end_dt == local_datetime(date(2026, 12, 3), time(11, 30))


def test_create_session_class_capacity_defaults_to_the_venues(ctx, place):
    session = services.create_session(session_data(place, capacity=""), actor="test", now=NOW)
    assert session.capacity == 16


def test_create_session_consultation_needs_no_program_and_no_capacity(ctx, place):
    session = services.create_session(session_data(
        place, kind="consultation", program_id="", capacity="", title=""),
        actor="test", now=NOW)
    assert session.kind == SessionKind.CONSULTATION
    assert session.program_id is None and session.capacity is None


def test_create_session_outreach_keeps_its_group(ctx, place):
    session = services.create_session(session_data(
        place, kind="outreach_class", requesting_group="鵠沼老人クラブ",
        requesting_contact="山田 太郎"), actor="test", now=NOW)
    assert session.requesting_group == "鵠沼老人クラブ"
    assert session.requesting_contact == "山田 太郎"


def test_create_session_drops_a_group_that_is_not_an_outreach(ctx, place):
    session = services.create_session(session_data(place, requesting_group="老人クラブ"),
                                      actor="test", now=NOW)
    assert session.requesting_group is None


def test_create_session_awareness_event_with_title_or_program(ctx, place):
    titled = services.create_session(session_data(
        place, kind="awareness_event", program_id="", title="スマホ体験会", capacity=""),
        actor="test", now=NOW)
    assert titled.title == "スマホ体験会" and titled.capacity is None
    with_program = services.create_session(session_data(place, kind="awareness_event",
                                                        title=""), actor="test", now=NOW)
    assert with_program.program_id == place[1].id


def test_create_session_may_last_exactly_twelve_hours(ctx, place):
    session = services.create_session(session_data(
        place, start_dt="2026-12-03T08:00:00+09:00", end_dt="2026-12-03T20:00:00+09:00"),
        actor="test", now=NOW)
    assert session.end_dt - session.start_dt == timedelta(hours=12)


@pytest.mark.parametrize("changes, field", [
    ({"end_dt": "2026-12-03T09:00:00+09:00"}, "end_dt"),
    ({"end_dt": "2026-12-03T10:00:00+09:00"}, "end_dt"),
    ({"end_dt": "2026-12-03T22:01:00+09:00"}, "end_dt"),
    ({"end_dt": "2026-12-05T11:30:00+09:00"}, "end_dt"),
    ({"start_dt": ""}, "start_dt"),
    ({"start_dt": "2026-12-03T10:00:00"}, "start_dt"),  # no offset
    ({"start_dt": "2026-12-03"}, "start_dt"),
    ({"start_dt": "0001-01-01T00:00:00+09:00"}, "start_dt"),
    ({"start_dt": "9999-12-31T23:00:00+00:00"}, "start_dt"),
    ({"start_dt": "tomorrow"}, "start_dt"),
    ({"venue_id": "99999"}, "venue_id"),
    ({"venue_id": ""}, "venue_id"),
    ({"venue_id": "x"}, "venue_id"),
    ({"venue_id": "²"}, "venue_id"),
    ({"venue_id": 2**63}, "venue_id"),
    ({"program_id": "99999"}, "program_id"),
    ({"program_id": ""}, "program_id"),
    ({"kind": "lecture"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"kind": "outreach_class"}, "requesting_group"),
    ({"kind": "outreach_class", "requesting_group": "団" * 201}, "requesting_group"),
    ({"kind": "awareness_event", "program_id": "", "title": ""}, "title"),
    ({"title": "題" * 101}, "title"),
    ({"title": "改行\x07"}, "title"),
    ({"capacity": "-1"}, "capacity"),
    ({"capacity": "501"}, "capacity"),
    ({"capacity": "12.5"}, "capacity"),
    ({"notes": "注" * 2001}, "notes"),
])
def test_create_session_refuses_bad_input(ctx, place, changes, field):
    refused(lambda: services.create_session(session_data(place, **changes), actor="test",
                                            now=NOW), fields=[field])


def test_create_session_refuses_an_inactive_venue(ctx, place, create_venue):
    closed = create_venue(is_active=False)
    refused(lambda: services.create_session(session_data(place, venue_id=str(closed.id)),
                                            actor="test", now=NOW), fields=["venue_id"])


def test_update_session_at_a_venue_closed_since_is_allowed(ctx, create_session):
    session = create_session()
    services.update_venue(session.venue, {"is_active": False}, actor="test")
    services.update_session(session, {"capacity": 8}, actor="test", now=NOW)
    assert session.capacity == 8


def test_update_session_audits_before_and_after(ctx, create_session, coordinator):
    session = create_session()
    services.update_session(session, {"start_dt": "2026-12-03T13:00:00+09:00",
                                      "end_dt": "2026-12-03T14:30:00+09:00"},
                            actor=coordinator, now=NOW)
    db.session.commit()
    entry = last_audit("session.update")
    assert entry.object_id == session.id
    assert entry.before["start_dt"] == "2026-12-03T01:00:00+00:00"
    assert entry.after["start_dt"] == "2026-12-03T04:00:00+00:00"
    assert entry.after["end_dt"] == "2026-12-03T05:30:00+00:00"


def test_update_session_without_a_change_writes_nothing(ctx, create_session):
    session = create_session()
    before = row_counts()
    services.update_session(session, {"capacity": session.capacity}, actor="test", now=NOW)
    assert row_counts() == before


def test_update_session_refused_changes_nothing(ctx, create_session):
    session = create_session()
    start = session.start_dt
    refused(lambda: services.update_session(
        session, {"start_dt": "2026-12-03T12:00:00+09:00", "capacity": "600"},
        actor="test", now=NOW), fields=["capacity", "end_dt"])
    db.session.refresh(session)
    assert session.start_dt == start and session.capacity == 12


def test_update_session_refuses_a_cancelled_session(ctx, create_session):
    session = create_session()
    services.cancel_session(session, "会場点検のため", actor="test", now=NOW)
    before = row_counts()
    with pytest.raises(ValidationError):
        services.update_session(session, {"capacity": 5}, actor="test", now=NOW)
    assert row_counts() == before


def test_cancel_session_requires_a_reason_and_audits(ctx, create_session):
    session = create_session()
    refused(lambda: services.cancel_session(session, "   ", actor="test", now=NOW),
            fields=["cancel_reason"])
    refused(lambda: services.cancel_session(session, "理" * 501, actor="test", now=NOW),
            fields=["cancel_reason"])
    services.cancel_session(session, " 台風のため ", actor="test", now=NOW)
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "台風のため"
    entry = last_audit("session.cancel")
    assert entry.before["status"] == "scheduled" and entry.after["status"] == "cancelled"
    assert entry.after["cancel_reason"] == "台風のため"


def test_cancel_session_twice_or_after_it_was_held_is_refused(ctx, create_session):
    cancelled = create_session()
    services.cancel_session(cancelled, "台風", actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.cancel_session(cancelled, "台風", actor="test", now=NOW)
    held = create_session(day=date(2026, 11, 20))
    services.complete_session(held, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.cancel_session(held, "台風", actor="test", now=NOW)
    assert held.status == SessionStatus.COMPLETED


def test_reinstate_session_rules(ctx, create_session):
    future = create_session()
    with pytest.raises(ValidationError):
        services.reinstate_session(future, actor="test", now=NOW)  # not cancelled
    services.cancel_session(future, "台風", actor="test", now=NOW)
    services.reinstate_session(future, actor="test", now=NOW)
    assert future.status == SessionStatus.SCHEDULED and future.cancel_reason is None
    entry = last_audit("session.reinstate")
    assert entry.before["status"] == "cancelled" and entry.after["status"] == "scheduled"

    past = create_session(day=date(2026, 11, 20))
    services.cancel_session(past, "台風", actor="test", now=NOW)
    before = row_counts()
    with pytest.raises(ValidationError):
        services.reinstate_session(past, actor="test", now=NOW)
    assert row_counts() == before and past.status == SessionStatus.CANCELLED


def test_complete_session_rules(ctx, create_session):
    future = create_session()
    with pytest.raises(ValidationError):
        services.complete_session(future, actor="test", now=NOW)
    past = create_session(day=date(2026, 11, 20))
    services.complete_session(past, actor="test", now=NOW)
    assert past.status == SessionStatus.COMPLETED
    assert last_audit("session.complete").after["status"] == "completed"
    with pytest.raises(ValidationError):
        services.complete_session(past, actor="test", now=NOW)
    started = create_session(day=date(2026, 11, 23), start=time(10), end=time(11))
    services.complete_session(started, actor="test", now=NOW)  # 10:00 JST is NOW


def test_update_session_of_a_completed_session_is_allowed(ctx, create_session):
    held = create_session(day=date(2026, 11, 20))
    services.complete_session(held, actor="test", now=NOW)
    services.update_session(held, {"notes": "参加者 12 名"}, actor="test", now=NOW)
    assert held.notes == "参加者 12 名" and held.status == SessionStatus.COMPLETED


def test_apply_session_status_refuses_an_unknown_status(ctx, create_session):
    session = create_session()
    with pytest.raises(ValidationError) as caught:
        services.apply_session_status(session, "postponed", None, actor="test", now=NOW)
    assert "status" in caught.value.fields


def test_every_session_change_is_audited_once(ctx, create_session):
    session = create_session()
    services.update_session(session, {"capacity": 10}, actor="test", now=NOW)
    services.cancel_session(session, "台風", actor="test", now=NOW)
    services.reinstate_session(session, actor="test", now=NOW)
    actions = [entry.action for entry in audit_entries(object_id=session.id)
               if entry.object_type == "sessions"]
    assert actions == ["session.create", "session.update", "session.cancel",
                       "session.reinstate"]
