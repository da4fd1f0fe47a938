"""Serving at a consultation desk, on a phone or tablet: the desk screen (how many wait,
my tickets in service, "take the next visitor"), the visit log (under 30 seconds), and
booking the visitor into a class on the spot.

Who: coordinators and admins, and volunteers holding a place on a live shift of that
consultation session (queries.can_work_desk); anybody else logged in gets 403, a
session that is not a consultation desk 404, a ticket of another session 404.

What a volunteer sees: the queue by ticket numbers, with the name a visitor gave at
reception (to call them), nothing else about them. A visit's note only here, where
can_work_desk already holds (coordinators and that session's volunteers). A resident
only by the exact phone number the visitor gives (queries.person_by_exact_phone, sent
by POST, never in a URL), and then only their name; no listing, no partial search.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.consults import queries, queue, services
from desk.consults.models import Outcome, TicketStatus, Visit
from desk.consults.reception_views import desk_session
from desk.consults.visit_forms import (
    DEVICE_LABELS,
    OUTCOME_LABELS,
    BookClassForm,
    FindVisitorForm,
    VisitLogForm,
    topic_label,
)
from desk.core.db import writes
from desk.core.errors import DeskError, NotFoundError
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.core.validation import Checker
from desk.core.web import FAILED, attempt, parse_id
from desk.events import availability
from desk.events.models import EventSession, Topic
from desk.extensions import db

# a phone-number look-up is a POST of the booking page: enough for a busy desk, too few
# to try numbers one after the other
LOOKUP_RATE_LIMIT = "30 per minute"
MY_VISITS_SHOWN = 5


def template_helpers():
    return {"topic_name": topic_label, "visitor_name": queries.visitor_name,
            "device_name": lambda value: DEVICE_LABELS.get(value, value),
            "outcome_name": lambda value: OUTCOME_LABELS.get(value, value)}


def _render(template, status=200, **context):
    return render_template(template, **template_helpers(), **context), status


# -- loading and access -------------------------------------------------------------------

def _desk_session(session_id):
    """The consultation session of the URL, if the user may work its desk (the blueprint
    sent anonymous visitors to the login page): 404 for anything but a consultation
    session, 403 for whoever does not staff it."""
    return desk_session(session_id)


def _ticket(session, ticket_id):
    ticket = queries.ticket_in_session(session, ticket_id) if parse_id(ticket_id) else None
    if ticket is None:
        abort(404)
    return ticket


def _serves(ticket):
    """Whether the current user may log or book for this ticket (the service checks it
    again): the volunteer who took it, or a coordinator."""
    return current_user.is_staff or ticket.served_by_id == current_user.id


def _blocked(ticket):
    """Why the current user cannot work on this ticket now, or None."""
    if ticket.status not in (TicketStatus.SERVING, TicketStatus.SERVED):
        return _("Ticket %(number)d is not in service: take it from the desk screen first.",
                 number=ticket.number)
    if not _serves(ticket):
        return _("Another volunteer is serving this ticket.")
    return None


# -- the desk screen ----------------------------------------------------------------------

@writes
def desk(session_id):
    """The desk screen. Opening it counts the user as on duty at this desk (a write on a
    GET: cheap and idempotent, one row per user and session)."""
    session = _desk_session(session_id)
    now = utcnow()
    services.mark_present(session, current_user, now=now)
    state = queue.state(session, now=now)
    mine = [ticket for ticket in state.serving if ticket.served_by_id == current_user.id]
    others = [ticket for ticket in state.serving if ticket.served_by_id != current_user.id]
    my_visits = sorted(
        (ticket for ticket in queries.tickets_of(session)
         if ticket.status == TicketStatus.SERVED and ticket.served_by_id == current_user.id),
        key=lambda ticket: ticket.service_end_dt, reverse=True)[:MY_VISITS_SHOWN]
    return _render("consults/desk.html", session=session, waiting=state.waiting, mine=mine,
                   others=others, my_visits=my_visits, now=now)


def take_next(session_id):
    session = _desk_session(session_id)
    try:
        with refusable():
            ticket = services.call_next(session, actor=current_user, now=utcnow())
    except NotFoundError:
        flash(_("Nobody is waiting. Check again in a moment."), "info")
        return redirect(url_for("consults.desk", session_id=session.id))
    except DeskError as error:
        flash(error.message, "error")
        return redirect(url_for("consults.desk", session_id=session.id))
    name = queries.visitor_name(ticket)
    if name:
        flash(_("Call number %(number)d, %(name)s.", number=ticket.number, name=name),
              "success")
    else:
        flash(_("Call number %(number)d.", number=ticket.number), "success")
    return redirect(url_for("consults.log", session_id=session.id, ticket_id=ticket.id))


# -- the visit log -----------------------------------------------------------------------

def _minutes_so_far(ticket, now):
    if ticket.called_dt is None:
        return None
    minutes = round((now - ticket.called_dt).total_seconds() / 60)
    return max(1, min(Visit.MINUTES_MAX, minutes))


def log(session_id, ticket_id):
    """The visit log form of a ticket in service; once logged, what was logged."""
    session = _desk_session(session_id)
    ticket = _ticket(session, ticket_id)
    form = VisitLogForm(topics=queries.active_topics())
    blocked = None if ticket.visit else _blocked(ticket)
    status = 200
    if request.method == "GET":
        form.minutes.data = _minutes_so_far(ticket, utcnow())
        form.outcome.data = Outcome.RESOLVED.value
    elif ticket.visit is not None:
        flash(_("Ticket %(number)d has already been logged; nothing was changed.",
                number=ticket.number), "error")
        status = 409
    elif blocked:
        status = 409
    elif form.validate_on_submit():
        visit = attempt(form, lambda: services.log_visit(
            ticket, form.visit_data(), actor=current_user, now=utcnow()))
        if visit is not FAILED:
            flash(_("Ticket %(number)d is logged. Thank you!", number=ticket.number),
                  "success")
            return redirect(url_for("consults.desk", session_id=session.id))
        # rolled back: the ticket as it is now (another request may have logged it)
        blocked = None if ticket.visit else _blocked(ticket)
    return _render("consults/log.html", status, session=session, ticket=ticket, form=form,
                   visit=ticket.visit, blocked=blocked)


# -- booking the visitor into a class on the spot -------------------------------------------

class ClassFilter:
    """Which classes to offer: those on the visit's topics (when it is logged and one of
    them is taught), all classes, or those on one topic of the list."""

    VISIT = "visit"
    ALL = "all"

    def __init__(self, ticket, raw):
        taught = {topic.value for topic in Topic}
        teachable = [topic for topic in queries.active_topics()
                     if topic.program_topic in taught]
        logged = ticket.visit.topics if ticket.visit else ()
        visit_topics = {topic.program_topic for topic in logged if topic.program_topic in taught}
        self.choices = []
        if visit_topics:
            self.choices.append((self.VISIT, _("The topics of this visit")))
        self.choices.append((self.ALL, _("All classes")))
        by_value = {}
        for topic in teachable:
            self.choices.append((str(topic.id), topic_label(topic)))
            by_value[str(topic.id)] = {topic.program_topic}
        values = {value for value, _label in self.choices}
        self.value = raw if raw in values else self.choices[0][0]
        if self.value == self.VISIT:
            self.program_topics = visit_topics
        elif self.value == self.ALL:
            self.program_topics = None
        else:
            self.program_topics = by_value[self.value]


def _visitor_phone(form_phone):
    """The phone number typed, checked (a translated message on the field), or None."""
    checker = Checker({"phone": form_phone.data})
    try:
        phone = checker.phone("phone", required=True)
        checker.done()
    except DeskError as error:
        form_phone.errors = [*form_phone.errors, *error.fields.values()]
        return None
    return phone


def book_class(session_id, ticket_id):
    """Step 1 (GET, or POST step=find): the visitor's exact phone number. Step 2 (POST
    step=choose: another list of classes; step=book: book): the person's name or a new
    person's fields, and the class. Then the booking number to read out."""
    session = _desk_session(session_id)
    ticket = _ticket(session, ticket_id)
    blocked = _blocked(ticket)
    context = {"session": session, "ticket": ticket}
    if blocked:
        return _render("consults/book_class.html", 409 if request.method == "POST" else 200,
                       stage="blocked", blocked=blocked, **context)
    now = utcnow()
    step = request.form.get("step") if request.method == "POST" else None
    if step in ("choose", "book"):
        return _choose(context, ticket, now, book=step == "book")
    find = FindVisitorForm()
    if step == "find" and find.validate_on_submit() and _visitor_phone(find.phone):
        return _choose(context, ticket, now, phone=find.phone.data)
    return _render("consults/book_class.html", stage="find", find=find, **context)


