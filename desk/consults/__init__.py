"""Consultation desks: the queue of tickets, serving, the visit log; receivers for the
resident registry (a merged record's tickets move to the kept one; a person's tickets
and visit notes in their disclosure) and for moved sessions. The "your turn is coming" SMS is registered with notify on import
(desk.consults.outbox)."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.consults import messages, outbox  # noqa: F401  (outbox registers on import)
from desk.consults import personal_data as consult_data
from desk.consults.models import Ticket, Visit, visit_topics
from desk.core import audit, retention
from desk.events import signals
from desk.notify.models import OutboxMessage
from desk.people import registry
from desk.people import signals as people_signals

logger = logging.getLogger("desk.consults")

registry.register_reference(Ticket, "person_id", label=_l("Consultation tickets"))
registry.register_dependent(Ticket, "booking_id",
                            label=_l("Consultation tickets of a reserved slot"))
registry.register_dependent(Visit, "ticket_id", label=_l("Consultation visit notes"))
registry.register_dependent(visit_topics, "visit_id",
                            label=_l("Topics of the consultation visit notes"))
registry.register_link(OutboxMessage, kind_column="topic", kind=messages.TOPIC,
                       id_column="topic_id", target=Ticket)
audit.personal_fields("consult_visits", "note")
retention.register(
    "consult_visitors", label=_l("Visitors' names and phone numbers on consultation tickets"),
    unit=retention.DAYS, default=90, **consult_data.VISITORS,
    what_happens=_l("Blanked; the ticket, its wait and its service time stay"), order=20)
retention.register(
    "visit_notes", label=_l("Notes of the consultation visit log"),
    unit=retention.DAYS, default=365, **consult_data.NOTES,
    what_happens=_l("Blanked; topics, device, minutes and outcome stay"), order=21)


@registry.activity
def _visited_since(cutoff):
    return select(Ticket.person_id.label("person_id")).where(
        Ticket.person_id.is_not(None), Ticket.issued_dt >= cutoff)


@people_signals.erasing.connect
def _erase_tickets(person, *, actor, now):
    return consult_data.erase_person(person, now=now)


@registry.disclosure_section("consults/staff/_disclosure_tickets.html")
def _disclosed_tickets(disclosure):
    from desk.consults import queries, staff_views

    return {"tickets": queries.tickets_by_issue(disclosure.ids("consult_tickets")),
            **staff_views.template_helpers()}


@people_signals.merged.connect
def _move_tickets(keep, *, drop, actor, now):
    return registry.repoint(Ticket, "person_id", keep=keep, drop=drop)


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The turn SMS still waiting must not go out after the session's new end."""
    messages.retime_session(session, now=now)
