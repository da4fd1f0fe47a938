"""Reception at a consultation desk (スマホ相談窓口の受付): a numbered ticket in one tap
(name, phone number and the "your turn is coming" SMS optional), the reserved visitors
of the session to check in, and the queue board with skip ("not present"), recall and
cancel.

Who: the volunteers staffing the session (a place on a live shift of it) and
coordinators and admins — desk.consults.queries.can_work_desk; anyone else logged in
gets 403 (the blueprint sends anonymous visitors to the login page).

Privacy: volunteers see the names the receptionist needs (a name given at the desk, a
reserved visitor's name and reading), never a phone number; coordinators and admins
see the numbers too. A ticket or booking is always looked up within the session of
the URL: another session's id is a 404 and changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from desk.consults import queries, queue, services
from desk.consults.display_views import queue_start, wait_minutes
from desk.consults.forms import IssueForm
from desk.consults.models import Ticket, TicketKind, TicketStatus
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events.models import Booking, BookingStatus, EventSession, SessionKind
from desk.extensions import db


def desk_session(session_id):
    """The consultation session of the URL, if this user may work its desk: 404 for
    anything else than a consultation session, 403 for someone not on its desk."""
    session = get_or_404(EventSession, session_id)
    if session.kind != SessionKind.CONSULTATION:
        abort(404)
    if not queries.can_work_desk(current_user, session):
        abort(403)
    return session


def visitor_name(ticket):
    """The name the desk knows the visitor by: the one given at reception, or a reserved
    visitor's booking name; None for an anonymous ticket."""
    if ticket.visitor_name:
        return ticket.visitor_name
    if ticket.kind == TicketKind.RESERVED and ticket.person is not None:
        return ticket.person.name
    return None


@dataclass
class WaitingRow:
    ticket: Ticket
    position: int  # 1: next
    expected: datetime  # when a volunteer is expected to take it
    wait: timedelta


@dataclass
class Board:
    waiting: list  # [WaitingRow] in serving order
    serving: list  # [Ticket]
    skipped: list  # [Ticket]
    servers: int
    average: timedelta
    new_wait: timedelta  # for a walk-in taking a ticket now


def board(session, now):
    """The queue as reception sees it. Before the session opens, the queue is played
    forward from its start."""
    at = queue_start(session, now)
    current = queue.state(session, now=at)
    rows = [WaitingRow(ticket, position, start, max(start - now, timedelta(0)))
            for position, (ticket, start) in enumerate(current.waiting, start=1)]
    skipped = [ticket for ticket in queries.tickets_of(session)
               if ticket.status == TicketStatus.SKIPPED]
    new_wait = queue.estimate_new(session, now=at) + (at - now)
    return Board(waiting=rows, serving=current.serving, skipped=skipped,
                 servers=current.servers, average=current.average, new_wait=new_wait)


def reservations_to_check_in(session):
    """Bookings of a reserved slot of the session that have no ticket yet, by slot."""
    ticketed = select(Ticket.booking_id).where(Ticket.session_id == session.id,
                                               Ticket.booking_id.is_not(None))
    return list(db.session.scalars(
        select(Booking).where(Booking.session_id == session.id,
                              Booking.status == BookingStatus.BOOKED,
                              Booking.slot_dt.is_not(None), Booking.id.not_in(ticketed))
        .order_by(Booking.slot_dt, Booking.id)))


def _issued_ticket(session):
    raw = request.args.get("ticket", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        return None
    return queries.ticket_in_session(session, int(raw))


def _render(session, form, *, issued=None):
    now = utcnow()
    current = board(session, now)
    issued_wait = None
    if issued is not None and issued.status == TicketStatus.WAITING:
        issued_wait = next((row for row in current.waiting if row.ticket.id == issued.id), None)
    return render_template(
        "consults/reception.html", session=session, form=form, board=current, now=now,
        issued=issued, issued_wait=issued_wait,
        reservations=reservations_to_check_in(session),
        show_phone=current_user.is_staff, visitor_name=visitor_name,
        wait_minutes=wait_minutes)


def _reception_url(session, **values):
    return url_for("consults.reception", session_id=session.id, **values)


# -- pages -------------------------------------------------------------------------------------

def reception(session_id):
    session = desk_session(session_id)
    return _render(session, IssueForm(formdata=None), issued=_issued_ticket(session))


def issue(session_id):
    """One tap: a ticket, anonymous unless a name or phone number was given."""
    session = desk_session(session_id)
    form = IssueForm()
    if not form.validate():
        return _render(session, form)
    ticket = attempt(form, lambda: services.issue_ticket(
        session, form.service_data(), actor=current_user, now=utcnow()))
    if ticket is FAILED:
        return _render(session, form)
    return redirect(_reception_url(session, ticket=ticket.id, _anchor="issued"))


def _act(session, action, done):
    """Run one service call on the queue and say what happened, or why not (nothing
    changed). Back to the queue board."""
    ticket = attempt(None, action)
    if ticket is not FAILED:
        flash(done(ticket), "success")
    return redirect(_reception_url(session, _anchor="queue"))


def _ticket(session, ticket_id):
    ticket = queries.ticket_in_session(session, ticket_id)
    if ticket is None:
        abort(404)
    return ticket


def check_in(session_id, booking_id):
    """A visitor with a reserved slot has arrived: their ticket, shown large."""
    session = desk_session(session_id)
    booking = get_or_404(Booking, booking_id)
    if booking.session_id != session.id:
        abort(404)
    ticket = attempt(None, lambda: services.check_in_reservation(
        booking, actor=current_user, now=utcnow()))
    if ticket is FAILED:
        return redirect(_reception_url(session, _anchor="reservations"))
    return redirect(_reception_url(session, ticket=ticket.id, _anchor="issued"))


def skip(session_id, ticket_id):
    session = desk_session(session_id)
    ticket = _ticket(session, ticket_id)
    return _act(session, lambda: services.skip_ticket(ticket, actor=current_user, now=utcnow()),
                lambda done: _("Number %(number)d is set aside as not present. Recall it when "
                               "the visitor is back.", number=done.number))


def recall(session_id, ticket_id):
    session = desk_session(session_id)
    ticket = _ticket(session, ticket_id)
    return _act(session, lambda: services.recall_ticket(ticket, actor=current_user,
                                                        now=utcnow()),
                lambda done: _("Number %(number)d is back in the queue, at the front.",
                               number=done.number))


def cancel(session_id, ticket_id):
    session = desk_session(session_id)
    ticket = _ticket(session, ticket_id)
    return _act(session, lambda: services.cancel_ticket(ticket, actor=current_user,
                                                        now=utcnow()),
                lambda done: _("Number %(number)d is cancelled.", number=done.number))
