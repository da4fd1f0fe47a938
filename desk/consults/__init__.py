"""Consultation desks: the queue of tickets, serving, the visit log. The "your turn is
coming" SMS is registered with notify on import (desk.consults.outbox)."""

import logging

from desk.consults import messages, outbox  # noqa: F401  (outbox registers on import)
from desk.events import signals

logger = logging.getLogger("desk.consults")


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The turn SMS still waiting must not go out after the session's new end."""
    messages.retime_session(session, now=now)
