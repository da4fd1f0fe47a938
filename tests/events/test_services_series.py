"""Recurring series: the sessions they generate, what a series edit changes and what it
leaves alone, skipped dates, cancelling, and that a refused change changes nothing.

NOW is Monday 2026-11-23 10:00 JST. The 2nd-and-4th-Tuesday series of FY2026 has 24
dates: 15 already past (14 April .. 10 November) and 9 to come (24 November .. 23 March).
"""

import calendar
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime, to_local
from desk.events import services
from desk.events.models import (
    EventSession,
    SeriesSkip,
    SeriesStatus,
    SessionKind,
    SessionStatus,
)
from desk.extensions import db
from tests.events.helpers import audit_entries, last_audit, row_counts
from tests.events.test_recurrence import FY2026, nth_weekdays
from tests.fixtures.factories import NOW

ALL_DATES = nth_weekdays(*FY2026, calendar.TUESDAY, [2, 4])
PAST_DATES = [day for day in ALL_DATES if day < date(2026, 11, 23)]
FUTURE_DATES = [day for day in ALL_DATES if day > date(2026, 11, 23)]


def series_data(venue, program, **changes):
    data = {
        "kind": "class",
        "program_id": str(program.id),
        "venue_id": str(venue.id),
        "capacity": "12",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU,4TU",
        "start_date": "2026-04-01",
        "until_date": "2027-03-31",
        "start_time": "10:00",
        "end_time": "11:30",
        "skip_dates": "",
        "notes": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def place(ctx, create_venue, create_program):
    return create_venue(default_capacity=18), create_program()


@pytest.fixture
def series(place):
    series, _report = services.create_series(series_data(*place), actor="test", now=NOW)
    db.session.commit()
    return series


def by_date(series):
    db.session.expire_all()
    sessions = db.session.scalars(select(EventSession).where(
        EventSession.series_id == series.id)).unique().all()
    return {session.occurrence_date: session for session in sessions}


def local_times(session):
    return to_local(session.start_dt).time(), to_local(session.end_dt).time()


def snapshot(sessions):
    return {day: (session.id, session.start_dt, session.end_dt, session.venue_id,
                  session.capacity, session.status, session.notes, session.is_detached)
            for day, session in sessions.items()}


def test_split_of_the_fiscal_year_around_now():
    assert len(ALL_DATES) == 24 and len(PAST_DATES) == 15 and len(FUTURE_DATES) == 9
    assert FUTURE_DATES[0] == date(2026, 11, 24)


# -- create ----------------------------------------------------------------------------

def test_create_series_makes_one_session_per_date_at_the_right_instant(ctx, place):
    series, report = services.create_series(series_data(*place), actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert sorted(sessions) == ALL_DATES
    assert [session.occurrence_date for session in report.created] == ALL_DATES
    for day, session in sessions.items():
        assert session.start_dt == datetime.combine(day, time(1, 0), tzinfo=UTC)
        assert session.end_dt == datetime.combine(day, time(2, 30), tzinfo=UTC)
        assert to_local(session.start_dt).date() == day
        assert session.kind == SessionKind.CLASS and session.capacity == 12
        assert session.status == SessionStatus.SCHEDULED and not session.is_detached
    assert series.status == SeriesStatus.ACTIVE


def test_create_series_just_after_midnight_jst_is_the_previous_day_in_utc(ctx, place):
    series, _ = services.create_series(series_data(
        *place, start_time="00:30", end_time="01:30", kind="consultation", program_id="",
        capacity=""), actor="test", now=NOW)
    session = by_date(series)[date(2026, 12, 8)]
    assert session.start_dt == datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    assert session.capacity is None and session.program_id is None


def test_create_series_audits_the_series_and_every_session(ctx, place, coordinator):
    series, _ = services.create_series(series_data(*place), actor=coordinator, now=NOW)
    entry = last_audit("series.create")
    assert entry.object_id == series.id and entry.actor_id == coordinator.id
    assert entry.after["rrule"] == "FREQ=MONTHLY;BYDAY=2TU,4TU"
    assert entry.after["start_time"] == "10:00:00" and entry.after["skip_dates"] == []
    assert len(audit_entries("session.create")) == 24


def test_create_series_skips_the_skipped_dates(ctx, place):
    series, report = services.create_series(series_data(
        *place, skip_dates="2026-12-22\n2027-01-12, 2026-12-23"), actor="test", now=NOW)
    assert sorted(by_date(series)) == [day for day in ALL_DATES
                                       if day not in (date(2026, 12, 22), date(2027, 1, 12))]
    assert len(report.created) == 22
    assert series.skip_dates == [date(2026, 12, 22), date(2026, 12, 23), date(2027, 1, 12)]


def test_create_series_class_capacity_defaults_to_the_venues(ctx, place):
    series, report = services.create_series(series_data(*place, capacity=""), actor="test",
                                            now=NOW)
    assert series.capacity == 18
    assert {session.capacity for session in report.created} == {18}


@pytest.mark.parametrize("changes, field", [
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;COUNT=5"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=20270331"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYHOUR=10"}, "rrule"),
    ({"rrule": "garbage"}, "rrule"),
    ({"rrule": ""}, "rrule"),
    ({"rrule": "FREQ=MONTHLY;BYDAY=9TU"}, "rrule"),
    ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "rrule"),  # no date at all
    ({"rrule": "FREQ=DAILY", "until_date": "2028-03-31"}, "rrule"),  # over 400 dates
    ({"until_date": "2026-03-31"}, "until_date"),
    ({"until_date": "2030-04-01"}, "until_date"),  # over three years
    ({"start_date": "2026-13-01"}, "start_date"),
    ({"start_date": "0001-01-01"}, "start_date"),
    ({"until_date": ""}, "until_date"),
    ({"start_time": "25:00"}, "start_time"),
    ({"end_time": "09:00"}, "end_time"),
    ({"end_time": "10:00"}, "end_time"),
    ({"end_time": ""}, "end_time"),
    ({"skip_dates": "2026-12-32"}, "skip_dates"),
    ({"skip_dates": "next tuesday"}, "skip_dates"),
    ({"skip_dates": "\n".join(["2026-12-01"] * 401)}, "skip_dates"),
    ({"kind": "outreach_class"}, "kind"),
    ({"kind": "meeting"}, "kind"),
    ({"program_id": ""}, "program_id"),
    ({"program_id": "424242"}, "program_id"),
    ({"venue_id": "424242"}, "venue_id"),
    ({"kind": "awareness_event", "program_id": "", "title": ""}, "title"),
    ({"capacity": "501"}, "capacity"),
    ({"capacity": "-3"}, "capacity"),
    ({"title": "題" * 101}, "title"),
])
def test_create_series_refuses_bad_input_and_creates_nothing(ctx, place, changes, field):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.create_series(series_data(*place, **changes), actor="test", now=NOW)
    db.session.rollback()
    assert field in caught.value.fields, caught.value.fields
    assert caught.value.fields[field]
    assert row_counts() == before


def test_create_series_refuses_an_inactive_venue(ctx, place, create_venue):
    closed = create_venue(is_active=False)
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.create_series(series_data(*place, venue_id=str(closed.id)), actor="test",
                               now=NOW)
    assert set(caught.value.fields) == {"venue_id"}
    db.session.rollback()
    assert row_counts() == before


# -- update ----------------------------------------------------------------------------

def test_update_series_moves_the_times_of_future_sessions_only(ctx, series):
    past_before = snapshot({day: s for day, s in by_date(series).items() if day in PAST_DATES})
    report = services.update_series(series, {"start_time": "13:00", "end_time": "14:30"},
                                    actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    for day in FUTURE_DATES:
        assert local_times(sessions[day]) == (time(13), time(14, 30))
        assert sessions[day].start_dt == local_datetime(day, time(13))
    assert snapshot({day: sessions[day] for day in PAST_DATES}) == past_before
    assert sorted(session.occurrence_date for session in report.updated) == FUTURE_DATES
    assert sorted(session.occurrence_date for session, reason in report.left_alone) == \
        PAST_DATES
    assert {reason for _session, reason in report.left_alone} == {"past"}
    assert not report.created and not report.removed


def test_update_series_keeps_a_one_off_change(ctx, series):
    sessions = by_date(series)
    one_off = sessions[date(2026, 12, 8)]
    services.update_session(one_off, {"start_dt": "2026-12-08T14:00:00+09:00",
                                      "end_dt": "2026-12-08T15:30:00+09:00",
                                      "capacity": 8}, actor="test", now=NOW)
    db.session.commit()
    assert one_off.is_detached

    report = services.update_series(series, {"start_time": "09:30", "end_time": "11:00",
                                             "capacity": "15"}, actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    kept = sessions[date(2026, 12, 8)]
    assert local_times(kept) == (time(14), time(15, 30)) and kept.capacity == 8
    assert (kept.id, "one_off") in [(session.id, reason) for session, reason
                                    in report.left_alone]
    for day in FUTURE_DATES:
        if day != date(2026, 12, 8):
            assert local_times(sessions[day]) == (time(9, 30), time(11))
            assert sessions[day].capacity == 15


def test_update_session_detaches_only_a_session_of_a_series(ctx, series, create_session):
    single = create_session()
    services.update_session(single, {"capacity": 5}, actor="test", now=NOW)
    assert not single.is_detached
    member = by_date(series)[date(2026, 12, 22)]
    services.update_session(member, {"requesting_contact": "誰か"}, actor="test", now=NOW)
    assert not member.is_detached  # nothing the series decides was changed
    services.update_session(member, {"notes": "3階の会議室です"}, actor="test", now=NOW)
    assert member.is_detached


def test_update_series_never_touches_cancelled_or_completed_sessions(ctx, series):
    sessions = by_date(series)
    cancelled = sessions[date(2027, 1, 12)]
    services.cancel_session(cancelled, "会場点検", actor="test", now=NOW)
    completed = sessions[date(2026, 11, 10)]
    services.complete_session(completed, actor="test", now=NOW)
    db.session.commit()
    before = snapshot({"c": cancelled, "d": completed})

    report = services.update_series(series, {"start_time": "13:00", "end_time": "14:30",
                                             "notes": "持ち物：スマホ"}, actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert snapshot({"c": sessions[date(2027, 1, 12)], "d": sessions[date(2026, 11, 10)]}) \
        == before
    reasons = {session.occurrence_date: reason for session, reason in report.left_alone}
    assert reasons[date(2027, 1, 12)] == "cancelled"
    assert reasons[date(2026, 11, 10)] == "completed"
    assert sessions[date(2027, 1, 12)].status == SessionStatus.CANCELLED


def test_update_series_skip_date_removes_an_untouched_future_session(ctx, series):
    target = by_date(series)[date(2026, 12, 22)]
    report = services.update_series(series, {"skip_dates": "2026-12-22"}, actor="test",
                                    now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert date(2026, 12, 22) not in sessions
    assert report.removed == [date(2026, 12, 22)]
    assert len(sessions) == 23
    assert db.session.get(EventSession, target.id) is None
    entry = last_audit("session.delete")
    assert entry.object_id == target.id and entry.before["status"] == "scheduled"
    assert [skip.skip_date for skip in db.session.scalars(select(SeriesSkip))] == [
        date(2026, 12, 22)]


def test_update_series_skip_date_leaves_a_changed_session_and_says_so(ctx, series):
    changed = by_date(series)[date(2027, 2, 9)]
    services.update_session(changed, {"capacity": 6}, actor="test", now=NOW)
    db.session.commit()
    report = services.update_series(series, {"skip_dates": "2027-02-09"}, actor="test",
                                    now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert sessions[date(2027, 2, 9)].id == changed.id
    assert sessions[date(2027, 2, 9)].capacity == 6
    assert [(session.id, reason) for session, reason in report.left_alone
            if session.occurrence_date == date(2027, 2, 9)] == [(changed.id, "one_off")]
    assert not report.removed


def test_update_series_skip_date_in_the_past_keeps_the_past_session(ctx, series):
    held = by_date(series)[date(2026, 10, 13)]
    report = services.update_series(series, {"skip_dates": ["2026-10-13"]}, actor="test",
                                    now=NOW)
    db.session.commit()
    assert by_date(series)[date(2026, 10, 13)].id == held.id
    assert (held.id, "past") in [(session.id, reason) for session, reason in report.left_alone]


def test_update_series_removing_a_skip_brings_the_session_back(ctx, place):
    series, _ = services.create_series(series_data(*place, skip_dates="2027-01-26"),
                                       actor="test", now=NOW)
    db.session.commit()
    assert date(2027, 1, 26) not in by_date(series)
    report = services.update_series(series, {"skip_dates": ""}, actor="test", now=NOW)
    db.session.commit()
    assert [session.occurrence_date for session in report.created] == [date(2027, 1, 26)]
    assert by_date(series)[date(2027, 1, 26)].start_dt == local_datetime(date(2027, 1, 26),
                                                                          time(10))
    assert series.skip_dates == []


def test_update_series_shorter_period_removes_later_sessions(ctx, series):
    report = services.update_series(series, {"until_date": "2026-12-31"}, actor="test",
                                    now=NOW)
    db.session.commit()
    assert sorted(by_date(series)) == [day for day in ALL_DATES if day <= date(2026, 12, 31)]
    assert report.removed == [day for day in ALL_DATES if day > date(2026, 12, 31)]


def test_update_series_new_pattern_adds_and_removes_future_dates(ctx, series):
    report = services.update_series(series, {"rrule": "FREQ=MONTHLY;BYDAY=1TH"},
                                    actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    first_thursdays = nth_weekdays(*FY2026, calendar.THURSDAY, [1])
    future_thursdays = [day for day in first_thursdays if day > date(2026, 11, 23)]
    assert sorted(session.occurrence_date for session in report.created) == future_thursdays
    assert sorted(report.removed) == FUTURE_DATES
    assert sorted(sessions) == sorted(PAST_DATES + future_thursdays)


def test_update_series_moves_future_sessions_to_another_venue(ctx, series, create_venue):
    original, other = series.venue_id, create_venue()
    services.update_series(series, {"venue_id": str(other.id)}, actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert {sessions[day].venue_id for day in FUTURE_DATES} == {other.id}
    assert {sessions[day].venue_id for day in PAST_DATES} == {original}


def test_update_series_never_adds_sessions_to_the_past(ctx, place):
    series, _ = services.create_series(series_data(
        *place, skip_dates="2026-06-09\n2026-12-08"), actor="test", now=NOW)
    db.session.commit()
    report = services.update_series(series, {"skip_dates": "", "start_date": "2026-03-01"},
                                    actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert [session.occurrence_date for session in report.created] == [date(2026, 12, 8)]
    assert date(2026, 6, 9) not in sessions and date(2026, 3, 10) not in sessions


def test_update_series_without_a_change_reports_nothing(ctx, series):
    counts = row_counts()
    report = services.update_series(series, {"capacity": "12"}, actor="test", now=NOW)
    assert not (report.created or report.updated or report.removed or report.left_alone)
    assert row_counts() == counts  # no audit entry either


def test_update_series_audits_the_series_and_each_changed_session(ctx, series, coordinator):
    before = len(audit_entries("session.update"))
    services.update_series(series, {"capacity": "14"}, actor=coordinator, now=NOW)
    entry = last_audit("series.update")
    assert entry.actor_id == coordinator.id
    assert (entry.before["capacity"], entry.after["capacity"]) == (12, 14)
    updates = audit_entries("session.update")[before:]
    assert len(updates) == len(FUTURE_DATES)
    assert all(update.before["capacity"] == 12 and update.after["capacity"] == 14
               for update in updates)


def test_update_series_twice_in_one_transaction(ctx, series):
    services.update_series(series, {"skip_dates": "2026-12-08"}, actor="test", now=NOW)
    services.update_series(series, {"skip_dates": "", "until_date": "2027-04-30"},
                           actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert date(2026, 12, 8) in sessions
    assert sorted(sessions) == ALL_DATES + [date(2027, 4, 13), date(2027, 4, 27)]


def test_cancel_series_after_an_update_in_one_transaction(ctx, series):
    report = services.update_series(series, {"until_date": "2027-04-30"}, actor="test",
                                    now=NOW)
    assert len(report.created) == 2
    cancel = services.cancel_series(series, "事業終了", actor="test", now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert len(cancel.cancelled) == len(FUTURE_DATES) + 2
    assert all(sessions[day].status == SessionStatus.CANCELLED
               for day in [*FUTURE_DATES, date(2027, 4, 13), date(2027, 4, 27)])


@pytest.mark.parametrize("changes, field", [
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"end_time": "09:00"}, "end_time"),
    ({"skip_dates": "2026-02-30"}, "skip_dates"),
    ({"until_date": "2026-01-01"}, "until_date"),
    ({"capacity": "900"}, "capacity"),
    ({"venue_id": "0"}, "venue_id"),
])
def test_update_series_refused_changes_nothing(ctx, series, changes, field):
    sessions_before = snapshot(by_date(series))
    counts = row_counts()
    rule = series.rrule
    with pytest.raises(ValidationError) as caught:
        services.update_series(series, {"start_time": "13:00", **changes}, actor="test",
                               now=NOW)
    db.session.rollback()
    assert field in caught.value.fields
    assert row_counts() == counts
    assert snapshot(by_date(series)) == sessions_before
    assert series.rrule == rule and series.start_time == time(10)


def test_update_series_refuses_a_cancelled_series(ctx, series):
    services.cancel_series(series, "事業終了", actor="test", now=NOW)
    db.session.commit()
    counts = row_counts()
    with pytest.raises(ValidationError):
        services.update_series(series, {"capacity": "10"}, actor="test", now=NOW)
    assert row_counts() == counts


# -- cancel ----------------------------------------------------------------------------

def test_cancel_series_cancels_only_the_sessions_to_come(ctx, series, coordinator):
    sessions = by_date(series)
    services.complete_session(sessions[date(2026, 11, 10)], actor="test", now=NOW)
    services.cancel_session(sessions[date(2027, 3, 23)], "年度末", actor="test", now=NOW)
    db.session.commit()
    past_before = snapshot({day: sessions[day] for day in PAST_DATES})

    report = services.cancel_series(series, "講師の都合", actor=coordinator, now=NOW)
    db.session.commit()
    sessions = by_date(series)
    assert series.status == SeriesStatus.CANCELLED and series.cancel_reason == "講師の都合"
    assert sorted(session.occurrence_date for session in report.cancelled) == \
        FUTURE_DATES[:-1]
    for day in FUTURE_DATES[:-1]:
        assert sessions[day].status == SessionStatus.CANCELLED
        assert sessions[day].cancel_reason == "講師の都合"
    assert sessions[date(2027, 3, 23)].cancel_reason == "年度末"
    assert snapshot({day: sessions[day] for day in PAST_DATES}) == past_before
    entry = last_audit("series.cancel")
    assert entry.actor_id == coordinator.id
    assert (entry.before["status"], entry.after["status"]) == ("active", "cancelled")


def test_cancel_series_refuses_without_a_reason_or_twice(ctx, series):
    counts = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.cancel_series(series, "", actor="test", now=NOW)
    assert "cancel_reason" in caught.value.fields
    db.session.rollback()
    assert row_counts() == counts and series.status == SeriesStatus.ACTIVE
    services.cancel_series(series, "事業終了", actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.cancel_series(series, "事業終了", actor="test", now=NOW)


def test_reinstate_session_of_a_cancelled_series_is_refused(ctx, series):
    services.cancel_series(series, "事業終了", actor="test", now=NOW)
    session = by_date(series)[FUTURE_DATES[0]]
    with pytest.raises(ValidationError):
        services.reinstate_session(session, actor="test", now=NOW)
    assert session.status == SessionStatus.CANCELLED
