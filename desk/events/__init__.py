"""The schedule: districts, venues, programs, sessions and recurring series; bookings
and their messages (registered with notify on import: desk.events.outbox)."""

import logging

from desk.events import notices, outbox, signals  # noqa: F401  (outbox registers on import)

logger = logging.getLogger("desk.events")


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The bookings' messages still waiting must not go out after the new start."""
    notices.retime_session(session, now=now)
