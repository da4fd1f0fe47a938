"""The demo's consultation desks: tickets and visit logs for every desk held, and the
queue of the one running at the demo's `now` (both databases; the demo is loaded once
per database, tests/demo/conftest.py)."""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role, User
from desk.consults import queue
from desk.consults.messages import CONSULT_TURN
from desk.consults.models import (
    ConsultTopic,
    Device,
    Outcome,
    Ticket,
    TicketKind,
    TicketStatus,
    Visit,
)
from desk.consults.services import check_note
from desk.core.audit import AuditEntry
from desk.core.phone import parse_phone
from desk.events import slots
from desk.events.models import Booking, EventSession, SessionKind, SessionStatus, SurveyInvitation
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.volunteers.models import (
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftStatus,
    Volunteer,
)
from tests.demo.conftest import NOW


@pytest.fixture
def demo(demo_app):
    """(consultation sessions held, the one running now, {session id: [tickets]})."""
    with demo_app.app_context():
        sessions = db.session.scalars(select(EventSession).where(
            EventSession.kind == SessionKind.CONSULTATION).order_by(EventSession.start_dt)).all()
        tickets = defaultdict(list)
        for ticket in db.session.scalars(select(Ticket).order_by(Ticket.session_id,
                                                                 Ticket.number)):
            tickets[ticket.session_id].append(ticket)
        held = [session for session in sessions if session.status == SessionStatus.COMPLETED]
        running = [session for session in sessions
                   if session.status == SessionStatus.SCHEDULED
                   and session.start_dt <= NOW < session.end_dt]
        yield held, running, tickets


def _all(tickets):
    return [ticket for group in tickets.values() for ticket in group]


def _was_skipped(ticket):
    return db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.object_type == Ticket.__tablename__, AuditEntry.object_id == ticket.id,
        AuditEntry.action == "ticket.skip").limit(1)) is not None


def test_demo_every_desk_held_has_numbered_tickets(demo):
    held, running, tickets = demo
    assert len(held) > 100 and len(running) == 1
    consultation = {session.id for session in held + running}
    assert set(tickets) == consultation  # none on cancelled or future sessions
    for session in held:
        mine = tickets[session.id]
        assert 3 <= len(mine) <= 18
        assert [ticket.number for ticket in mine] == list(range(1, len(mine) + 1))
        # numbers follow the order tickets were issued
        assert [ticket.issued_dt for ticket in mine] == sorted(t.issued_dt for t in mine)
        assert all(ticket.status not in (TicketStatus.WAITING, TicketStatus.SERVING)
                   for ticket in mine)
    sizes = [len(tickets[session.id]) for session in held]
    assert 6 <= sum(sizes) / len(sizes) <= 12  # Fujisawa: 696 visitors over 79 desks
    assert len(set(sizes)) > 8
    everything = _all(tickets)
    assert all(ticket.kind == TicketKind.WALK_IN and ticket.booking_id is None
               for ticket in everything)
    statuses = Counter(ticket.status for ticket in everything)
    assert statuses[TicketStatus.SERVED] > 0.85 * len(everything)
    assert 0 < statuses[TicketStatus.SKIPPED] < 0.05 * len(everything)
    assert 0 < statuses[TicketStatus.CANCELLED] < 0.1 * len(everything)


def test_demo_running_desk_has_a_queue(demo):
    _held, (session,), tickets = demo
    mine = tickets[session.id]
    assert [ticket.number for ticket in mine] == list(range(1, len(mine) + 1))
    assert all(ticket.issued_dt <= NOW for ticket in mine)
    statuses = Counter(ticket.status for ticket in mine)
    assert statuses[TicketStatus.WAITING] >= 1 and statuses[TicketStatus.SERVING] >= 1
    assert statuses[TicketStatus.SERVED] >= 1
    assert all(ticket.called_dt <= NOW for ticket in mine if ticket.called_dt)
    # the queue module reads it: everybody waiting is in the plan, with a start ahead
    state = queue.state(session, now=NOW)
    assert {ticket.id for ticket, _start in state.waiting} == {
        ticket.id for ticket in mine if ticket.status == TicketStatus.WAITING}
    assert all(start >= NOW for _ticket, start in state.waiting)
    assert timedelta(minutes=8) <= state.average <= timedelta(minutes=30)
    assert state.servers >= 1


