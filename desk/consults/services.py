"""The consultation desk's operations: issue tickets, call the next one, skip, recall,
cancel, finish and log a visit; the "your turn is coming" SMS.

Every function validates, changes the models, flushes and writes the audit entry; none
commits. Ticket numbers are taken under the session's row lock (FOR UPDATE on
PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite), so two receptionists tapping
at the same moment get two numbers.
"""

import re
import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.consults import messages, queue
from desk.consults.models import (
    ConsultTopic,
    Device,
    Outcome,
    Ticket,
    TicketKind,
    TicketStatus,
    Visit,
)
from desk.core import audit, records
from desk.core.db import lock_rows
from desk.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from desk.core.i18n import format_date_long
from desk.core.validation import Checker
from desk.events.bookings import lock_session
from desk.events.models import BookingStatus, SessionKind, SessionStatus
from desk.extensions import db

TICKET_AUDIT_FIELDS = ("session_id", "number", "kind", "status", "booking_id", "person_id",
                       "wants_sms", "called_dt", "served_by_id", "service_end_dt")
VISIT_AUDIT_FIELDS = ("ticket_id", "device", "minutes", "outcome", "note")
# a run of digits (with the separators people type) that holds as many digits as a phone
# number (10 or 11) or a My Number (12): such things do not belong in a free-text note; a
# date (2026-12-01: 8 digits) or a time does not count
_DIGIT_RUN = re.compile(r"[0-9][0-9\-‐－ー ()（）]{8,}[0-9]")
PERSONAL_NUMBER_DIGITS = 10
_DATE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}[-/.年](?:1[0-2]|0?[1-9])[-/.月]"
                   r"(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])日?")


def _check_session(session):
    if session.kind != SessionKind.CONSULTATION:
        raise ValidationError(_("This is not a consultation session."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))


def ticket_refusal(session, now):
    """Why reception cannot issue a ticket for `session` now (a translated message), or
    None: tickets are issued on the session's day (Japan time), until the session ends."""
    if not session.day_has_come(now):
        return _("Tickets are issued on the day of the session (%(date)s).",
                 date=format_date_long(session.start_dt))
    if session.end_dt <= now:
        return _("This session is over: no more tickets can be issued.")
    return None


def _check_issuable(session, now):
    _check_session(session)
    refusal = ticket_refusal(session, now)
    if refusal is not None:
        raise ValidationError(refusal, code="not_open")


def _ticket_state(ticket):
    return audit.snapshot(ticket, TICKET_AUDIT_FIELDS)


def _next_number(session):
    return (db.session.scalar(select(func.max(Ticket.number))
                              .where(Ticket.session_id == session.id)) or 0) + 1


def issue_ticket(session, data, *, actor, now):
    """A numbered ticket for a walk-in, in one tap: name and phone are optional; a phone
    with `wants_sms` gets the "your turn is coming" SMS. A repeated request (the same
    `request_key`: a double tap) returns the ticket the first one issued."""
    from desk.people.models import Person

    session = lock_session(session)
    _check_issuable(session, now)
    checker = Checker(data)
    name = checker.text("visitor_name", Ticket.NAME_MAX)
    phone = checker.phone("phone")
    wants_sms = checker.boolean("wants_sms")
    if wants_sms and not checker.errors and not (phone and phone.can_receive_sms):
        checker.fail("phone", _("The SMS needs a mobile number (070, 080 or 090)."))
    checker.done()
    request_key = _request_key(session, data.get("request_key"))
    if request_key is not None:
        repeated = db.session.scalar(select(Ticket).where(Ticket.request_key == request_key))
        if repeated is not None:
            return repeated
    person = None
    if phone is not None:
        person = db.session.scalar(select(Person).where(
            Person.phone == phone.e164, Person.merged_into_id.is_(None)).limit(1))
    ticket = Ticket(session_id=session.id, number=_next_number(session),
                    kind=TicketKind.WALK_IN, status=TicketStatus.WAITING, visitor_name=name,
                    phone=phone.e164 if phone else None, wants_sms=bool(wants_sms),
                    person_id=person.id if person else None, issued_dt=now, queue_dt=now,
                    issued_by_id=_user_id(actor), updated_dt=now, request_key=request_key)
    db.session.add(ticket)
    db.session.flush()
    audit.record("ticket.issue", ticket, actor=actor, after=_ticket_state(ticket), now=now)
    return ticket


