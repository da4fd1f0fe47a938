"""The demo's volunteers and shifts look real and obey the volunteers' rules (both
databases). desk.demo.volunteers writes shifts, assignments, audit entries and messages
in bulk, so these checks are what keeps it honest.

The demo is loaded once per database (tests/demo/conftest.py); the tests only read it.
"""

from collections import Counter, defaultdict
from datetime import time, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from desk.auth.models import Role, User
from desk.core.audit import AuditEntry
from desk.core.kana import is_kana
from desk.core.phone import PhoneKind
from desk.core.timeutil import fiscal_year_dates, to_local
from desk.demo.logins import read_demo_logins
from desk.events.models import EventSession, SessionStatus
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.volunteers import notices, queries
from desk.volunteers.models import (
    Affiliation,
    AssignmentSource,
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftRole,
    ShiftStatus,
    Skill,
    Volunteer,
    VolunteerChannel,
)
from desk.volunteers.notices import ShiftTemplate
from desk.volunteers.services import fits_availability
from tests.demo.conftest import NOW

PREVIOUS_YEAR = fiscal_year_dates(2025)


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield (db.session.scalars(select(Volunteer).order_by(Volunteer.id)).all(),
               db.session.scalars(select(Shift).order_by(Shift.id)).all(),
               db.session.scalars(select(ShiftAssignment).order_by(ShiftAssignment.id)).all())


def _live(shift):
    return shift.status == ShiftStatus.ACTIVE and shift.session.status != SessionStatus.CANCELLED


def test_demo_volunteers_are_of_every_affiliation(demo):
    volunteers, _shifts, _assignments = demo
    assert 35 <= len(volunteers) <= 45
    affiliations = Counter(volunteer.affiliation for volunteer in volunteers)
    assert set(affiliations) == set(Affiliation)
    assert affiliations.most_common(1)[0][0] == Affiliation.ICT_VOLUNTEER
    assert all(is_kana(volunteer.name_kana) for volunteer in volunteers)
    assert all(volunteer.phone or volunteer.email for volunteer in volunteers)
    assert all(volunteer.phone.startswith(("+8190", "+8180", "+8170", "+81466"))
               for volunteer in volunteers if volunteer.phone)
    assert all(volunteer.phone_kind == PhoneKind.MOBILE for volunteer in volunteers
               if volunteer.message_channel == VolunteerChannel.SMS)
    assert {volunteer.message_channel for volunteer in volunteers} == set(VolunteerChannel)
    inactive = [volunteer for volunteer in volunteers if not volunteer.is_active]
    assert 1 <= len(inactive) <= 5
    assert any(volunteer.shares_contact for volunteer in volunteers)
    assert not all(volunteer.shares_contact for volunteer in volunteers)
    assert 3 <= sum(bool(volunteer.notes) for volunteer in volunteers) < len(volunteers)
    assert any(not volunteer.availability for volunteer in volunteers)
    assert sum(bool(volunteer.availability) for volunteer in volunteers) > 0.8 * len(volunteers)
    skills = Counter(skill for volunteer in volunteers for skill in volunteer.skills)
    assert {Skill.IPHONE, Skill.ANDROID, Skill.LINE, Skill.MY_NUMBER, Skill.MYNAPORTAL,
            Skill.CASHLESS, Skill.ENGLISH, Skill.CHINESE, Skill.VIETNAMESE,
            Skill.PORTUGUESE} <= set(skills)
    assert skills[Skill.LINE] > skills[Skill.ENGLISH]
    # each demo volunteer login is linked to a profile
    accounts = db.session.scalars(select(User).where(User.role == Role.VOLUNTEER)).all()
    assert accounts and all(queries.volunteer_for_user(user) is not None for user in accounts)