def test_demo_tickets_times_are_inside_the_session_and_plausible(demo):
    _held, _running, tickets = demo
    for ticket in _all(tickets):
        session = ticket.session
        assert session.start_dt <= ticket.issued_dt < session.end_dt
        assert ticket.queue_dt == ticket.issued_dt
        if ticket.status == TicketStatus.SERVED:
            wait, service = ticket.wait_delta, ticket.service_delta
            assert wait > timedelta(0) and service > timedelta(0)
            limit = timedelta(minutes=120) if _was_skipped(ticket) else timedelta(minutes=40)
            assert wait <= limit
            assert timedelta(minutes=8) <= service <= timedelta(minutes=30)
            assert ticket.service_end_dt <= session.end_dt
        if ticket.status == TicketStatus.SKIPPED:
            assert ticket.called_dt is not None and ticket.served_by_id is None
        if ticket.status == TicketStatus.CANCELLED:
            assert ticket.service_end_dt is None
    served = [ticket for ticket in _all(tickets) if ticket.status == TicketStatus.SERVED]
    waits = [ticket.wait_delta for ticket in served]
    services = [ticket.service_delta for ticket in served]
    assert timedelta(minutes=2) < sum(waits, timedelta(0)) / len(waits) < timedelta(minutes=20)
    assert any(wait > timedelta(minutes=20) for wait in waits)
    average = sum(services, timedelta(0)) / len(services)
    assert timedelta(minutes=14) < average < timedelta(minutes=24)


def test_demo_visitors_are_mostly_anonymous_or_give_a_name(demo):
    _held, _running, tickets = demo
    everything = _all(tickets)
    anonymous = [t for t in everything if t.visitor_name is None and t.phone is None]
    with_phone = [t for t in everything if t.phone]
    assert 0.3 * len(everything) < len(anonymous) < 0.6 * len(everything)
    assert with_phone and all(ticket.visitor_name for ticket in with_phone)
    for ticket in with_phone:
        phone = parse_phone(ticket.phone)
        assert phone is not None and phone.e164 == ticket.phone
        if ticket.wants_sms:
            assert phone.can_receive_sms
        if ticket.person_id is not None:  # linked by the exact number, as issue_ticket does
            assert ticket.person.phone == ticket.phone
    assert any(ticket.person_id for ticket in with_phone)
    assert any(ticket.person_id is None for ticket in with_phone)
    assert all(ticket.phone.startswith(("+8190", "+8180", "+8170", "+81466"))
               for ticket in with_phone)
    texting = [ticket for ticket in everything if ticket.wants_sms]
    assert 0 < len(texting) < 0.15 * len(everything)
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == CONSULT_TURN)).all()
    told = {ticket.id: ticket for ticket in texting if ticket.turn_notice_dt}
    assert messages and {message.topic_id for message in messages} == set(told)
    for message in messages:
        ticket = told[message.topic_id]
        assert (message.topic, message.recipient_id) == ("ticket", ticket.id)
        assert message.recipient_kind == "visitor"
        assert message.address == ticket.phone and message.not_after == ticket.session.end_dt
        assert message.due_dt == ticket.turn_notice_dt <= NOW
        assert message.state == MessageState.LOGGED
        assert ticket.turn_notice_dt >= ticket.issued_dt
        assert ticket.called_dt is None or ticket.turn_notice_dt <= ticket.called_dt