def _request_key(session, raw):
    """The idempotency key of a reception form's submission, scoped to the session."""
    if not isinstance(raw, str) or not raw or len(raw) > 40:
        return None
    return f"{session.id}:{raw}"


def check_in_reservation(booking, *, actor, now):
    """A visitor with a reserved slot arrives: their ticket, served at the slot's time."""
    session = lock_session(booking.session)
    db.session.refresh(booking)
    _check_issuable(session, now)
    if booking.status != BookingStatus.BOOKED or booking.slot_dt is None:
        raise ValidationError(_("This booking does not hold a reserved slot."))
    existing = db.session.scalar(select(Ticket).where(Ticket.booking_id == booking.id))
    if existing is not None:
        raise ConflictError(_("This reservation already has ticket %(number)d.",
                              number=existing.number), code="already_issued")
    ticket = Ticket(session_id=session.id, number=_next_number(session),
                    kind=TicketKind.RESERVED, status=TicketStatus.WAITING,
                    booking_id=booking.id, slot_dt=booking.slot_dt, person_id=booking.person_id,
                    issued_dt=now, queue_dt=now, issued_by_id=_user_id(actor), updated_dt=now)
    db.session.add(ticket)
    db.session.flush()
    audit.record("ticket.issue", ticket, actor=actor, after=_ticket_state(ticket),
                 note="reserved", now=now)
    return ticket


def _user_id(actor):
    return getattr(actor, "id", None) if actor is not None and not isinstance(actor, str) \
        else None


def _lock_ticket(ticket):
    return lock_rows(db.session, select(Ticket).where(Ticket.id == ticket.id), of=Ticket).one()


def _change(ticket, action, *, actor, now, note=None, **values):
    before = _ticket_state(ticket)
    records.assign(ticket, values)
    ticket.updated_dt = now
    db.session.flush()
    audit.record(action, ticket, actor=actor, before=before, after=_ticket_state(ticket),
                 note=note, now=now)
    return ticket


def call_next(session, *, actor, now):
    """The volunteer takes the next ticket of the queue (desk.consults.queue.order):
    it becomes `serving`, called now, served by the actor. NotFoundError when nobody
    waits. The queue is locked with the session, so two volunteers pressing at once
    take two different tickets."""
    session = lock_session(session)
    _check_session(session)
    waiting = queue.waiting(session)
    ordered = queue.order(waiting, now=now)
    if not ordered:
        raise NotFoundError(_("Nobody is waiting."))
    ticket = ordered[0]
    _change(ticket, "ticket.call", actor=actor, now=now, status=TicketStatus.SERVING,
            called_dt=now, served_by_id=_user_id(actor))
    plan_turn_notices(session, now=now)
    return ticket


def take_ticket(ticket, *, actor, now):
    """A volunteer takes a particular waiting ticket (the receptionist's choice)."""
    lock_session(ticket.session)
    ticket = _lock_ticket(ticket)
    if ticket.status != TicketStatus.WAITING:
        raise ConflictError(_("Ticket %(number)d is not waiting any more.",
                              number=ticket.number), code="not_waiting")
    _change(ticket, "ticket.call", actor=actor, now=now, status=TicketStatus.SERVING,
            called_dt=now, served_by_id=_user_id(actor))
    plan_turn_notices(ticket.session, now=now)
    return ticket


def skip_ticket(ticket, *, actor, now):
    """Called, not present: set aside (it can be recalled)."""
    ticket = _lock_ticket(ticket)
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.SERVING):
        raise ConflictError(_("Ticket %(number)d cannot be skipped now.", number=ticket.number),
                            code="not_open")
    return _change(ticket, "ticket.skip", actor=actor, now=now, status=TicketStatus.SKIPPED,
                   served_by_id=None)


