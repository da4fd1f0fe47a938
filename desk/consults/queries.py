"""Read-only questions about consultation desks: who may work a session's desk, finding
a visitor by the exact phone number they give, the session's tickets."""

from sqlalchemy import select

from desk.consults.models import ConsultTopic, Ticket
from desk.core.phone import parse_phone
from desk.events.models import SessionKind
from desk.extensions import db


def can_work_desk(user, session):
    """Coordinators and admins; a volunteer only for a consultation session they hold a
    place on (a live shift of it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if session.kind != SessionKind.CONSULTATION:
        return False
    if user.is_staff:
        return True
    from desk.volunteers.queries import staffs_session, volunteer_for_user

    volunteer = volunteer_for_user(user)
    return volunteer is not None and staffs_session(volunteer, session)


def person_by_exact_phone(raw):
    """The one resident whose phone number is exactly the number given (any Japanese
    spelling of it), or None: no listing, no partial match."""
    from desk.people.models import Person

    phone = parse_phone(raw or "")
    if phone is None:
        return None
    people = list(db.session.scalars(select(Person).where(
        Person.phone == phone.e164, Person.merged_into_id.is_(None)).limit(2)))
    return people[0] if len(people) == 1 else None


def tickets_of(session):
    return list(db.session.scalars(
        select(Ticket).where(Ticket.session_id == session.id).order_by(Ticket.number)))


def ticket_in_session(session, ticket_id):
    """The ticket of this session with that id, or None (a ticket of another session
    is not found here)."""
    return db.session.scalar(select(Ticket).where(Ticket.id == ticket_id,
                                                  Ticket.session_id == session.id))


def active_topics():
    return list(db.session.scalars(
        select(ConsultTopic).where(ConsultTopic.is_active.is_(True))
        .order_by(ConsultTopic.position, ConsultTopic.id)))
