"""Consultation desks: the queue of tickets, serving, the visit log; receivers for the
resident registry (a merged record's tickets move to the kept one) and for moved
sessions. The "your turn is coming" SMS is registered with notify on import
(desk.consults.outbox)."""

import logging

from flask_babel import lazy_gettext as _l

from desk.consults import messages, outbox  # noqa: F401  (outbox registers on import)
from desk.consults.models import Ticket
from desk.events import signals
from desk.people import registry
from desk.people import signals as people_signals

logger = logging.getLogger("desk.consults")

registry.register_reference(Ticket, "person_id", label=_l("Consultation tickets"))


@people_signals.merged.connect
def _move_tickets(keep, *, drop, actor, now):
    return registry.repoint(Ticket, "person_id", keep=keep, drop=drop)


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The turn SMS still waiting must not go out after the session's new end."""
    messages.retime_session(session, now=now)
