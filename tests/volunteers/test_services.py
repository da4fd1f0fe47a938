"""The volunteer services: sign-up and withdrawal rules, open shifts filtered by skills
and usual times, staffing warnings, the staffing rule, sessions that move or are
cancelled, same-day cover."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, ValidationError
from desk.core.timeutil import local_datetime
from desk.events import services as event_services
from desk.events.labels import left_alone_message
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.volunteers import places, queries, services
from desk.volunteers.models import AssignmentStatus, ShiftStatus
from desk.volunteers.notices import ShiftTemplate
from tests.fixtures.factories import NOW

DAY = date(2026, 12, 3)  # a Thursday


def _messages(volunteer, template=None):
    query = select(OutboxMessage).where(OutboxMessage.recipient_kind == "volunteer",
                                        OutboxMessage.recipient_id == volunteer.id)
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_sign_up_takes_a_place_and_plans_the_reminder(ctx, create_session, create_shift,
                                                        create_volunteer):
    shift = create_shift(create_session(), places=2)
    volunteer = create_volunteer()
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    db.session.commit()
    assert assignment.status == AssignmentStatus.ACTIVE
    assert places.places_free(shift) == 1
    (reminder,) = _messages(volunteer)
    assert reminder.template == ShiftTemplate.SHIFT_REMINDER
    assert reminder.state == MessageState.QUEUED
    assert reminder.due_dt == local_datetime(date(2026, 12, 2), time(17))
    assert reminder.channel == "sms" and reminder.address == volunteer.phone
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.object_type == "shift_assignments")) == "shift_assignment.sign_up"


def test_sign_up_refuses_a_full_shift_twice_and_missing_skills(ctx, create_session,
                                                               create_shift, create_volunteer):
    shift = create_shift(create_session(), places=1, skills=["line"])
    first = create_volunteer(skills=["line"])
    second = create_volunteer(skills=["line", "iphone"])
    services.sign_up_for_shift(shift, first, actor="test", now=NOW)
    with pytest.raises(ConflictError) as full:
        services.sign_up_for_shift(shift, second, actor="test", now=NOW)
    assert full.value.code == "shift_full"
    with pytest.raises(ConflictError):
        services.sign_up_for_shift(shift, first, actor="test", now=NOW)
    lacking = create_volunteer(skills=["android"])
    other = create_shift(create_session(), places=3, skills=["line"])
    with pytest.raises(ValidationError):
        services.sign_up_for_shift(other, lacking, actor="test", now=NOW)


def test_sign_up_refuses_started_cancelled_and_clashing_shifts(ctx, create_session,
                                                               create_shift, create_volunteer):
    volunteer = create_volunteer()
    started = create_shift(create_session(day=date(2026, 11, 23), start=time(9), end=time(12)))
    with pytest.raises(ValidationError):
        services.sign_up_for_shift(started, volunteer, actor="test", now=NOW)
    cancelled = create_shift(create_session(), places=2)
    services.cancel_shift(cancelled, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.sign_up_for_shift(cancelled, volunteer, actor="test", now=NOW)
    mine = create_shift(create_session(start=time(10), end=time(12)))
    clashing = create_shift(create_session(start=time(11), end=time(13)))
    services.sign_up_for_shift(mine, volunteer, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.sign_up_for_shift(clashing, volunteer, actor="test", now=NOW)
    assert places.places_free(clashing) == 1


def test_withdraw_until_the_cut_off_then_only_a_coordinator(ctx, create_session, create_shift,
                                                            create_volunteer):
    shift = create_shift(create_session())  # 2026-12-03 10:00 JST
    volunteer = create_volunteer()
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    cut_off = shift.start_dt - timedelta(hours=24)
    assert services.withdraw_cutoff(shift) == cut_off
    with pytest.raises(ValidationError) as late:
        services.withdraw_from_shift(assignment, actor="test", now=cut_off)
    assert "0466-25-1111" in late.value.message
    assert assignment.is_active
    services.withdraw_from_shift(assignment, actor="test", now=cut_off - timedelta(minutes=1))
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert assignment.sequence == 1
    assert [message.state for message in _messages(volunteer)] == [MessageState.CANCELLED]
    # signing up again reuses the row (one calendar UID) and counts the change
    again = services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    assert again.id == assignment.id and again.sequence == 2 and again.is_active
    removed = services.remove_from_shift(again, actor="test", now=cut_off + timedelta(hours=1))
    assert removed.status == AssignmentStatus.REMOVED
    assert _messages(volunteer, ShiftTemplate.SHIFT_CANCELLED)


def test_withdraw_cut_off_is_configurable(ctx, create_session, create_shift, create_volunteer):
    ctx.config["DESK_SHIFT_WITHDRAW_HOURS"] = 48
    try:
        shift = create_shift(create_session())
        assignment = services.sign_up_for_shift(shift, create_volunteer(), actor="test", now=NOW)
        with pytest.raises(ValidationError):
            services.withdraw_from_shift(assignment, actor="test",
                                         now=shift.start_dt - timedelta(hours=30))
    finally:
        ctx.config["DESK_SHIFT_WITHDRAW_HOURS"] = 24


def test_open_shifts_are_filtered_by_skills_and_usual_times(ctx, create_session, create_shift,
                                                            create_volunteer):
    thursday_morning = create_session(day=DAY, start=time(10), end=time(12))
    saturday = create_session(day=date(2026, 12, 5), start=time(13), end=time(15))
    plain = create_shift(thursday_morning, role="assistant")
    line = create_shift(thursday_morning, role="lead", skills=["line"])
    weekend = create_shift(saturday)
    full = create_shift(create_session(day=DAY, start=time(14), end=time(15)), places=1)
    services.sign_up_for_shift(full, create_volunteer(), actor="test", now=NOW)
    volunteer = create_volunteer(skills=["iphone"], availability=[
        {"weekday": 3, "start_time": "09:00", "end_time": "17:00"}])
    offered = [item.shift for item in queries.open_shifts_for(volunteer, now=NOW)]
    assert offered == [plain]
    anytime = create_volunteer(skills=["iphone", "line"])
    offered = [item.shift for item in queries.open_shifts_for(anytime, now=NOW)]
    assert set(offered) == {plain, line, weekend}
    services.sign_up_for_shift(plain, anytime, actor="test", now=NOW)
    # a shift at the same time is no longer offered once one is taken
    assert [item.shift for item in queries.open_shifts_for(anytime, now=NOW)] == [weekend]


def test_assign_warns_about_overlap_travel_skills_and_times(ctx, create_session, create_shift,
                                                            create_volunteer, create_venue):
    here, there = create_venue(), create_venue()
    morning = create_shift(create_session(venue_id=here.id, start=time(10), end=time(12)))
    volunteer = create_volunteer(skills=["iphone"], availability=[
        {"weekday": 3, "start_time": "09:00", "end_time": "13:00"}])
    services.assign_volunteer(morning, volunteer, actor="test", now=NOW)

    near = create_shift(create_session(venue_id=there.id, start=time(12, 20), end=time(13)))
    with pytest.raises(services.StaffingWarning) as travel:
        services.assign_volunteer(near, volunteer, actor="test", now=NOW)
    assert [concern.kind for concern in travel.value.warnings] == ["travel"]
    assert places.places_free(near) == 1

    same_venue = create_shift(create_session(venue_id=here.id, start=time(12, 10),
                                             end=time(12, 50)))
    assert services.staffing_warnings(same_venue, volunteer) == []
    far_enough = create_shift(create_session(venue_id=there.id, start=time(12, 40),
                                             end=time(13)))
    assert services.staffing_warnings(far_enough, volunteer) == []

    clash = create_shift(create_session(venue_id=there.id, start=time(11), end=time(14)),
                         skills=["line"])
    kinds = {concern.kind for concern in services.staffing_warnings(clash, volunteer)}
    assert kinds == {"overlap", "skills", "availability"}
    assignment = services.assign_volunteer(clash, volunteer, actor="test", now=NOW,
                                           confirmed=True)
    assert assignment.is_active
    note = db.session.scalar(select(AuditEntry.note).where(
        AuditEntry.action == "shift_assignment.assign", AuditEntry.object_id == assignment.id))
    assert set(note.split("; ")) == kinds


def test_travel_gap_is_configurable(ctx, create_session, create_shift, create_volunteer,
                                    create_venue):
    here, there = create_venue(), create_venue()
    volunteer = create_volunteer()
    services.assign_volunteer(create_shift(create_session(venue_id=here.id, start=time(10),
                                                          end=time(12))),
                              volunteer, actor="test", now=NOW)
    later = create_shift(create_session(venue_id=there.id, start=time(12, 40), end=time(14)))
    ctx.config["DESK_SHIFT_TRAVEL_MINUTES"] = 60
    try:
        assert [c.kind for c in services.staffing_warnings(later, volunteer)] == ["travel"]
    finally:
        ctx.config["DESK_SHIFT_TRAVEL_MINUTES"] = 30


def test_the_staffing_rule(ctx, create_session, create_shift, create_volunteer, create_person):
    session = create_session(capacity=20)
    for _ in range(3):
        event_services.book_seat(session, create_person(), seats=3, channel="phone_desk",
                                 actor="test", now=NOW)
    lead = create_shift(session, role="lead", places=1)
    helpers = create_shift(session, role="assistant", places=3)
    (staffing,) = queries.staffing_of([session])
    assert (staffing.participants, staffing.leads_needed, staffing.volunteers_needed) == (9, 1, 4)
    assert staffing.is_understaffed
    for _ in range(3):
        services.assign_volunteer(helpers, create_volunteer(), actor="test", now=NOW)
    (staffing,) = queries.staffing_of([session])
    assert staffing.volunteers == 3 and staffing.leads == 0 and staffing.is_understaffed
    services.assign_volunteer(lead, create_volunteer(), actor="test", now=NOW)
    (staffing,) = queries.staffing_of([session])
    assert not staffing.is_understaffed and staffing.missing == 0
    assert session not in [item.session for item in queries.understaffed_sessions(now=NOW)]
    # unfilled places count too: one more assistant place makes it short again
    services.update_shift(helpers, {"role": "assistant", "places": 4}, actor="test", now=NOW)
    assert session in [item.session for item in queries.understaffed_sessions(now=NOW)]
    # beyond the next 14 days it is not listed
    later = create_session(day=NOW.date() + timedelta(days=20))
    assert later not in [item.session for item in queries.understaffed_sessions(now=NOW)]


def test_a_moved_session_moves_its_shifts_and_tells_the_volunteers(
        ctx, create_session, create_shift, create_volunteer):
    session = create_session(start=time(10), end=time(12))
    shift = create_shift(session, start_time="09:30", end_time="12:00")
    volunteer = create_volunteer()
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    event_services.update_session(session, {
        "start_dt": local_datetime(date(2026, 12, 4), time(13)),
        "end_dt": local_datetime(date(2026, 12, 4), time(15))}, actor="test", now=NOW)
    assert shift.start_dt == local_datetime(date(2026, 12, 4), time(12, 30))
    assert shift.end_dt == local_datetime(date(2026, 12, 4), time(15))
    assert assignment.sequence == 1
    states = [(message.template, message.state) for message in _messages(volunteer)]
    assert states == [(ShiftTemplate.SHIFT_REMINDER, MessageState.CANCELLED),
                      (ShiftTemplate.SHIFT_CHANGED, MessageState.QUEUED),
                      (ShiftTemplate.SHIFT_REMINDER, MessageState.QUEUED)]
    assert _messages(volunteer)[-1].due_dt == local_datetime(date(2026, 12, 3), time(17))


def test_shift_messages_must_not_outlive_the_shift_and_move_with_it(
        ctx, create_session, create_shift, create_volunteer):
    session = create_session(start=time(10), end=time(12))
    shift = create_shift(session, places=2)
    volunteer, other = create_volunteer(), create_volunteer()
    services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    services.request_cover(shift, actor="test", now=NOW)
    (reminder,) = _messages(volunteer, ShiftTemplate.SHIFT_REMINDER)
    (cover,) = _messages(other, ShiftTemplate.SHIFT_COVER)
    assert (reminder.not_after, cover.not_after) == (shift.start_dt, shift.end_dt)
    event_services.update_session(session, {
        "start_dt": local_datetime(date(2026, 12, 4), time(13)),
        "end_dt": local_datetime(date(2026, 12, 4), time(15))}, actor="test", now=NOW)
    db.session.expire_all()
    # the call for cover was not planned again: it was moved
    (moved,) = _messages(other, ShiftTemplate.SHIFT_COVER)
    assert moved.id == cover.id and moved.state == MessageState.QUEUED
    assert moved.not_after == local_datetime(date(2026, 12, 4), time(15)) == shift.end_dt
    assert {message.not_after for message in _messages(volunteer)
            if message.state == MessageState.QUEUED} == {shift.start_dt}


def test_a_cancelled_session_cancels_its_shifts(ctx, create_session, create_shift,
                                                create_volunteer):
    session = create_session()
    shift = create_shift(session, places=2)
    volunteers = [create_volunteer(), create_volunteer()]
    for volunteer in volunteers:
        services.sign_up_for_shift(shift, volunteer, actor="test", now=NOW)
    event_services.cancel_session(session, "台風接近のため", actor="test", now=NOW)
    assert shift.status == ShiftStatus.CANCELLED
    assert {row.status for row in shift.assignments} == {AssignmentStatus.CANCELLED}
    for volunteer in volunteers:
        assert [(m.template, m.state) for m in _messages(volunteer)] == [
            (ShiftTemplate.SHIFT_REMINDER, MessageState.CANCELLED),
            (ShiftTemplate.SHIFT_CANCELLED, MessageState.QUEUED)]


def test_a_series_edit_leaves_sessions_with_volunteers_alone(ctx, create_series, create_shift,
                                                             create_volunteer):
    series = create_series()
    session = next(item for item in series.sessions if item.start_dt > NOW)
    services.sign_up_for_shift(create_shift(session), create_volunteer(), actor="test", now=NOW)
    report = event_services.update_series(series, {"start_time": "14:00", "end_time": "15:30"},
                                          actor="test", now=NOW)
    assert (session, "has_volunteers") in report.left_alone
    # the schedule knows the reason only as volunteers registered it (desk.events.holds)
    assert "シフトにボランティアがいる" in str(left_alone_message("has_volunteers"))


def test_cover_asks_matching_volunteers_once(ctx, create_session, create_shift,
                                             create_volunteer):
    session = create_session(day=date(2026, 11, 23), start=time(13), end=time(15))
    shift = create_shift(session, places=2, skills=["line"])
    holder = create_volunteer(skills=["line"])
    services.assign_volunteer(shift, holder, actor="test", now=NOW)
    matching = create_volunteer(skills=["line", "iphone"])
    create_volunteer(skills=["iphone"])  # lacks LINE
    create_volunteer(skills=["line"], is_active=False)
    create_volunteer(skills=["line"], message_channel="none")  # cannot be reached
    create_volunteer(skills=["line"], availability=[  # Mondays, but mornings only
        {"weekday": 0, "start_time": "09:00", "end_time": "12:00"}])
    busy = create_volunteer(skills=["line"])
    services.assign_volunteer(create_shift(create_session(day=date(2026, 11, 23),
                                                          start=time(14), end=time(16))),
                              busy, actor="test", now=NOW)
    report = services.request_cover(shift, actor="test", now=NOW)
    assert report.asked == [matching] and report.skipped == 0
    (message,) = _messages(matching, ShiftTemplate.SHIFT_COVER)
    assert message.due_dt == NOW and (message.topic, message.topic_id) == ("shift", shift.id)
    again = services.request_cover(shift, actor="test", now=NOW)
    assert again.asked == [] and again.skipped == 1
    assert len(_messages(matching, ShiftTemplate.SHIFT_COVER)) == 1


def test_cover_is_refused_for_a_full_or_finished_shift(ctx, create_session, create_shift,
                                                       create_volunteer):
    shift = create_shift(create_session(), places=1)
    services.assign_volunteer(shift, create_volunteer(), actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.request_cover(shift, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.request_cover(create_shift(create_session()), actor="test",
                               now=NOW + timedelta(days=30))


def _worked(assignment):
    return queries.worked(assignment.check_in_dt, assignment.check_out_dt,
                          assignment.shift.end_dt)


def test_check_in_window_no_show_and_hours(ctx, create_session, create_shift, create_volunteer,
                                           create_user):
    shift = create_shift(create_session(start=time(10), end=time(12)))
    assignment = services.sign_up_for_shift(shift, create_volunteer(), actor="test", now=NOW)
    with pytest.raises(ValidationError):
        services.check_in(assignment, actor="test", now=shift.start_dt - timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.mark_no_show(assignment, actor="test", now=shift.start_dt - timedelta(hours=1))
    services.check_in(assignment, actor="test", now=shift.start_dt - timedelta(minutes=15))
    with pytest.raises(ValidationError):
        services.mark_no_show(assignment, actor="test", now=shift.start_dt + timedelta(hours=1))
    assert _worked(assignment) == timedelta(hours=2, minutes=15)
    services.check_out(assignment, actor="test", now=shift.end_dt - timedelta(minutes=30))
    assert _worked(assignment) == timedelta(hours=1, minutes=45)
    coordinator = create_user()
    services.set_times(assignment, {"check_in": "10:00", "check_out": "11:00"},
                       actor=coordinator, now=NOW + timedelta(days=30))
    assert _worked(assignment) == timedelta(hours=1)
    with pytest.raises(ValidationError):
        services.set_times(assignment, {"check_in": "11:00", "check_out": "10:00"},
                           actor=coordinator, now=NOW + timedelta(days=30))
    assert _worked(assignment) == timedelta(hours=1)
    services.set_times(assignment, {"check_in": "", "check_out": ""}, actor=coordinator,
                       now=NOW + timedelta(days=30))
    services.mark_no_show(assignment, actor=coordinator, now=NOW + timedelta(days=30))
    assert assignment.is_no_show and _worked(assignment) == timedelta(0)


def test_profile_rules(ctx, create_volunteer):
    with pytest.raises(ValidationError) as error:
        services.create_volunteer({"name": "森 花子", "name_kana": "もり はなこ",
                                   "affiliation": "student"}, actor="test", now=NOW)
    assert "phone" in error.value.fields
    with pytest.raises(ValidationError) as error:
        services.create_volunteer({"name": "森 花子", "name_kana": "もり はなこ",
                                   "affiliation": "student", "phone": "0466-25-1234",
                                   "message_channel": "sms"}, actor="test", now=NOW)
    assert "message_channel" in error.value.fields
    with pytest.raises(ValidationError) as error:
        services.create_volunteer({"name": "森 花子", "name_kana": "Mori", "affiliation": "x",
                                   "email": "hanako@example.jp", "skills": ["juggling"],
                                   "availability": [{"weekday": 9}]}, actor="test", now=NOW)
    assert set(error.value.fields) == {"name_kana", "affiliation", "skills", "availability"}
    volunteer = create_volunteer(availability=[
        {"weekday": 1, "start_time": "13:00", "end_time": "17:00"}])
    services.update_volunteer(volunteer, {"skills": ["line"], "shares_contact": True},
                              actor="test", now=NOW)
    assert volunteer.skills == {services.Skill.LINE} and volunteer.shares_contact
    assert len(volunteer.availability) == 1  # not given: kept
    old = volunteer.feed_token
    services.renew_feed_token(volunteer, actor="test", now=NOW)
    assert volunteer.feed_token != old


def test_a_no_show_frees_the_place_for_cover(ctx, create_session, create_shift,
                                             create_volunteer):
    session = create_session(day=date(2026, 11, 23), start=time(13), end=time(15))
    shift = create_shift(session, places=1)
    absent = services.assign_volunteer(shift, create_volunteer(), actor="test", now=NOW)
    later = NOW + timedelta(hours=4, minutes=10)  # 13:10 JST, the shift has started
    services.mark_no_show(absent, actor="test", now=later)
    cover = create_volunteer()
    report = services.request_cover(shift, actor="test", now=later)
    assert cover in report.asked
    services.assign_volunteer(shift, cover, actor="test", now=later, confirmed=True)
    assert places.places_free(shift) == 0
    with pytest.raises(ValidationError):
        services.request_cover(shift, actor="test", now=later)
