"""The consultation queue: order with reserved slots and walk-ins, the wait estimate on a
known scenario, and the state changes of tickets."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.consults import queue, services
from desk.consults.models import Ticket, TicketKind, TicketStatus
from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, NotFoundError, ValidationError
from desk.core.timeutil import local_datetime
from desk.extensions import db

DAY = date(2026, 12, 3)


def at(hour, minute=0):
    return local_datetime(DAY, time(hour, minute))


@pytest.fixture
def desk_session(ctx, create_session):
    return create_session(kind="consultation", day=DAY, start=time(10), end=time(15))


def _walk_in(session, when, **data):
    ticket = services.issue_ticket(session, data, actor="test", now=when)
    db.session.commit()
    return ticket


def _reserved(session, slot, when):
    """A reserved ticket for the slot at `slot` (made directly: the slots' booking rules
    have tests of their own)."""
    number = services._next_number(session)
    ticket = Ticket(session_id=session.id, number=number, kind=TicketKind.RESERVED,
                    status=TicketStatus.WAITING, slot_dt=slot, issued_dt=when, queue_dt=when,
                    updated_dt=when)
    db.session.add(ticket)
    db.session.commit()
    return ticket


def _numbers(tickets):
    return [ticket.number for ticket in tickets]


def test_walk_ins_are_served_in_arrival_order(desk_session):
    tickets = [_walk_in(desk_session, at(10, minute)) for minute in (0, 2, 5)]
    assert _numbers(tickets) == [1, 2, 3]
    assert _numbers(queue.order(queue.waiting(desk_session), now=at(10, 6))) == [1, 2, 3]


def test_reserved_visitors_go_first_at_their_time_and_not_before(desk_session):
    first = _walk_in(desk_session, at(10, 0))
    reserved = _reserved(desk_session, slot=at(10, 30), when=at(10, 5))
    second = _walk_in(desk_session, at(10, 10))
    # before the slot: walk-ins in arrival order, the reserved visitor after them
    assert queue.order(queue.waiting(desk_session), now=at(10, 20)) == [first, second, reserved]
    # from the slot's time the reserved visitor is next
    assert queue.order(queue.waiting(desk_session), now=at(10, 30)) == [reserved, first, second]
    called = services.call_next(desk_session, actor="test", now=at(10, 31))
    assert called == reserved and called.status == TicketStatus.SERVING


def test_a_reserved_visitor_already_here_is_served_early_when_nobody_else_waits(desk_session):
    reserved = _reserved(desk_session, slot=at(11), when=at(10, 40))
    assert services.call_next(desk_session, actor="test", now=at(10, 45)) == reserved


def test_two_reserved_slots_keep_their_order_between_walk_ins(desk_session):
    late_slot = _reserved(desk_session, slot=at(11), when=at(10))
    early_slot = _reserved(desk_session, slot=at(10, 30), when=at(10, 1))
    walk_in = _walk_in(desk_session, at(10, 2))
    assert queue.order(queue.waiting(desk_session), now=at(11)) == [early_slot, late_slot,
                                                                     walk_in]
    assert queue.order(queue.waiting(desk_session), now=at(10, 40)) == [early_slot, walk_in,
                                                                         late_slot]


def test_call_next_skip_recall_cancel_and_audit(desk_session):
    one, two, three = (_walk_in(desk_session, at(10, minute)) for minute in (0, 1, 2))
    assert services.call_next(desk_session, actor="test", now=at(10, 5)) == one
    services.skip_ticket(one, actor="test", now=at(10, 6))
    assert services.call_next(desk_session, actor="test", now=at(10, 7)) == two
    services.recall_ticket(one, actor="test", now=at(10, 8))
    # recalled: back at the front of the walk-ins
    assert queue.order(queue.waiting(desk_session), now=at(10, 9)) == [one, three]
    services.cancel_ticket(three, actor="test", now=at(10, 9))
    with pytest.raises(ConflictError):
        services.recall_ticket(three, actor="test", now=at(10, 10))
    with pytest.raises(ConflictError):
        services.take_ticket(two, actor="test", now=at(10, 10))
    assert services.call_next(desk_session, actor="test", now=at(10, 10)) == one
    with pytest.raises(NotFoundError):
        services.call_next(desk_session, actor="test", now=at(10, 11))
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "consult_tickets").order_by(AuditEntry.id)).all()
    assert actions.count("ticket.issue") == 3
    assert {"ticket.call", "ticket.skip", "ticket.recall", "ticket.cancel"} <= set(actions)


def test_issue_ticket_rules(desk_session, create_session):
    with pytest.raises(ValidationError) as landline:
        services.issue_ticket(desk_session, {"phone": "0466-25-1234", "wants_sms": True},
                              actor="test", now=at(10))
    assert "phone" in landline.value.fields
    with pytest.raises(ValidationError):
        services.issue_ticket(create_session(), {}, actor="test", now=at(10))  # a class
    ticket = _walk_in(desk_session, at(10), visitor_name="佐藤 恵子", phone="090-1234-5678",
                      wants_sms="1")
    assert ticket.phone == "+819012345678" and ticket.wants_sms
    assert db.session.scalar(select(Ticket.id).where(Ticket.session_id == desk_session.id,
                                                     Ticket.number == 2)) is None


def test_the_wait_estimate_on_a_known_scenario(desk_session, create_volunteer_user):
    # two visits already served: 10 and 20 minutes, so the average is 15 minutes
    for minute, length in ((0, 10), (1, 20)):
        ticket = _walk_in(desk_session, at(10, minute))
        services.take_ticket(ticket, actor="test", now=at(10, minute))
        ticket.status, ticket.service_end_dt = TicketStatus.SERVED, at(10, minute + length)
    db.session.commit()
    assert queue.average_service(desk_session) == timedelta(minutes=15)
    # one visitor in service since 10:30, five waiting
    in_service = _walk_in(desk_session, at(10, 25))
    services.take_ticket(in_service, actor="test", now=at(10, 30))
    waiting = [_walk_in(desk_session, at(10, 31 + index)) for index in range(5)]
    now = at(10, 40)
    # nobody on duty yet: counted as one volunteer. Free at 10:45, then every 15 minutes
    state = queue.state(desk_session, now=now)
    assert state.servers == 0
    assert [state.wait_for(ticket, now) for ticket in waiting] == [
        timedelta(minutes=minutes) for minutes in (5, 20, 35, 50, 65)]
    assert queue.estimate_new(desk_session, now=now) == timedelta(minutes=80)
    # two volunteers at the desk screen: one frees at 10:45, the other is free now
    for user in (create_volunteer_user(), create_volunteer_user()):
        services.mark_present(desk_session, user, now=at(10, 38))
    state = queue.state(desk_session, now=now)
    assert state.servers == 2
    assert [state.wait_for(ticket, now) for ticket in waiting] == [
        timedelta(minutes=minutes) for minutes in (0, 5, 15, 20, 30)]
    assert queue.estimate_new(desk_session, now=now) == timedelta(minutes=35)
    # a desk screen not seen for more than ten minutes no longer counts
    assert queue.on_duty(desk_session, now=at(10, 49)) == 0


def test_log_visit_finishes_the_ticket(desk_session, create_volunteer_user):
    from desk.consults.queries import active_topics

    volunteer = create_volunteer_user()
    other = create_volunteer_user()
    ticket = _walk_in(desk_session, at(10))
    services.take_ticket(ticket, actor=volunteer, now=at(10, 5))
    line, maps = (topic for topic in active_topics() if topic.code in ("line", "maps"))
    data = {"topics": [str(line.id), str(maps.id)], "device": "android",
            "outcome": "resolved", "note": "友だち追加の方法を説明"}
    with pytest.raises(Exception) as not_theirs:
        services.log_visit(ticket, data, actor=other, now=at(10, 20))
    assert not_theirs.value.code == "forbidden"
    for bad in ({**data, "topics": []}, {**data, "topics": ["999999"]}, {**data, "device": "x"},
                {**data, "note": "電話 090-1234-5678 に折り返し"},
                {**data, "note": "マイナンバー 1234 5678 9012"}, {**data, "note": "あ" * 501}):
        with pytest.raises(ValidationError):
            services.log_visit(ticket, bad, actor=volunteer, now=at(10, 20))
    assert ticket.status == TicketStatus.SERVING
    visit = services.log_visit(ticket, data, actor=volunteer, now=at(10, 20))
    assert visit.minutes == 15 and {topic.code for topic in visit.topics} == {"line", "maps"}
    assert ticket.status == TicketStatus.SERVED and ticket.service_end_dt == at(10, 20)
    with pytest.raises(ConflictError):
        services.log_visit(ticket, data, actor=volunteer, now=at(10, 21))


@pytest.fixture
def create_volunteer_user(create_user):
    def factory():
        return create_user("volunteer")

    return factory


@pytest.mark.parametrize("note, flagged", [
    ("090-1234-5678 に折り返し", True),
    ("０９０ー１２３４ー５６７８", True),
    ("0466-25-1234 に電話", True),
    ("番号 1234 5678 9012", True),
    ("123456789012", True),
    ("2026-12-01 090-1234-5678", True),
    ("2026-12-01 10:00 に再来予定", False),
    ("2026/12/01 14:30", False),
    ("12月1日 10時 LINE講座を案内", False),
    ("受付番号 12 番", False),
])
def test_notes_with_a_phone_number_or_my_number_are_flagged(ctx, note, flagged):
    assert bool(services.check_note(note)) is flagged


def test_tickets_are_issued_on_the_sessions_day_until_it_ends(desk_session):
    # DAY 10:00-15:00 JST: two days before, the evening before, and after the end
    for now in (at(10) - timedelta(days=2), at(10) - timedelta(hours=12), at(15)):
        with pytest.raises(ValidationError) as refused:
            services.issue_ticket(desk_session, {}, actor="test", now=now)
        assert refused.value.code == "not_open"
    assert services.ticket_refusal(desk_session, at(8)) is None  # early on the day
    assert _walk_in(desk_session, at(8)).number == 1
    assert _walk_in(desk_session, at(14, 59)).number == 2
    assert services.ticket_refusal(desk_session, at(15)) is not None