def test_demo_served_tickets_have_their_visit_by_someone_on_duty(demo):
    _held, _running, tickets = demo
    coordinators = set(db.session.scalars(select(User.id).where(User.role == Role.COORDINATOR)))
    on_duty = defaultdict(set)
    for session_id, user_id in db.session.execute(
            select(Shift.session_id, Volunteer.user_id)
            .join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
            .join(Volunteer, Volunteer.id == ShiftAssignment.volunteer_id)
            .where(Shift.status == ShiftStatus.ACTIVE,
                   ShiftAssignment.status == AssignmentStatus.ACTIVE,
                   ShiftAssignment.check_in_dt.is_not(None),
                   Volunteer.user_id.is_not(None))):
        on_duty[session_id].add(user_id)
    visits = {visit.ticket_id: visit for visit in db.session.scalars(select(Visit))}
    by_volunteer = 0
    for ticket in _all(tickets):
        visit = visits.get(ticket.id)
        if ticket.status != TicketStatus.SERVED:
            assert visit is None
            continue
        assert visit is not None and visit.session_id == ticket.session_id
        assert 1 <= len(visit.topics) <= 2
        assert visit.volunteer_user_id == ticket.served_by_id
        assert ticket.served_by_id in on_duty[ticket.session_id] | coordinators
        by_volunteer += ticket.served_by_id in on_duty[ticket.session_id]
        assert abs(visit.minutes - ticket.service_delta.total_seconds() / 60) <= 1
        assert visit.created_dt == ticket.service_end_dt
    assert by_volunteer > 0.1 * len(visits)
    assert len(visits) == sum(ticket.status == TicketStatus.SERVED for ticket in _all(tickets))


def test_demo_visit_mix_of_topics_devices_and_outcomes(demo):
    visits = db.session.scalars(select(Visit)).all()
    topics = Counter(topic.code for visit in visits for topic in visit.topics)
    top = [code for code, _count in topics.most_common(3)]
    assert "line" in top
    codes = set(db.session.scalars(select(ConsultTopic.code)))
    assert set(topics) == codes  # every topic of the list comes up
    assert topics["line"] > 3 * topics["other"]
    assert topics["my_number"] + topics["mynaportal"] > topics["cashless"]
    devices = Counter(visit.device for visit in visits)
    assert [device for device, _count in devices.most_common(2)] == [Device.ANDROID,
                                                                     Device.IPHONE]
    assert set(devices) == set(Device)
    assert 0.4 < devices[Device.ANDROID] / len(visits) < 0.6
    outcomes = Counter(visit.outcome for visit in visits)
    assert 0.65 < outcomes[Outcome.RESOLVED] / len(visits) < 0.85
    assert outcomes[Outcome.FOLLOW_UP] > 0 and outcomes[Outcome.REFERRED] > 0
    # a flip phone does not run LINE
    assert not any(visit.device == Device.FLIP_PHONE and "line" in
                   {topic.code for topic in visit.topics} for visit in visits)


def test_demo_notes_pass_the_note_check(demo):
    visits = db.session.scalars(select(Visit)).all()
    notes = [visit.note for visit in visits if visit.note]
    assert 0.2 * len(visits) < len(notes) < 0.6 * len(visits)
    assert all(len(note) <= Visit.NOTE_MAX for note in notes)
    assert [note for note in notes if check_note(note)] == []
    # the log form asks what to follow up, or where the visitor was referred
    assert all(visit.note for visit in visits if visit.outcome != Outcome.RESOLVED)
    assert check_note("電話番号は090-1234-5678です") is not None  # the check does bite


