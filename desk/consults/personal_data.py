"""Personal data at the consultation desks: a visitor's name and phone number on their
ticket (for calling them and the "your turn is coming" SMS), and the notes of the visit
log. Each has its retention period (`consult_visitors`, `visit_notes`), then is blanked;
the tickets and visits stay, with their topics, minutes and outcomes, for the figures.
When a resident is anonymised, their tickets and notes are blanked at once."""

from sqlalchemy import and_, or_, select

from desk.consults.messages import RECIPIENT
from desk.consults.models import Ticket, Visit
from desk.core import audit, retention
from desk.extensions import db
from desk.notify import personal_data as outbox_data

VISITOR_BLANK = {"visitor_name": None, "phone": None, "wants_sms": False}


def _visitors_before(cutoff):
    return and_(Ticket.issued_dt < cutoff,
                or_(Ticket.visitor_name.is_not(None), Ticket.phone.is_not(None)))


def _notes_before(cutoff):
    """The audit entries keep the notes for the audit log's own period."""
    return and_(Visit.created_dt < cutoff, Visit.note.is_not(None))


VISITORS = retention.blanking(Ticket, _visitors_before, **VISITOR_BLANK)
NOTES = retention.blanking(Visit, _notes_before, note=None)


def erase_person(person, *, now):
    ticket_ids = db.session.scalars(select(Ticket.id).where(Ticket.person_id == person.id)).all()
    if not ticket_ids:
        return None
    visit_ids = db.session.scalars(select(Visit.id).where(Visit.ticket_id.in_(ticket_ids))).all()
    audit.remove_personal("consult_visits", visit_ids, now=now)
    return {"turn_messages_forgotten": outbox_data.forget_recipient(
                RECIPIENT, ticket_ids, now=now),
            "visit_notes_blanked": retention.blank(
                Visit, and_(Visit.id.in_(visit_ids), Visit.note.is_not(None)), note=None),
            "tickets_blanked": retention.blank(Ticket, Ticket.id.in_(ticket_ids),
                                               **VISITOR_BLANK)}
