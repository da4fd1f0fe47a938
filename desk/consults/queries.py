"""Read-only questions about consultation desks: who may work a session's desk, finding
a visitor by the exact phone number they give and the name the desk calls them by, the
session's tickets and the reserved visitors still to check in, the classes the desk can
book a visitor into."""

from datetime import timedelta

from sqlalchemy import select

from desk.consults.models import ConsultTopic, Ticket, TicketKind
from desk.core.phone import parse_phone
from desk.events.models import (
    Booking,
    BookingStatus,
    EventSession,
    Program,
    SessionKind,
    SessionStatus,
)
from desk.extensions import db

CLASS_RANGE_DAYS = 90  # the classes offered on the spot: starting within this many days
CLASS_LIMIT = 30


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


def tickets_by_issue(ids):
    """The tickets with these ids with their visit logs, the latest issued first."""
    return db.session.scalars(
        select(Ticket).where(Ticket.id.in_(ids))
        .order_by(Ticket.issued_dt.desc(), Ticket.id.desc())).unique().all()


def ticket_in_session(session, ticket_id):
    """The ticket of this session with that id, or None (a ticket of another session
    is not found here)."""
    return db.session.scalar(select(Ticket).where(Ticket.id == ticket_id,
                                                  Ticket.session_id == session.id))


def active_topics():
    return list(db.session.scalars(
        select(ConsultTopic).where(ConsultTopic.is_active.is_(True))
        .order_by(ConsultTopic.position, ConsultTopic.id)))


def visitor_name(ticket):
    """The name the desk knows the visitor by: the one given at reception, or a reserved
    visitor's booking name; None for an anonymous ticket."""
    if ticket.visitor_name:
        return ticket.visitor_name
    if ticket.kind == TicketKind.RESERVED and ticket.person is not None:
        return ticket.person.name
    return None


def reservations_to_check_in(session):
    """Bookings of a reserved slot of the session that have no ticket yet, by slot."""
    ticketed = select(Ticket.booking_id).where(Ticket.session_id == session.id,
                                               Ticket.booking_id.is_not(None))
    return list(db.session.scalars(
        select(Booking).where(Booking.session_id == session.id,
                              Booking.status == BookingStatus.BOOKED,
                              Booking.slot_dt.is_not(None), Booking.id.not_in(ticketed))
        .order_by(Booking.slot_dt, Booking.id)))


def upcoming_classes(program_topics, now):
    """Classes the desk can book now: scheduled, not started, starting within
    CLASS_RANGE_DAYS, on one of `program_topics` (desk.events.models.Topic values; None:
    any topic), soonest first."""
    query = (select(EventSession).join(Program, EventSession.program_id == Program.id)
             .where(EventSession.kind == SessionKind.CLASS,
                    EventSession.status == SessionStatus.SCHEDULED,
                    EventSession.attendance_closed_dt.is_(None),
                    EventSession.start_dt > now,
                    EventSession.start_dt < now + timedelta(days=CLASS_RANGE_DAYS))
             .order_by(EventSession.start_dt, EventSession.id).limit(CLASS_LIMIT))
    if program_topics is not None:
        query = query.where(Program.topic.in_(sorted(program_topics)))
    return db.session.scalars(query).unique().all()
