"""The fair queue of a consultation session, and the wait it predicts (read only).

Order: a reserved visitor is served at their slot's time — once the slot has come they
go before the walk-ins; walk-ins are served in arrival order between them; when no
walk-in is waiting, a reserved visitor who is already here may be served early.

The estimate plays the queue forward: each volunteer on duty (checked in on a shift of
the session and not checked out, or with the session's desk screen open in the last
few minutes) takes the next ticket when they are free; a visit takes the session's
average service time so far (DESK_CONSULT_DEFAULT_MINUTES until the first visit ends).
"""

import heapq
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from desk.consults.models import DeskPresence, Ticket, TicketKind, TicketStatus
from desk.extensions import db


def waiting(session):
    return list(db.session.scalars(
        select(Ticket).where(Ticket.session_id == session.id,
                             Ticket.status == TicketStatus.WAITING)
        .order_by(Ticket.queue_dt, Ticket.number)))


def serving(session):
    return list(db.session.scalars(
        select(Ticket).where(Ticket.session_id == session.id,
                             Ticket.status == TicketStatus.SERVING)
        .order_by(Ticket.called_dt, Ticket.number)))


def _split(tickets):
    walk_ins = deque(sorted((t for t in tickets if t.kind == TicketKind.WALK_IN),
                            key=lambda t: (t.queue_dt, t.number)))
    reserved = deque(sorted((t for t in tickets if t.kind == TicketKind.RESERVED),
                            key=lambda t: (t.slot_dt, t.number)))
    return walk_ins, reserved


def _pick(walk_ins, reserved, at):
    if reserved and reserved[0].slot_dt <= at:
        return reserved.popleft()
    if walk_ins:
        return walk_ins.popleft()
    return reserved.popleft()


def order(tickets, *, now):
    """Who is next right now, then after them: the waiting tickets in serving order
    if one volunteer served them one after the other from `now`."""
    return [ticket for ticket, _start in projection(tickets, now=now, servers=1,
                                                    average=timedelta(0), busy=[])]


def projection(tickets, *, now, servers, average, busy):
    """[(ticket, expected start)] for the waiting `tickets`, with `servers` volunteers,
    visits of `average` length, and `busy` = the call times of tickets in service."""
    servers = max(servers, 1)
    free_at = sorted(max(now, called + average) for called in busy)[:servers]
    free_at += [now] * (servers - len(free_at))
    heapq.heapify(free_at)
    walk_ins, reserved = _split(tickets)
    plan = []
    while walk_ins or reserved:
        at = heapq.heappop(free_at)
        ticket = _pick(walk_ins, reserved, at)
        plan.append((ticket, at))
        heapq.heappush(free_at, at + average)
    return plan


def average_service(session):
    """The mean time from call to end of the session's served tickets, or the default."""
    rows = db.session.execute(
        select(Ticket.called_dt, Ticket.service_end_dt)
        .where(Ticket.session_id == session.id, Ticket.status == TicketStatus.SERVED,
               Ticket.called_dt.is_not(None), Ticket.service_end_dt.is_not(None))).all()
    if not rows:
        return timedelta(minutes=current_app.config["DESK_CONSULT_DEFAULT_MINUTES"])
    total = sum(((end - called) for called, end in rows), timedelta(0))
    return total / len(rows)


def on_duty(session, *, now):
    """How many volunteers serve: checked in on a live shift of the session and not
    checked out, or with its desk screen open in the last PRESENCE_MINUTES (a person
    counted once); at least one, so that an estimate can be given."""
    from desk.volunteers.models import (
        AssignmentStatus,
        Shift,
        ShiftAssignment,
        ShiftStatus,
        Volunteer,
    )

    checked_in = set(db.session.execute(
        select(ShiftAssignment.volunteer_id, Volunteer.user_id)
        .join(ShiftAssignment.shift).join(ShiftAssignment.volunteer)
        .where(Shift.session_id == session.id, Shift.status == ShiftStatus.ACTIVE,
               ShiftAssignment.status == AssignmentStatus.ACTIVE,
               ShiftAssignment.check_in_dt.is_not(None),
               ShiftAssignment.check_out_dt.is_(None))).all())
    users = {user_id for _volunteer, user_id in checked_in if user_id is not None}
    people = len(checked_in)
    since = now - timedelta(minutes=DeskPresence.PRESENCE_MINUTES)
    for user_id in db.session.scalars(select(DeskPresence.user_id).where(
            DeskPresence.session_id == session.id, DeskPresence.last_seen_dt >= since)):
        if user_id not in users:
            users.add(user_id)
            people += 1
    return people


@dataclass
class QueueState:
    waiting: list  # [(ticket, expected start)] in serving order
    serving: list  # tickets in service
    servers: int  # volunteers on duty (0: nobody yet; the estimate assumes one)
    average: timedelta

    def wait_for(self, ticket, now):
        for item, start in self.waiting:
            if item.id == ticket.id:
                return max(start - now, timedelta(0))
        return None


def state(session, *, now):
    tickets = waiting(session)
    in_service = serving(session)
    average = average_service(session)
    servers = on_duty(session, now=now)
    plan = projection(tickets, now=now, servers=servers, average=average,
                      busy=[ticket.called_dt for ticket in in_service])
    return QueueState(waiting=plan, serving=in_service, servers=servers, average=average)


def estimate_new(session, *, now):
    """The expected wait of a walk-in who takes a ticket now."""
    current = state(session, now=now)
    phantom = Ticket(id=0, number=10**9, kind=TicketKind.WALK_IN, queue_dt=now)
    plan = projection([item for item, _start in current.waiting] + [phantom], now=now,
                      servers=current.servers, average=current.average,
                      busy=[ticket.called_dt for ticket in current.serving])
    return next(max(start - now, timedelta(0)) for item, start in plan if item is phantom)


def counts(session):
    return dict(db.session.execute(
        select(Ticket.status, func.count(Ticket.id)).where(Ticket.session_id == session.id)
        .group_by(Ticket.status)).all())
