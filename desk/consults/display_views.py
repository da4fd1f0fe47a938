"""The venue's public "now serving" display (呼び出し表示): a screen in the waiting
area, readable from across the room.

It shows today's consultation session at the venue (the one running now, else the next
one today): the numbers being served, the next few numbers, how many are waiting and
the estimated wait for a new ticket. Ticket numbers only — no names, no phone numbers,
nothing personal, in the page and in its JSON.

The page works without JavaScript (it shows the state when it was loaded);
desk/static/js/consult-display.js polls `display_data` and updates the numbers,
announcing a newly called number through an aria-live region. No <meta refresh>.
"""

import math
from dataclasses import dataclass, field

from flask import jsonify, render_template, url_for
from sqlalchemy import select

from desk.consults import queue
from desk.core.i18n import format_time
from desk.core.timeutil import local_day_bounds, local_today, utcnow
from desk.core.web import get_or_404
from desk.events.models import EventSession, SessionKind, SessionStatus, Venue
from desk.extensions import db

NEXT_UP = 5  # the next numbers shown after those being served
POLL_SECONDS = 10
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


def _as_json(state, now):
    return {
        "session_id": state.session.id if state.session is not None else None,
        "is_open": state.is_open,
        "serving": state.serving,
        "next": state.next_up,
        "waiting": state.waiting,
        "wait_minutes": state.wait,
        "updated": format_time(now),
    }


def display(venue_id):
    venue = get_or_404(Venue, venue_id)
    now = utcnow()
    state = display_state(venue, now)
    return render_template(
        "consults/display.html", venue=venue, state=state, now=now, updated=format_time(now),
        poll_url=url_for("consults_public.display_data", venue_id=venue.id),
        poll_seconds=POLL_SECONDS)


def display_data(venue_id):
    venue = get_or_404(Venue, venue_id)
    now = utcnow()
    response = jsonify(_as_json(display_state(venue, now), now))
    response.headers["Cache-Control"] = "no-store"
    return response
