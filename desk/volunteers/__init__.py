"""Volunteers, shifts, sign-up, hours and the calendar feed; receivers for the session
changes that move or cancel shifts. Their messages are registered with notify on import
(desk.volunteers.outbox)."""

import logging

from desk.events import signals
from desk.volunteers import outbox  # noqa: F401  (registers the volunteers' messages)

logger = logging.getLogger("desk.volunteers")


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    from desk.volunteers import services

    services.session_moved(session, before=before, actor=actor, now=now)


@signals.session_cancelled.connect
def _session_cancelled(session, *, actor, now):
    from desk.volunteers import services

    services.session_cancelled(session, actor=actor, now=now)