def test_demo_tickets_and_visits_have_their_audit_entries(demo):
    _held, _running, tickets = demo
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type.in_((Ticket.__tablename__, Visit.__tablename__)))).all()
    by_object = defaultdict(list)
    for entry in entries:
        by_object[entry.object_type, entry.object_id].append(entry)
    for ticket in _all(tickets):
        history = sorted(by_object[Ticket.__tablename__, ticket.id],
                         key=lambda entry: (entry.created_dt, entry.id))
        assert history[0].action == "ticket.issue" and history[0].before is None
        assert history[0].created_dt == ticket.issued_dt
        assert history[0].actor_id == ticket.issued_by_id
        last = history[-1]
        assert last.after["status"] == ticket.status.value
        assert last.after["number"] == ticket.number
        assert all(entry.created_dt <= NOW for entry in history)
        if ticket.status == TicketStatus.SERVED:
            assert last.action == "ticket.serve" and last.actor_id == ticket.served_by_id
            (created,) = by_object[Visit.__tablename__, ticket.visit.id]
            assert created.action == "visit.create"
            assert created.after["topics"] == sorted(t.code for t in ticket.visit.topics)
    actions = Counter(entry.action for entry in entries)
    assert actions["ticket.skip"] > 0 and actions["ticket.recall"] > 0
    assert actions["ticket.cancel"] > 0


def test_demo_a_few_desks_ahead_have_reserved_slots(demo):
    sessions = db.session.scalars(select(EventSession).where(
        EventSession.slot_minutes.is_not(None))).all()
    assert 1 <= len(sessions) <= 4
    for session in sessions:
        assert session.kind == SessionKind.CONSULTATION and session.has_reserved_slots
        assert session.status == SessionStatus.SCHEDULED and session.start_dt > NOW
        assert session.slot_minutes == 30
        assert session.capacity == slots.slots_that_fit(session.start_dt, session.end_dt, 30)
        held = slots.held(session)
        assert 1 <= len(held) < session.capacity
        offered = slots.slot_times(session)
        assert all(booking.slot_dt in offered for booking in held)
        assert len({booking.slot_dt for booking in held}) == len(held)
        assert all(booking.seats == 1 and booking.queue_dt <= NOW for booking in held)


def test_demo_reports_have_survey_sheets_and_targets(demo_app):
    from desk.core.timeutil import fiscal_year_of
    from desk.reports.models import KpiTarget, SurveyEntry

    with demo_app.app_context():
        held = db.session.scalar(select(func.count(EventSession.id)).where(
            EventSession.kind.in_([SessionKind.CLASS, SessionKind.OUTREACH_CLASS]),
            EventSession.status == SessionStatus.COMPLETED))
        with_sheets = set(db.session.scalars(select(SurveyEntry.session_id).distinct()))
        # about one class in four took the survey online the day after, without sheets
        online = set(db.session.scalars(
            select(Booking.session_id).join(SurveyInvitation,
                                            SurveyInvitation.booking_id == Booking.id)
            .where(SurveyInvitation.answered_dt.is_not(None)).distinct()))
        assert held and len(with_sheets | online) >= held * 0.8
        assert online and not online & with_sheets
        satisfaction = db.session.scalar(select(func.avg(SurveyEntry.satisfaction)))
        assert 3.8 <= float(satisfaction) <= 4.6
        useful = db.session.scalar(select(func.avg(SurveyInvitation.useful)))
        assert 3.8 <= float(useful) <= 4.6
        # the KPI figures count both
        from desk.reports import metrics

        first, last = NOW.date() - timedelta(days=400), NOW.date()
        figures = metrics.compute(first, last, now=NOW)
        sheets = db.session.scalar(select(func.count(SurveyEntry.id)).join(
            EventSession, EventSession.id == SurveyEntry.session_id).where(
            EventSession.start_dt >= NOW - timedelta(days=400)))
        assert figures["survey_responses"] > sheets
        years = set(db.session.scalars(select(KpiTarget.fiscal_year)))
        assert years == {fiscal_year_of(NOW) - 1, fiscal_year_of(NOW)}
        assert db.session.scalar(select(KpiTarget.value).where(
            KpiTarget.metric == "class_participants",
            KpiTarget.fiscal_year == fiscal_year_of(NOW))) > 0
