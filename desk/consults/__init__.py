"""Consultation desks: the queue of tickets, serving, the visit log; receivers for the
resident registry (a merged record's tickets move to the kept one)."""

import logging

from flask_babel import lazy_gettext as _l

from desk.consults.models import Ticket
from desk.people import registry
from desk.people import signals as people_signals

logger = logging.getLogger("desk.consults")

registry.register_reference(Ticket, "person_id", label=_l("Consultation tickets"))


@people_signals.merged.connect
def _move_tickets(keep, *, drop, actor, now):
    return registry.repoint(Ticket, "person_id", keep=keep, drop=drop)
