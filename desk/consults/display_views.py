"""The venue's public "now serving" display (呼び出し表示): a screen in the waiting
area, readable from across the room.

It shows today's consultation session at the venue (the one running now, else the next
one today): the numbers being served, the next few numbers, how many are waiting and
the estimated wait for a new ticket (desk.consults.screens). Ticket numbers only — no
names, no phone numbers, nothing personal, in the page and in its JSON.

The page works without JavaScript (it shows the state when it was loaded);
desk/static/js/consult-display.js polls `display_data` and updates the numbers,
announcing a newly called number through an aria-live region. No <meta refresh>.
"""

from flask import jsonify, render_template, url_for

from desk.consults.screens import display_state
from desk.core.i18n import format_time
from desk.core.timeutil import utcnow
from desk.core.web import get_or_404
from desk.events.models import Venue

POLL_SECONDS = 10


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
