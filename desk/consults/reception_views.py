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

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.consults import queries, screens, services
from desk.consults.forms import IssueForm
from desk.consults.models import TicketStatus
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events.models import Booking, EventSession, SessionKind


def desk_session(session_id):
    """The consultation session of the URL, if this user may work its desk: 404 for
    anything else than a consultation session, 403 for someone not on its desk."""
    session = get_or_404(EventSession, session_id)
    if session.kind != SessionKind.CONSULTATION:
        abort(404)
    if not queries.can_work_desk(current_user, session):
        abort(403)
    return session


def _issued_ticket(session):
    raw = request.args.get("ticket", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        return None
    return queries.ticket_in_session(session, int(raw))


def _render(session, form, *, issued=None):
    now = utcnow()
    current = screens.board(session, now)
    issued_wait = None
    if issued is not None and issued.status == TicketStatus.WAITING:
        issued_wait = next((row for row in current.waiting if row.ticket.id == issued.id), None)
    return render_template(
        "consults/reception.html", session=session, form=form, board=current, now=now,
        issued=issued, issued_wait=issued_wait,
        ticket_refusal=services.ticket_refusal(session, now),
        reservations=queries.reservations_to_check_in(session),
        show_phone=current_user.is_staff, visitor_name=queries.visitor_name,
        wait_minutes=screens.wait_minutes)


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