def recall_ticket(ticket, *, actor, now):
    """A skipped visitor is back: waiting again, at the front of the walk-ins."""
    ticket = _lock_ticket(ticket)
    if ticket.status != TicketStatus.SKIPPED:
        raise ConflictError(_("Only a skipped ticket can be recalled."), code="not_skipped")
    first = db.session.scalar(select(func.min(Ticket.queue_dt)).where(
        Ticket.session_id == ticket.session_id, Ticket.status == TicketStatus.WAITING))
    queue_dt = min(first - timedelta(seconds=1), ticket.queue_dt) if first else ticket.queue_dt
    return _change(ticket, "ticket.recall", actor=actor, now=now, status=TicketStatus.WAITING,
                   called_dt=None, queue_dt=queue_dt)


def cancel_ticket(ticket, *, actor, now):
    ticket = _lock_ticket(ticket)
    if ticket.status in (TicketStatus.SERVED, TicketStatus.CANCELLED):
        raise ConflictError(_("Ticket %(number)d is already closed.", number=ticket.number),
                            code="closed")
    messages.cancel_turn_notice(ticket, now=now)
    return _change(ticket, "ticket.cancel", actor=actor, now=now, status=TicketStatus.CANCELLED)


def check_note(note):
    """A translated message when a note looks like it holds a phone number or a My
    Number; None when it is fine."""
    if not note:
        return None
    text = _DATE.sub(" ", unicodedata.normalize("NFKC", note))
    if any(sum(char.isdigit() for char in run) >= PERSONAL_NUMBER_DIGITS
           for run in _DIGIT_RUN.findall(text)):
        return _("The note seems to contain a phone number or a My Number. Personal "
                 "numbers do not belong in the log: please remove them.")
    return None


def _visit_values(data, ticket, now):
    checker = Checker(data)
    device = checker.choice("device", Device)
    outcome = checker.choice("outcome", Outcome)
    minutes = checker.integer("minutes", 1, Visit.MINUTES_MAX, required=False)
    note = checker.text("note", Visit.NOTE_MAX, multiline=True)
    raw_topics = checker.raw("topics") or []
    if isinstance(raw_topics, str | int):
        raw_topics = [raw_topics]
    topics = []
    if not raw_topics:
        checker.fail("topics", _("Choose at least one topic."))
    else:
        wanted = set()
        for value in raw_topics:
            text = str(value).strip()
            if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
                checker.fail("topics", _("Choose topics from the list."))
                break
            wanted.add(int(text))
        else:
            topics = list(db.session.scalars(select(ConsultTopic).where(
                ConsultTopic.id.in_(wanted), ConsultTopic.is_active.is_(True))))
            if len(topics) != len(wanted):
                checker.fail("topics", _("Choose topics from the list."))
    if note and "note" not in checker.errors:
        problem = check_note(note)
        if problem:
            checker.fail("note", problem)
    elif not note and outcome == Outcome.REFERRED:
        checker.fail("note", _("Write where the visitor was referred to."))
    elif not note and outcome == Outcome.FOLLOW_UP:
        checker.fail("note", _("Write what needs to be followed up."))
    checker.done()
    if minutes is None:
        started = ticket.called_dt or now
        minutes = max(1, min(Visit.MINUTES_MAX, round((now - started).total_seconds() / 60)))
    return {"device": device, "outcome": outcome, "minutes": minutes, "note": note}, topics


def log_visit(ticket, data, *, actor, now):
    """Finish serving a ticket and log the visit (topics, device, minutes, outcome,
    note): all or nothing. Only the volunteer serving it, or a coordinator. The note is
    optional for a resolved visit; a follow-up or a referral needs one (what to follow
    up, where the visitor was sent)."""
    ticket = _lock_ticket(ticket)
    if ticket.status == TicketStatus.SERVED or ticket.visit is not None:
        raise ConflictError(_("Ticket %(number)d has already been logged.",
                              number=ticket.number), code="already_logged")
    if ticket.status != TicketStatus.SERVING:
        raise ConflictError(_("Take ticket %(number)d before logging it.",
                              number=ticket.number), code="not_serving")
    is_staff = getattr(actor, "is_staff", False)
    if not is_staff and ticket.served_by_id != _user_id(actor):
        raise PermissionDenied(_("Another volunteer is serving this ticket."))
    values, topics = _visit_values(data, ticket, now)
    visit = Visit(ticket_id=ticket.id, session_id=ticket.session_id,
                  volunteer_user_id=ticket.served_by_id, created_dt=now, updated_dt=now,
                  **values)
    visit.topics = topics
    db.session.add(visit)
    _change(ticket, "ticket.serve", actor=actor, now=now, status=TicketStatus.SERVED,
            service_end_dt=now)
    audit.record("visit.create", visit, actor=actor,
                 after={**audit.snapshot(visit, VISIT_AUDIT_FIELDS),
                        "topics": sorted(topic.code for topic in topics)}, now=now)
    return visit