def test_demo_shifts_obey_the_model_rules(demo):
    _volunteers, shifts, assignments = demo
    sessions = db.session.scalars(select(EventSession)).all()
    by_session = defaultdict(list)
    for shift in shifts:
        by_session[shift.session_id].append(shift)
        assert shift.end_dt > shift.start_dt
        assert to_local(shift.start_dt).date() == to_local(shift.session.start_dt).date()
        assert to_local(shift.end_dt).date() == to_local(shift.session.start_dt).date()
        assert 1 <= shift.places <= Shift.MAX_PLACES
        assert len(shift.active_assignments) <= shift.places
        assert all(shift.required_skills <= row.volunteer.skills for row in shift.assignments)
    # every session has its shifts, with a lead; a cancelled session's are cancelled
    for session in sessions:
        mine = by_session[session.id]
        assert any(shift.role == ShiftRole.LEAD for shift in mine)
        if session.status == SessionStatus.CANCELLED:
            assert all(shift.status == ShiftStatus.CANCELLED for shift in mine)
            assert all(row.status == AssignmentStatus.CANCELLED
                       for shift in mine for row in shift.assignments
                       if row.status not in (AssignmentStatus.WITHDRAWN,
                                             AssignmentStatus.REMOVED))
        else:
            assert all(shift.status == ShiftStatus.ACTIVE for shift in mine)
    assert {shift.role for shift in shifts} == set(ShiftRole)

    pairs = Counter((row.shift_id, row.volunteer_id) for row in assignments)
    assert max(pairs.values()) == 1
    busy = defaultdict(list)
    for row in assignments:
        assert row.status == AssignmentStatus.ACTIVE or row.ended_dt is not None
        assert not (row.is_no_show and row.check_in_dt is not None)
        assert row.check_out_dt is None or row.check_out_dt >= row.check_in_dt
        assert row.volunteer.created_dt <= row.assigned_dt <= NOW
        assert row.assigned_dt < row.shift.start_dt
        if row.status == AssignmentStatus.ACTIVE and _live(row.shift):
            busy[row.volunteer_id].append((row.shift.start_dt, row.shift.end_dt))
            if row.shift.role == ShiftRole.LEAD:
                assert row.source == AssignmentSource.COORDINATOR
        if row.source == AssignmentSource.SELF:
            assert row.volunteer.user_id is not None
    # nobody holds two shifts at the same time
    for spans in busy.values():
        spans.sort()
        assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


def test_demo_past_shifts_have_check_ins_and_a_few_no_shows(demo):
    _volunteers, _shifts, assignments = demo
    held = [row for row in assignments if row.status == AssignmentStatus.ACTIVE
            and _live(row.shift) and row.shift.end_dt <= NOW]
    assert len(held) > 1000
    assert all((row.check_in_dt is None) == row.is_no_show for row in held)
    no_shows = sum(row.is_no_show for row in held)
    assert 0 < no_shows < 0.06 * len(held)
    for row in held:
        if row.check_in_dt is not None:
            assert abs(row.check_in_dt - row.shift.start_dt) <= timedelta(minutes=30)
        if row.check_out_dt is not None:
            assert abs(row.check_out_dt - row.shift.end_dt) <= timedelta(minutes=30)
    assert sum(row.check_out_dt is not None for row in held) > 0.8 * len(held)
    ahead = [row for row in assignments if row.shift.start_dt > NOW + timedelta(hours=1)]
    assert ahead and all(row.check_in_dt is None and not row.is_no_show for row in ahead)
    # a few gave their place back: themselves before the cut-off, or through a coordinator
    statuses = Counter(row.status for row in assignments)
    assert 0 < statuses[AssignmentStatus.WITHDRAWN] < 0.05 * len(assignments)
    assert 0 < statuses[AssignmentStatus.REMOVED] < 0.08 * len(assignments)
    for row in assignments:
        if row.status == AssignmentStatus.WITHDRAWN:
            assert row.ended_dt <= row.shift.start_dt - timedelta(hours=24)
            assert row.source == AssignmentSource.SELF and row.sequence == 1
        if row.status in (AssignmentStatus.WITHDRAWN, AssignmentStatus.REMOVED):
            assert row.assigned_dt < row.ended_dt <= NOW
            assert row.check_in_dt is None and not row.is_no_show


def test_demo_staffing_ahead_is_short_in_a_few_sessions(demo):
    _volunteers, shifts, assignments = demo
    assert any(shift.start_dt > NOW + timedelta(days=30) for shift in shifts)
    assert any(row.status == AssignmentStatus.ACTIVE and row.shift.start_dt > NOW
               for row in assignments)
    soon = db.session.scalars(select(EventSession).where(
        EventSession.status == SessionStatus.SCHEDULED, EventSession.end_dt > NOW,
        EventSession.start_dt <= NOW + timedelta(days=14))).all()
    short = queries.understaffed_sessions(now=NOW)
    assert soon and short
    assert len(short) < len(soon)
    assert {staffing.session.id for staffing in short} <= {session.id for session in soon}
    # further ahead fewer places are taken
    ahead = [shift for shift in shifts if _live(shift) and shift.start_dt > NOW]
    near = [shift for shift in ahead if shift.start_dt <= NOW + timedelta(days=14)]
    far = [shift for shift in ahead if shift.start_dt > NOW + timedelta(days=60)]

    def filled(group):
        return sum(len(shift.active_assignments) for shift in group) / sum(
            shift.places for shift in group)

    assert filled(near) > 0.8 and filled(far) < filled(near)


