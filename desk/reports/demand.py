"""Unmet demand: for the sessions of a period (local dates of their start), per program
and venue, how many bookings were still on the waiting list when the session started,
how many of them were offered the next matching class, and how many took it
(desk.events.followups keeps one row per booking waiting at the start). One statement.

A booking cancelled because two records of one resident were merged is left out (the
booking kept counts). Sessions without a program (consultation days) have no follow-up.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from desk.core.timeutil import local_day_bounds
from desk.events.models import (
    Booking,
    CancelReason,
    EventSession,
    FollowUpState,
    Program,
    Venue,
    WaitlistFollowUp,
)
from desk.extensions import db


@dataclass(frozen=True)
class DemandRow:
    program: Program
    venue: Venue
    waiting: int
    offered: int
    taken: int


def unmet_demand(first, last):
    """[DemandRow] for the sessions starting on the local dates first..last, by program
    title and venue name; the totals are their sums."""
    start, end = local_day_bounds(first, last)
    offered = func.count(WaitlistFollowUp.target_session_id)
    taken = func.sum(case((WaitlistFollowUp.state == FollowUpState.TAKEN, 1), else_=0))
    counts = (
        select(EventSession.program_id, EventSession.venue_id,
               func.count(WaitlistFollowUp.id).label("waiting"), offered.label("offered"),
               taken.label("taken"))
        .select_from(WaitlistFollowUp)
        .join(EventSession, EventSession.id == WaitlistFollowUp.session_id)
        .join(Booking, Booking.id == WaitlistFollowUp.booking_id)
        .where(EventSession.start_dt >= start, EventSession.start_dt < end,
               EventSession.program_id.is_not(None),
               or_(Booking.cancel_reason.is_(None),
                   Booking.cancel_reason != CancelReason.MERGED))
        .group_by(EventSession.program_id, EventSession.venue_id)).subquery()
    rows = db.session.execute(
        select(Program, Venue, counts.c.waiting, counts.c.offered, counts.c.taken)
        .join(counts, counts.c.program_id == Program.id)
        .join(Venue, Venue.id == counts.c.venue_id)
        .order_by(Program.title, Venue.name))
    return [DemandRow(program, venue, waiting, offered, int(taken or 0))
            for program, venue, waiting, offered, taken in rows]


def totals(rows):
    return DemandRow(None, None, sum(row.waiting for row in rows),
                     sum(row.offered for row in rows), sum(row.taken for row in rows))


__all__ = ["DemandRow", "totals", "unmet_demand"]