# -- "your turn is coming" ------------------------------------------------------------------

def plan_turn_notices(session, *, now):
    """SMS the visitors who asked for it once DESK_CONSULT_NOTIFY_AHEAD or fewer tickets
    are before them; each ticket is told once."""
    ahead_limit = current_app.config["DESK_CONSULT_NOTIFY_AHEAD"]
    for position, ticket in enumerate(queue.order(queue.waiting(session), now=now)):
        if position > ahead_limit:
            break
        if ticket.wants_sms and ticket.phone and ticket.turn_notice_dt is None:
            # a registered resident's own language; an unknown visitor's, Japanese
            locale = ticket.person.language if ticket.person is not None else "ja"
            messages.plan_turn_notice(ticket, locale=locale, now=now)
            ticket.turn_notice_dt = now
    db.session.flush()


# -- presence ----------------------------------------------------------------------------------

def mark_present(session, user, *, now):
    """The desk screen of the session is open for `user` (counts them as on duty)."""
    from desk.consults.models import DeskPresence

    presence = db.session.scalar(select(DeskPresence).where(
        DeskPresence.session_id == session.id, DeskPresence.user_id == user.id))
    if presence is None:
        db.session.add(DeskPresence(session_id=session.id, user_id=user.id, last_seen_dt=now))
    else:
        presence.last_seen_dt = now
    db.session.flush()


# -- booking the visitor into a class on the spot (desk/consults/desk_views.py) --------------

def book_visitor_into_class(ticket, session, person_or_data, *, actor, now):
    """Book the visitor of a ticket in service (or just served) into an upcoming class,
    on the spot, through the booking service (channel consult_desk): its rules (seats,
    waiting list, one booking per person, messages) apply unchanged; this adds only that
    the class is a class and has not started, and that whoever books serves the ticket
    (or is a coordinator).

    `person_or_data` is the Person the volunteer found by the exact phone number the
    visitor gave, or a new person's fields (name, name_kana, phone, consent), matched
    or registered like a public booking (desk.people.services.person_for_public_booking:
    the same phone and reading find the stored person, nothing stored is overwritten; a
    known phone with another reading is flagged for review). Consent given in person is
    recorded as PAPER, as the roster's walk-ins are. The ticket gets the person when it
    had none. Returns book_seat's BookingResult."""
    from desk.events.bookings import BookingClosedError, book_seat
    from desk.events.models import BookingChannel
    from desk.people import services as people_services
    from desk.people.models import ConsentMethod, Person

    ticket = _lock_ticket(ticket)
    if ticket.status not in (TicketStatus.SERVING, TicketStatus.SERVED):
        raise ConflictError(_("Take ticket %(number)d before booking a class for its visitor.",
                              number=ticket.number), code="not_serving")
    if not getattr(actor, "is_staff", False) and ticket.served_by_id != _user_id(actor):
        raise PermissionDenied(_("Another volunteer is serving this ticket."))
    if session.kind != SessionKind.CLASS:
        message = _("Choose a class from the list.")
        raise ValidationError(message, fields={"class_session": message})
    if session.start_dt <= now:
        raise BookingClosedError(_("This class has already started. Choose another one."))
    if isinstance(person_or_data, Person):
        person = person_or_data
    else:
        person = people_services.person_for_public_booking(
            person_or_data, channel=BookingChannel.CONSULT_DESK,
            consent_method=ConsentMethod.PAPER, actor=actor, now=now)
    result = book_seat(session, person, seats=1, channel=BookingChannel.CONSULT_DESK,
                       actor=actor, now=now)
    if ticket.person_id is None:
        _change(ticket, "ticket.person", actor=actor, now=now, person_id=person.id,
                note="booked a class")
    return result