def _choose(context, ticket, now, *, phone=None, book=False):
    """Step 2: the person found by the exact number (their name only) or a new
    person's fields, and the classes to choose from; with `book`, book the one chosen."""
    chosen = ClassFilter(ticket, request.form.get("topic"))
    classes = queries.upcoming_classes(chosen.program_topics, now)
    if phone is None:  # the form of step 2, sent again
        form = BookClassForm(classes=classes)
    else:
        form = BookClassForm(formdata=None, classes=classes, phone=phone)
    person = queries.person_by_exact_phone(form.phone.data)
    if book and form.validate_on_submit():
        class_id = parse_id(form.class_session.data or "")
        class_session = db.session.get(EventSession, class_id) if class_id else None
        if class_session is None:
            form.class_session.errors = [_("Choose a class from the list.")]
        else:
            result = attempt(form, lambda: services.book_visitor_into_class(
                ticket, class_session, person or form.person_data(), actor=current_user,
                now=now))
            if result is not FAILED:
                return _render("consults/book_class.html", stage="done", result=result,
                               booking=result.booking, **context)
            # rolled back: read again what the page shows
            person = queries.person_by_exact_phone(form.phone.data)
            classes = queries.upcoming_classes(chosen.program_topics, now)
    return _render("consults/book_class.html", stage="choose", form=form, person=person,
                   classes=classes, counts=availability.of_sessions(classes),
                   chosen=chosen, **context)