def test_demo_volunteer_login_has_shifts_ahead_and_open_shifts(demo):
    logins = read_demo_logins(current_app.instance_path)
    volunteer_logins = [email for role, email, _password in logins if role == "volunteer"]
    assert volunteer_logins
    user = db.session.scalar(select(User).where(User.email == volunteer_logins[0]))
    volunteer = queries.volunteer_for_user(user)
    assert volunteer is not None and volunteer.is_active and volunteer.email == user.email
    mine = queries.my_assignments(volunteer, now=NOW)
    assert len(mine) >= 2
    assert all(assignment.shift.start_dt > NOW for assignment in mine)
    offered = queries.open_shifts_for(volunteer, now=NOW)
    assert offered
    for item in offered:
        assert item.free >= 1 and item.shift.required_skills <= volunteer.skills
        assert fits_availability(volunteer, item.shift)
    past = queries.my_assignments(volunteer, now=NOW, upcoming=False)
    assert past and queries.hours_of(volunteer, *PREVIOUS_YEAR).hours > 0


def test_demo_hours_report_over_the_previous_fiscal_year(demo):
    rows, totals = queries.hours_report(*PREVIOUS_YEAR)
    assert len(rows) >= 25
    assert all(row.hours > 0 for row in rows)
    assert {row.key for row in totals} == set(Affiliation)
    assert all(row.hours > 0 and row.worked_shifts > 0 for row in totals)
    assert sum(row.no_shows for row in totals) > 0
    total = sum((row.time for row in totals), timedelta())
    assert total == sum((row.time for row in rows), timedelta())
    # about three hours a shift: the shift's times, from check-in to check-out
    worked = sum(row.worked_shifts for row in totals)
    assert timedelta(hours=1.5) < total / worked < timedelta(hours=5)


def test_demo_shift_reminders_are_queued_as_the_services_plan_them(demo):
    _volunteers, _shifts, assignments = demo
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_kind == "volunteer")).all()
    assert all(message.recipient_id and message.topic == "shift" and message.topic_id
               and message.person_id is None for message in messages)
    assert not any(message.state == MessageState.QUEUED and message.due_dt < NOW
                   for message in messages)
    queued = {(message.recipient_id, message.topic_id): message for message in messages
              if message.template == ShiftTemplate.SHIFT_REMINDER
              and message.state == MessageState.QUEUED}
    assert queued
    expected = set()
    for row in assignments:
        due = notices.reminder_due(row.shift)
        if (row.status == AssignmentStatus.ACTIVE and _live(row.shift) and due > NOW
                and row.assigned_dt < due and notices.volunteer_channel(row.volunteer)):
            expected.add((row.volunteer_id, row.shift_id))
    assert set(queued) == expected
    for (volunteer_id, shift_id), message in queued.items():
        volunteer = db.session.get(Volunteer, volunteer_id)
        shift = db.session.get(Shift, shift_id)
        assert message.due_dt == notices.reminder_due(shift)
        assert to_local(message.due_dt).time() == time(17, 0)
        assert (message.channel, message.address) == notices.volunteer_channel(volunteer)
        assert message.locale == volunteer.language and message.not_after == shift.start_dt
    unreachable = {volunteer.id for volunteer, in db.session.execute(select(Volunteer))
                   if notices.volunteer_channel(volunteer) is None}
    assert unreachable and not any(message.recipient_id in unreachable for message in messages)
    # what went out before now went through the log backend
    states = Counter(message.state for message in messages)
    assert states[MessageState.LOGGED] > 1000


def test_demo_shifts_have_their_audit_entries(demo):
    _volunteers, shifts, assignments = demo
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type.in_(("shifts", "shift_assignments", "volunteers")))).all()
    by_object = defaultdict(list)
    for entry in entries:
        by_object[entry.object_type, entry.object_id].append(entry)
    for shift in shifts:
        actions = [entry.action for entry in by_object["shifts", shift.id]]
        assert actions[0] == "shift.create"
        assert (shift.status == ShiftStatus.CANCELLED) == ("shift.cancel" in actions)
    for row in assignments:
        history = sorted(by_object["shift_assignments", row.id],
                         key=lambda entry: (entry.created_dt, entry.id))
        first = history[0]
        assert first.action == ("shift_assignment.sign_up" if row.source == AssignmentSource.SELF
                                else "shift_assignment.assign")
        assert first.created_dt == row.assigned_dt and first.before is None
        last = history[-1].after
        assert last["status"] == row.status.value and last["is_no_show"] == row.is_no_show
        assert last["check_in_dt"] == (row.check_in_dt.isoformat() if row.check_in_dt else None)
        if row.source == AssignmentSource.SELF:
            assert first.actor_id == row.volunteer.user_id
    created = [entry for key, group in by_object.items() if key[0] == "volunteers"
               for entry in group if entry.action == "volunteer.create"]
    assert len(created) == db.session.scalar(select(func.count(Volunteer.id)))
