"""Personal data at the consultation desks: a visitor's name and phone number on their
ticket (for calling them and the "your turn is coming" SMS), and the notes of the visit
log. Each has its retention period (`consult_visitors`, `visit_notes`), then is blanked;
the tickets and visits stay, with their topics, minutes and outcomes, for the figures.
When a resident is anonymised, their tickets and notes are blanked at once."""

from sqlalchemy import func, or_, select, update

from desk.consults.messages import RECIPIENT
from desk.consults.models import Ticket, Visit
from desk.core import audit
from desk.extensions import db
from desk.notify import personal_data as outbox_data


def _visitors_before(cutoff):
    return (Ticket.issued_dt < cutoff,
            or_(Ticket.visitor_name.is_not(None), Ticket.phone.is_not(None)))


def count_visitors(cutoff):
    return db.session.scalar(select(func.count(Ticket.id)).where(*_visitors_before(cutoff)))


def _blank_tickets(conditions):
    return db.session.execute(update(Ticket).where(*conditions)
                              .values(visitor_name=None, phone=None, wants_sms=False)
                              .execution_options(synchronize_session="fetch")).rowcount


def purge_visitors(cutoff, now):
    return _blank_tickets(_visitors_before(cutoff))


def _notes_before(cutoff):
    return Visit.created_dt < cutoff, Visit.note.is_not(None)


def count_notes(cutoff):
    return db.session.scalar(select(func.count(Visit.id)).where(*_notes_before(cutoff)))


def _blank_notes(conditions):
    return db.session.execute(update(Visit).where(*conditions).values(note=None)
                              .execution_options(synchronize_session="fetch")).rowcount


def purge_notes(cutoff, now):
    """The audit entries keep the notes for the audit log's own period."""
    return _blank_notes(_notes_before(cutoff))


def erase_person(person, *, now):
    ticket_ids = db.session.scalars(select(Ticket.id).where(Ticket.person_id == person.id)).all()
    if not ticket_ids:
        return None
    visit_ids = db.session.scalars(select(Visit.id).where(Visit.ticket_id.in_(ticket_ids))).all()
    audit.remove_personal("consult_visits", visit_ids, now=now)
    return {"turn_messages_forgotten": outbox_data.forget_recipient(
                RECIPIENT, ticket_ids, now=now),
            "visit_notes_blanked": _blank_notes((Visit.id.in_(visit_ids),
                                                 Visit.note.is_not(None))),
            "tickets_blanked": _blank_tickets((Ticket.id.in_(ticket_ids),))}
