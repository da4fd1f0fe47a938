"""What the queue screens show, read only: the reception's board (the waiting tickets in
serving order with their expected waits, those in service, those set aside) and the
venue's public "now serving" display (today's session there, the numbers served and
next, the wait for a new ticket: numbers only, nothing personal).

Before a session opens, its queue is played forward from its start; waits are shown
rounded up to ROUND_MINUTES (an estimate, not a promise).
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from desk.consults import queries, queue
from desk.consults.models import Ticket, TicketStatus
from desk.core.timeutil import local_day_bounds, local_today
from desk.events.models import EventSession, SessionKind, SessionStatus
from desk.extensions import db

NEXT_UP = 5  # the next numbers shown after those being served
ROUND_MINUTES = 5  # an estimate, not a promise: rounded up to these


def queue_start(session, now):
    """From when the queue is played forward: now, or the session's start if later."""
    return max(now, session.start_dt)


def wait_minutes(delta):
    """A wait in whole minutes, rounded up to ROUND_MINUTES; 0 for no wait."""
    if delta is None:
        return None
    minutes = math.ceil(delta.total_seconds() / 60)
    if minutes <= 0:
        return 0
    return ROUND_MINUTES * math.ceil(minutes / ROUND_MINUTES)


def _consultations_today(venue, now):
    _start, day_end = local_day_bounds(local_today(now))
    return (select(EventSession)
            .where(EventSession.venue_id == venue.id,
                   EventSession.kind == SessionKind.CONSULTATION,
                   EventSession.status == SessionStatus.SCHEDULED,
                   EventSession.start_dt < day_end)
            .order_by(EventSession.start_dt, EventSession.id))


def todays_session(venue, now):
    """The consultation session running at the venue now, else the next one today."""
    return db.session.scalar(_consultations_today(venue, now)
                             .where(EventSession.end_dt > now).limit(1))


def _closed_for_today(venue, now):
    day_start, _end = local_day_bounds(local_today(now))
    return db.session.scalar(_consultations_today(venue, now).where(
        EventSession.start_dt >= day_start, EventSession.end_dt <= now).limit(1)) is not None


@dataclass
class Display:
    """What the screen shows: numbers and counts only."""

    session: EventSession | None
    is_open: bool = False  # the session has started
    serving: list = field(default_factory=list)  # ticket numbers being served
    next_up: list = field(default_factory=list)  # the next ticket numbers, in order
    waiting: int = 0
    wait: int | None = None  # minutes for a new ticket (rounded up)
    closed_for_today: bool = False


def display_state(venue, now):
    session = todays_session(venue, now)
    if session is None:
        return Display(session=None, closed_for_today=_closed_for_today(venue, now))
    at = queue_start(session, now)
    current = queue.state(session, now=at)
    new_wait = queue.estimate_new(session, now=at) + (at - now)
    return Display(session=session, is_open=session.start_dt <= now,
                   serving=[ticket.number for ticket in current.serving],
                   next_up=[ticket.number for ticket, _start in current.waiting[:NEXT_UP]],
                   waiting=len(current.waiting), wait=wait_minutes(new_wait))


# -- the reception's board ---------------------------------------------------------------

@dataclass
class WaitingRow:
    ticket: Ticket
    position: int  # 1: next
    expected: datetime  # when a volunteer is expected to take it
    wait: timedelta


@dataclass
class Board:
    waiting: list  # [WaitingRow] in serving order
    serving: list  # [Ticket]
    skipped: list  # [Ticket]
    servers: int
    average: timedelta
    new_wait: timedelta  # for a walk-in taking a ticket now


def board(session, now):
    """The queue as reception sees it. Before the session opens, the queue is played
    forward from its start."""
    at = queue_start(session, now)
    current = queue.state(session, now=at)
    rows = [WaitingRow(ticket, position, start, max(start - now, timedelta(0)))
            for position, (ticket, start) in enumerate(current.waiting, start=1)]
    skipped = [ticket for ticket in queries.tickets_of(session)
               if ticket.status == TicketStatus.SKIPPED]
    new_wait = queue.estimate_new(session, now=at) + (at - now)
    return Board(waiting=rows, serving=current.serving, skipped=skipped,
                 servers=current.servers, average=current.average, new_wait=new_wait)
