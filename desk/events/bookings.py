"""Bookings: book, cancel, waiting list, promotion, attendance.

Every channel (staff phone desk, web, kiosk, phone line, API) calls `book_seat`.
Capacity holds whatever the concurrency because every operation that changes a
session's seats first locks the session row: `SELECT ... FOR UPDATE` on PostgreSQL;
on SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE,
see desk.core.db.write_intent). Under the lock the seats are counted, the booking is
inserted as booked or waitlisted, and its messages are planned as outbox rows, all in
the caller's transaction. Nothing here commits.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from desk.core import audit
from desk.core.db import locking
from desk.core.errors import ConflictError, DeskError, PermissionDenied, ValidationError
from desk.core.i18n import format_time
from desk.core.statements import as_loaded, loaded, run
from desk.core.timeutil import utcnow
from desk.events import access, availability, notices, offers, slots, surveys
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    PUBLIC_CHANNELS,
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    Confirmation,
    EventSession,
    Program,
    SessionStatus,
)
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.people import services as people_services

BOOKING_FIELDS = ("session_id", "person_id", "seats", "status", "code", "channel", "proxy_id",
                  "confirmation", "attendance", "is_walk_in", "cancel_reason", "slot_dt")
CODE_ATTEMPTS = 10
# what a public booking request asks for, as its fingerprint holds it (request_fingerprint)
REQUEST_PERSON_FIELDS = ("name", "name_kana", "phone", "email", "district_id", "age_band",
                         "reminder_channel")
REQUEST_PROXY_FIELDS = ("name", "relation", "relation_note", "phone", "email")


class BookingError(DeskError):
    """A booking rule said no; the message is for the person booking."""

    code = "booking_refused"
    status = 422


class RepeatedRequestError(ValidationError):
    """A request key (a form's submission id, an API Idempotency-Key) came back with
    other details, or for another session, than the request that made its booking:
    refused, nothing changed, and nothing of that booking shown."""

    code = "request_key_reused"

    def __init__(self):
        super().__init__(_("This form was already sent with other details, so nothing was "
                           "booked or changed. Please start again."))


class BookingClosedError(BookingError):
    code = "booking_closed"
    status = 409


@dataclass
class BookingResult:
    booking: Booking
    created: bool
    waitlist_position: int | None = None
    # whether whoever asked may see the booking's code and secret link: always for a
    # new booking or a repeat of the same request; not when a public channel found an
    # existing booking by phone and kana (anyone knowing those would learn the code);
    # the booking's details are then sent again to the person's own contacts instead
    reveal: bool = True


@dataclass
class Changes:
    """What an operation did to other bookings, for the coordinator to read."""

    promoted: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    no_shows: list = field(default_factory=list)


# -- reading under the lock --------------------------------------------------------------

# Statements built once, on first use (the mappers are complete by then): building the
# options and conditions again for every booking costs more than running them.

@cache
def _lock_session_statement():
    """The session's columns and its program's, the session's row locked."""
    sessions, programs = EventSession.__table__, Program.__table__
    return locking(select(*sessions.c, *programs.c)
                   .select_from(sessions.outerjoin(programs,
                                                   sessions.c.program_id == programs.c.id))
                   .where(sessions.c.id == bindparam("session_id")), of=sessions)


@cache
def _under_the_lock_statement(public=False):
    """What a new booking reads under the session's lock, in one statement: the id of
    the person's active booking there (usually none), the seats held, and how many wait
    on the waiting list and the latest queue time there (_queue_time). A `public`
    booking's person is not known yet: it is read with the same statement
    (desk.people.services.match_query: the id of the person the phone and kana match,
    and whether the phone is known), and the active booking is that person's."""
    at_session = Booking.session_id == bindparam("session_id")
    waiting = (at_session, Booking.status == BookingStatus.WAITLISTED)
    # a value each, not an expanding list rendered again for every booking
    # (desk.core.statements runs no expanding list)
    active = [literal(status, Booking.status.type) for status in ACTIVE_BOOKING_STATUSES]
    person = people_services.match_query(bindparam("phone"), bindparam("key")) if public else ()
    person_id = person[0] if public else bindparam("person_id")
    return select(
        select(Booking.id).where(at_session, Booking.person_id == person_id,
                                 Booking.status.in_(active))
        .scalar_subquery(),
        availability.seats_taken_query(bindparam("session_id")).scalar_subquery(),
        select(func.count(Booking.id)).where(*waiting).scalar_subquery(),
        select(func.max(Booking.queue_dt)).where(*waiting).scalar_subquery(),
        *person)


def lock_session(session):
    """Lock the session row for the rest of the transaction and refresh it (its program
    with it: the reminders read the program's morning time). Its venue is not what a
    booking changes, so the statement joins nothing else.

    A session this transaction (or a savepoint still open around this point) has
    already locked is returned as it is, without a second statement: no other
    transaction can have changed the row since, and this one changes it only through
    the ORM object. A lock taken inside a savepoint that was rolled back is gone (the
    database released it), and is taken again."""
    locked = _locked_in_this_transaction(session.id)
    if locked is not None:
        return locked
    return locked_session(session.id)


def locked_session(session_id):
    """The session with this id, locked as `lock_session` locks it; None when there is
    none (one statement for an API's 404 check and the lock). The statement runs below
    SQLAlchemy's execution (desk.core.statements): what the ORM's query would have
    flushed first is flushed, and the session and its program are the session's objects
    refreshed, as its query with populate_existing would give them."""
    if db.session.autoflush:
        db.session.flush()
    row = run(db.session, _lock_session_statement(), {"session_id": session_id}).one_or_none()
    if row is None:
        return None
    width = len(EventSession.__table__.c)
    values = dict(zip(EventSession.__table__.c.keys(), row[:width], strict=True))
    program = None
    if values["program_id"] is not None:
        program = loaded(db.session, Program,
                         dict(zip(Program.__table__.c.keys(), row[width:], strict=True)))
    session = loaded(db.session, EventSession, values, {"program": program})
    _note_locked(session)
    return session


_LOCKED = "desk_locked_sessions"


def _innermost_transaction():
    return db.session().get_nested_transaction() or db.session().get_transaction()


def _note_locked(session):
    root = db.session().get_transaction()
    noted = db.session.info.get(_LOCKED)
    if noted is None or noted[0] is not root:
        noted = db.session.info[_LOCKED] = (root, {})
    noted[1][session.id] = _innermost_transaction()


def _locked_in_this_transaction(session_id):
    """The session, when a transaction still open around this point locked it."""
    noted = db.session.info.get(_LOCKED)
    if noted is None or noted[0] is not db.session().get_transaction():
        return None
    locked_in = noted[1].get(session_id)
    transaction = _innermost_transaction()
    while transaction is not None and transaction is not locked_in:
        transaction = transaction.parent
    if transaction is None or not transaction.is_active:
        return None
    return db.session.get(EventSession, session_id)


def waitlist(session):
    return list(db.session.scalars(
        select(Booking)
        .where(Booking.session_id == session.id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(Booking.queue_dt, Booking.id)))


def waitlist_position(booking):
    """1 for the first on the waiting list; None when the booking is not waitlisted."""
    if booking.status != BookingStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Booking.id))
        .where(Booking.session_id == booking.session_id,
               Booking.status == BookingStatus.WAITLISTED,
               (Booking.queue_dt < booking.queue_dt)
               | ((Booking.queue_dt == booking.queue_dt) & (Booking.id < booking.id))))
    return ahead + 1


def _queue_time(now, latest):
    """When a new entry joins the waiting list: `now`, but never before the `latest`
    entry already on it. A request takes its `now` when it arrives, before it waits for
    the session lock; arrival order is the order of the lock, so a booking that waited
    queues behind the one that went first (equal times keep the insert order)."""
    return max(now, latest) if latest is not None else now


def active_booking(session, person):
    # the id first: usually there is none, and loading a Booking joins five tables
    booking_id = db.session.scalar(
        select(Booking.id).where(Booking.session_id == session.id,
                                 Booking.person_id == person.id,
                                 Booking.status.in_(ACTIVE_BOOKING_STATUSES)))
    return db.session.get(Booking, booking_id) if booking_id is not None else None


def find_booking(code, phone_e164):
    """The booking with this code whose person (or proxy) has this phone; None
    otherwise. A code alone never identifies a booking."""
    from desk.people.models import Person, ProxyContact

    code = "".join(char for char in (code or "") if char.isdigit())
    if len(code) != Booking.CODE_LENGTH or not phone_e164:
        return None
    booking = db.session.scalar(select(Booking).where(Booking.code == code))
    if booking is None:
        return None
    person = db.session.get(Person, booking.person_id)
    phones = {person.phone} | {proxy.phone for proxy in db.session.scalars(
        select(ProxyContact).where(ProxyContact.person_id == person.id))}
    return booking if phone_e164 in phones else None


def booking_by_code(code):
    """The booking with this code (8 digits, as parsed), or None. Only staff look a
    booking up by its code alone; anybody else needs the phone too (find_booking)."""
    if not code:
        return None
    return db.session.scalar(select(Booking).where(Booking.code == code))


def booking_by_token(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Booking).where(Booking.token == token))


# -- rules --------------------------------------------------------------------------------

def check_open(session, *, channel, now):
    """Raise a BookingError (BookingClosedError when it is closed) when `channel` cannot
    book a seat at `session` now, whatever the party's size."""
    if not session.takes_bookings:
        raise BookingError(_("This session does not take bookings; just come along."))
    if session.status == SessionStatus.CANCELLED:
        raise BookingClosedError(_("This session is cancelled."))
    if session.status == SessionStatus.COMPLETED or session.is_attendance_closed:
        raise BookingClosedError(_("This session has already been held."))
    if session.end_dt <= now:
        raise BookingClosedError(_("This session is over."))
    if channel in PUBLIC_CHANNELS:
        minutes = current_app.config["DESK_BOOKING_CLOSES_MINUTES"]
        if now >= session.start_dt - timedelta(minutes=minutes):
            raise BookingClosedError(
                _("Booking for this session has closed. Please call the desk."))


def _check_seats(seats):
    """A party of 1 to MAX_SEATS: the person and their companions."""
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= Booking.MAX_SEATS:
        message = _("Book 1 to %(maximum)d seats (you and up to %(companions)d companions).",
                    maximum=Booking.MAX_SEATS, companions=Booking.MAX_SEATS - 1)
        raise BookingError(message, fields={"seats": message})


def _check_slot_seats(session, seats):
    """A reserved slot is one person's time with a volunteer."""
    if session.has_reserved_slots and seats != 1:
        message = _("A reserved time is for one person: book 1 seat. Someone who comes "
                    "along does not need a booking of their own.")
        raise BookingError(message, fields={"seats": message})


def _check_bookable(session, *, channel, seats, now):
    check_open(session, channel=channel, now=now)
    _check_seats(seats)
    _check_slot_seats(session, seats)
    if seats > (session.capacity or 0):
        message = _("This session has %(capacity)d seats in all; a party of %(seats)d "
                    "cannot fit.", capacity=session.capacity or 0, seats=seats)
        raise BookingError(message, fields={"seats": message})


def new_code():
    """A random booking code (unique only once inserted: see _insert_with_code)."""
    return f"{secrets.randbelow(10 ** Booking.CODE_LENGTH):0{Booking.CODE_LENGTH}d}"


def status_for(seats, free):
    """A new party is booked while it fits in the free seats, else waitlisted (seats
    still free are ones no waiting party fits: promotion gave away the rest)."""
    return BookingStatus.BOOKED if seats <= free else BookingStatus.WAITLISTED


def to_promote(waiting, free):
    """The waiting parties (in arrival order) that `free` seats go to: each that fits,
    a party too large skipped for the next."""
    for booking in waiting:
        if free <= 0:
            return
        if booking.seats > free:
            continue
        free -= booking.seats
        yield booking


# INSERT ... ON CONFLICT DO NOTHING RETURNING id, built once per dialect (its columns
# come from the values it is executed with)
_INSERT = {
    "postgresql": postgresql.insert(Booking.__table__).on_conflict_do_nothing()
    .returning(Booking.id),
    "sqlite": sqlite.insert(Booking.__table__).on_conflict_do_nothing().returning(Booking.id),
}


def _insert_with_code(values, *, session, person):
    """Insert the booking (every column but its id and code in `values`) with a random,
    unique code, in one statement; returns it as a Booking of this ORM session, whose
    columns are those values (no statement reads it back). A code another booking holds
    (one in 10^8 per booking held) inserts nothing (ON CONFLICT DO NOTHING: no error, so
    no savepoint is needed around the insert) and another code is tried. A request key
    another request has just used (at another session, where the session locks did not
    keep the two apart) is refused as a reused key."""
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        booking_id = run(db.session, _INSERT[db.session.get_bind().dialect.name],
                         {**values, "code": code}).scalar_one_or_none()
        if booking_id is not None:
            return as_loaded(db.session, Booking, {**values, "id": booking_id, "code": code},
                             {"session": session, "person": person})
        request_key = values["request_key"]
        if request_key is not None and booking_by_request_key(request_key) is not None:
            raise RepeatedRequestError()
        if booking_by_code(code) is None:
            raise RuntimeError("the booking was not inserted, although its code is free")
    raise RuntimeError(f"no free booking code after {CODE_ATTEMPTS} attempts")


def _actor_id(actor):
    return getattr(actor, "id", None) if not isinstance(actor, str) else None


def _plan_for_new(booking, *, now, resend=False):
    """The confirmation (and reminders) of a new booking; with `resend`, only the
    confirmation again, for a person who asked to book what they already had."""
    if booking.status == BookingStatus.BOOKED:
        notices.plan(BookingTemplate.BOOKING_CONFIRMED, booking, due=now, now=now,
                     reminders=not resend)
    else:
        notices.plan(BookingTemplate.WAITLIST_CONFIRMED, booking, due=now, now=now)


def session_changed(session, *, now):
    """A change of the session: when, and one step more of the SEQUENCE of its
    bookings' calendar events (desk.events.ics.sequence)."""
    session.updated_dt = now
    session.sequence += 1


def mark_cancelled(booking, reason, *, now):
    """The booking cancelled, and one step more of its calendar event's SEQUENCE (its
    calendar then drops the event)."""
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_dt = now
    booking.cancel_reason = CancelReason(reason)
    booking.sequence += 1


# -- booking -------------------------------------------------------------------------------

def booking_by_request_key(request_key):
    if not request_key:
        return None
    return db.session.scalar(select(Booking).where(Booking.request_key == request_key))


def _check_request_key(request_key):
    if request_key is None:
        return None
    if not isinstance(request_key, str) or not 8 <= len(request_key) <= Booking.REQUEST_KEY_MAX \
            or not request_key.isascii() or not request_key.isprintable():
        raise ValidationError(_("This form has expired. Please start again."))
    return request_key


def request_fingerprint(session, details, seats):
    """A keyed hash (HMAC-SHA256 with the app's secret key) of what a public booking
    request asks for: the session, the seats, consent, the person's details and the
    proxy's, as the services understand them (`details`, checked: `０９０…` and `090…`
    are the same). It tells a repeated request from another one that reuses its key,
    and keeps none of the details readable."""
    content = {"session": session.id, "seats": seats, "consent": details.consent,
               "person": {name: details.person[name] for name in REQUEST_PERSON_FIELDS}}
    if details.proxy is not None:
        content["proxy"] = {**{name: details.proxy[name] for name in REQUEST_PROXY_FIELDS},
                            "wants_copies": details.wants_copies}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _repeat(request_key, fingerprint):
    """The first booking of a repeated request (same key, same session and details), or
    None when the key is new; a key reused for anything else is refused."""
    existing = booking_by_request_key(request_key)
    if existing is None:
        return None
    if existing.request_fingerprint is None \
            or not hmac.compare_digest(existing.request_fingerprint, fingerprint):
        raise RepeatedRequestError()
    return BookingResult(existing, created=False, waitlist_position=waitlist_position(existing))


def book_seat(session, person, *, seats=1, channel, actor, now=None, proxy=None,
              walk_in=False, survey_consent=False):
    """Book `seats` seats (the person and companions) at `session`: booked while the
    seats are free, waitlisted otherwise, all or nothing. Booking again returns the
    person's existing active booking unchanged. `survey_consent`: the person agreed to
    the survey after attending (desk.events.surveys)."""
    now = now or utcnow()
    channel = BookingChannel(channel)
    session = lock_session(session)
    if walk_in:
        _check_walk_in(session, seats=seats, actor=actor, now=now)
    else:
        _check_bookable(session, channel=channel, seats=seats, now=now)
    return _book_locked(session, person, seats=seats, channel=channel, actor=actor, now=now,
                        proxy=proxy, walk_in=walk_in, survey_consent=survey_consent)


def _book_locked(session, person, *, seats, channel, actor, now, proxy, walk_in,
                 request_key=None, fingerprint=None, survey_consent=False, read=None):
    """book_seat's work once the session is locked and the rules said yes. Its reads
    do not flush: the booking, its audit entry and its messages are each written by a
    Core INSERT of their own, so there is nothing for a flush to write. `read`: what
    _under_the_lock_statement read for this person, when the caller asked it already."""
    if person.is_anonymised:
        raise people_services.anonymised_error()
    with db.session.no_autoflush:
        return _book_unflushed(session, person, seats=seats, channel=channel, actor=actor,
                               now=now, proxy=proxy, walk_in=walk_in,
                               request_key=request_key, fingerprint=fingerprint,
                               survey_consent=survey_consent, read=read)


def _book_unflushed(session, person, *, seats, channel, actor, now, proxy, walk_in,
                    request_key, fingerprint, survey_consent, read):
    existing_id, taken, waiting, latest = read or run(
        db.session, _under_the_lock_statement(),
        {"session_id": session.id, "person_id": person.id}).one()
    if existing_id is not None:
        existing = db.session.get(Booking, existing_id)
        return BookingResult(existing, created=False,
                             waitlist_position=waitlist_position(existing))
    free = availability.places_free(session, taken=taken)
    if walk_in and seats > free:
        raise BookingError(_("There are not enough free seats for this walk-in. "
                             "Raise the capacity first if the room allows."))
    status = status_for(seats, free)
    booked = status == BookingStatus.BOOKED
    booking = _insert_with_code({
        "session_id": session.id, "person_id": person.id, "seats": seats, "status": status,
        "token": secrets.token_urlsafe(24), "channel": channel, "actor_id": _actor_id(actor),
        "proxy_id": proxy.id if proxy else None, "request_key": request_key,
        "request_fingerprint": fingerprint,
        "queue_dt": now if booked else _queue_time(now, latest),
        "booked_dt": now if booked else None, "created_dt": now, "is_walk_in": walk_in,
        "survey_consent": bool(survey_consent),
        "attendance": Attendance.ATTENDED if walk_in else None,
        "attendance_dt": now if walk_in else None,
        "slot_dt": slots.slot_for_booked(session) if booked else None,
        "confirmation": Confirmation.UNCONFIRMED, "confirmation_dt": None,
        "cancelled_dt": None, "cancel_reason": None, "sequence": 0},
        session=session, person=person)
    # a new entry is the last on the waiting list (waitlist_position's order): no queue
    # time is later than its own, and the entries with the same time went in before it
    position = None if booked else waiting + 1
    audit.record("booking.create", booking, actor=actor,
                 after=audit.snapshot(booking, BOOKING_FIELDS), note=str(channel), now=now)
    if walk_in:
        surveys.invite(booking, now=now)
    else:
        _plan_for_new(booking, now=now)
    return BookingResult(booking, created=True, waitlist_position=position)


def book_public(session, details, *, seats=1, channel, consent_method, actor=None, now=None,
                request_key=None, survey_consent=False):
    """A booking from a public channel (web, kiosk, phone line, API) of `seats` seats
    for the person of `details` (desk.people.services.public_details: the person's
    checked fields and consent, and the family member booking for them, if any);
    `survey_consent`: they agreed to the survey after attending (desk.events.surveys).

    The session is locked first, so that a repeated request (same `request_key`: a
    double tap, a retried API call) finds the first one's booking and creates nothing,
    not even a person. A repeat is the same request only for the same session, seats
    and details (`request_fingerprint`); a key reused with anything else is refused
    (RepeatedRequestError), so a key never reveals another request's booking. Then
    the person is matched or created (desk.people.services.person_for: never shown,
    never overwritten) and the seats are booked as `book_seat` does."""
    now = now or utcnow()
    channel = BookingChannel(channel)
    request_key = _check_request_key(request_key)
    if isinstance(seats, str) and seats.strip().isascii() and seats.strip().isdigit():
        seats = int(seats.strip())
    fingerprint = request_fingerprint(session, details, seats) if request_key else None
    with audit.written_together():  # the person's entry and the booking's: one INSERT
        return _book_public_locked(lock_session(session), details, seats=seats,
                                   channel=channel, consent_method=consent_method, actor=actor,
                                   now=now, request_key=request_key, fingerprint=fingerprint,
                                   survey_consent=survey_consent)


def _book_public_locked(session, details, *, seats, channel, consent_method, actor, now,
                        request_key, fingerprint, survey_consent):
    repeated = _repeat(request_key, fingerprint)
    if repeated is not None:
        return repeated
    _check_bookable(session, channel=channel, seats=seats, now=now)
    *read, matched_id, phone_known = run(  # nothing to flush: a public request
        db.session, _under_the_lock_statement(public=True),
        {"session_id": session.id, "phone": details.person["phone"],
         "key": details.person["kana_key"]}).one()
    person = people_services.person_for(details.person, details.consent, channel=channel,
                                        consent_method=consent_method, actor=actor, now=now,
                                        match=people_services.Match(matched_id, phone_known))
    proxy = None
    if details.proxy is not None:
        proxy = people_services.record_proxy(person, details.proxy, details.wants_copies,
                                             consent_method=consent_method, actor=actor,
                                             now=now)
    result = _book_locked(session, person, seats=seats, channel=channel, actor=actor, now=now,
                          proxy=proxy, walk_in=False, request_key=request_key,
                          fingerprint=fingerprint, survey_consent=survey_consent,
                          read=read)
    if not result.created:
        result.reveal = False
        _plan_for_new(result.booking, now=now, resend=True)
    return result


def cancel_booking(booking, *, reason=CancelReason.PERSON, actor, now, notify=True):
    """Cancel a booking, free its seats and promote the waiting list in order, in the
    caller's transaction. Returns the Changes (who was promoted)."""
    session = lock_session(booking.session)
    db.session.refresh(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise ConflictError(_("This booking is already cancelled."))
    if booking.attendance is not None:
        raise ValidationError(_("Attendance is already recorded for this booking; "
                                "change the attendance instead."))
    if session.is_attendance_closed:
        raise ValidationError(_("Attendance for this session is closed."))
    if session.start_dt <= now and not _is_staff(actor):
        raise BookingClosedError(_("This session has started; it can no longer be cancelled "
                                   "here. Please call the desk."))
    before = audit.snapshot(booking, BOOKING_FIELDS)
    was_booked = booking.status == BookingStatus.BOOKED
    mark_cancelled(booking, reason, now=now)
    slots.release(booking)
    db.session.flush()
    audit.record("booking.cancel", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, BOOKING_FIELDS), now=now)
    notices.cancel_pending(booking, now=now)
    if notify and reason != CancelReason.MERGED:
        template = (BookingTemplate.SESSION_CANCELLED
                    if reason == CancelReason.SESSION_CANCELLED
                    else BookingTemplate.BOOKING_CANCELLED)
        notices.plan(template, booking, due=now, now=now)
    changes = Changes(cancelled=[booking])
    if was_booked or offers.withdraw_for(booking, actor=actor, now=now):
        changes.promoted = promote_waitlist(session, actor=actor, now=now)
    db.session.flush()
    return changes


class MoveError(BookingError):
    """A move was refused: nothing changed. `code` says why (the API's error code)."""


@dataclass
class MoveResult:
    booking: Booking
    old_session: EventSession
    waitlist_position: int | None = None
    # who moved up at the old session into the seats the move freed
    promoted: list = field(default_factory=list)


def move_booking(booking, target, *, channel, actor, now, to_waitlist=False, followup=False):
    """Move an active booking (booked or waitlisted) to the session `target`, in one
    transaction: the booking row keeps its code, secret link, party size, companions
    and proxy contact, and takes its place at `target` before its old place is given
    up (no moment without a seat).

    Both sessions are locked in id order (as every move does, so two moves the other
    way round wait instead of deadlocking). The rule: a move goes into a free seat;
    only when the person asks for it (`to_waitlist`) does it go to the end of the
    target's waiting list, giving up the old place all the same (the person was asked
    first: keeping both would hold a seat nobody uses). A full target without
    `to_waitlist` is refused (code `session_full`). The old seats go to the old
    session's waiting list in arrival order (promote_waitlist). The calendar event
    keeps its UID and takes a higher SEQUENCE; the queued messages of the booking
    (reminders of the old date) are cancelled and one message says old date -> new
    date, with the new reminders planned behind it. Public channels move only to a
    session of the same program and only while the target takes public bookings.
    A `followup` (desk.events.followups: the class the desk offered to a party still
    waiting when its session started) moves a waitlisted booking out of a session that
    has started, to the class offered whatever its program.
    Raises a MoveError with a translated message and a code; changes nothing then."""
    channel = BookingChannel(channel)
    if target.id == booking.session_id:
        raise MoveError(_("The booking is already for this session. Choose another date."),
                        code="same_session")
    old = booking.session
    locked = {}
    for session in sorted((old, target), key=lambda item: item.id):
        locked[session.id] = lock_session(session)
    old, target = locked[old.id], locked[target.id]
    db.session.refresh(booking)
    _check_move(booking, old, target, channel=channel, actor=actor, now=now,
                followup=followup)
    free = availability.places_free(target)
    status = status_for(booking.seats, free)
    if status == BookingStatus.WAITLISTED and not to_waitlist:
        raise MoveError(_("This session is full. The booking stays as it is; it can go "
                          "on the waiting list of that session instead."),
                        code="session_full")
    before = audit.snapshot(booking, BOOKING_FIELDS)
    was_booked = booking.status == BookingStatus.BOOKED
    old_sequence = old.sequence + booking.sequence  # desk.events.ics.sequence
    slots.release(booking)
    latest = db.session.scalar(select(func.max(Booking.queue_dt)).where(
        Booking.session_id == target.id, Booking.status == BookingStatus.WAITLISTED))
    booking.session = target
    booking.moved_from_session = old
    booking.moved_dt = now
    booking.status = status
    booked = status == BookingStatus.BOOKED
    booking.booked_dt = now if booked else None
    booking.queue_dt = now if booked else _queue_time(now, latest)
    booking.confirmation = Confirmation.UNCONFIRMED
    booking.confirmation_dt = None
    # the same calendar event (UID), one step higher than it was, whatever the two
    # sessions' own change counters are
    booking.sequence = max(booking.sequence + 1, old_sequence + 1 - target.sequence)
    if booked:
        slots.assign(booking, target)
    db.session.flush()
    audit.record("booking.move", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, BOOKING_FIELDS), note=str(channel), now=now)
    notices.cancel_pending(booking, now=now)
    notices.plan(BookingTemplate.BOOKING_MOVED, booking, due=now, now=now, reminders=booked)
    result = MoveResult(booking, old, waitlist_position=waitlist_position(booking))
    if was_booked or offers.withdraw_for(booking, actor=actor, now=now, note="booking moved"):
        result.promoted = promote_waitlist(old, actor=actor, now=now)
    db.session.flush()
    return result


def _check_move(booking, old, target, *, channel, actor, now, followup=False):
    if not booking.is_active:
        raise MoveError(_("This booking is cancelled, so it cannot be moved."),
                        code="booking_cancelled")
    if booking.attendance is not None or booking.is_walk_in:
        raise MoveError(_("Attendance is already recorded for this booking, so it cannot "
                          "be moved."), code="attendance_recorded")
    waited_out = followup and booking.status == BookingStatus.WAITLISTED
    if (old.start_dt <= now or old.is_attendance_closed) and not waited_out:
        raise MoveError(_("The session of this booking has started, so the booking can no "
                          "longer be moved."), code="booking_started")
    if target.status == SessionStatus.CANCELLED:
        raise MoveError(_("That session is cancelled. Choose another date."),
                        code="session_cancelled")
    if target.start_dt <= now:
        raise MoveError(_("That session has already started. Choose a later date."),
                        code="session_started")
    # a resident (a public channel, no staff account) keeps to the same program and to
    # the public channels' booking hours; staff may move anywhere a seat can be booked,
    # through the API as well
    public = channel in PUBLIC_CHANNELS and not _is_staff(actor)
    if public and not followup and (target.program_id is None or target.program_id != old.program_id):
        raise MoveError(_("A booking can be moved here only to another date of the same "
                          "class. Please call the desk for another class."),
                        code="other_program")
    try:
        _check_bookable(target, channel=channel if public else BookingChannel.PHONE_DESK,
                        seats=booking.seats, now=now)
    except BookingError as error:
        raise MoveError(error.message, fields=error.fields, code="not_bookable") from None
    if active_booking(target, booking.person) is not None:
        raise MoveError(_("%(name)s already has a booking for that session.",
                          name=booking.person.name) if _is_staff(actor)
                        else _("There is already a booking for that session."),
                        code="already_booked")


def promote_waitlist(session, *, actor, now):
    """Give free seats to the waiting list in arrival order; an entry that does not fit
    (a party too large) is skipped for the next. Only before the session starts; close
    to the start the seats are offered instead (desk.events.offers), and none given."""
    session = lock_session(session)
    if session.status != SessionStatus.SCHEDULED or session.start_dt <= now:
        return []
    if offers.offers_instead(session, now=now):
        offers.offer_free_seats(session, actor=actor, now=now)
        return []
    promoted = [promote_booking(booking, session, actor=actor, now=now)
                for booking in list(to_promote(waitlist(session),
                                               availability.places_free(session)))]
    db.session.flush()
    return promoted


def promote_booking(booking, session, *, actor, now, note=None):
    """A waitlisted booking of the locked `session` gets its seats: booked, its slot,
    one step more of its calendar event's SEQUENCE, the audit entry, and the message
    saying so (with the reminders) in place of what was still waiting. The caller has
    checked that the seats are free (promote_waitlist, or a seat offer taken)."""
    before = audit.snapshot(booking, BOOKING_FIELDS)
    booking.status = BookingStatus.BOOKED
    booking.booked_dt = now
    booking.sequence += 1
    slots.assign(booking, session)
    db.session.flush()
    audit.record("booking.promote", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, BOOKING_FIELDS), note=note, now=now)
    notices.cancel_pending(booking, now=now)
    notices.plan(BookingTemplate.WAITLIST_PROMOTED, booking, due=now, now=now,
                 reminders=True)
    return booking


def set_confirmation(booking, value, *, actor, now):
    """Record whether the senior said they will come (SMS reply, key press, staff)."""
    value = Confirmation(value)
    if not booking.is_active:
        raise ValidationError(_("This booking is cancelled."))
    if booking.confirmation == value:
        return booking
    before = audit.snapshot(booking, BOOKING_FIELDS)
    booking.confirmation = value
    booking.confirmation_dt = now
    db.session.flush()
    audit.record("booking.confirmation", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, BOOKING_FIELDS), now=now)
    return booking


# -- session-wide changes -------------------------------------------------------------------

def cancel_session_bookings(session, *, actor, now):
    """A cancelled session (a typhoon): every active booking is cancelled and told."""
    session = lock_session(session)
    changes = Changes()
    for booking in db.session.scalars(
            select(Booking).where(Booking.session_id == session.id,
                                  Booking.status.in_(ACTIVE_BOOKING_STATUSES))
            .order_by(Booking.queue_dt, Booking.id)):
        before = audit.snapshot(booking, BOOKING_FIELDS)
        mark_cancelled(booking, CancelReason.SESSION_CANCELLED, now=now)
        slots.release(booking)
        db.session.flush()
        audit.record("booking.cancel", booking, actor=actor, before=before,
                     after=audit.snapshot(booking, BOOKING_FIELDS), note="session cancelled",
                     now=now)
        notices.cancel_pending(booking, now=now)
        notices.plan(BookingTemplate.SESSION_CANCELLED, booking, due=now, now=now)
        changes.cancelled.append(booking)
    db.session.flush()
    return changes


def fit_capacity(session, *, actor, now):
    """After a capacity change: move the latest bookings to the front of the waiting
    list until the booked seats fit, then promote the waiting list into the seats left
    free (new seats, or what a moved party left over that a smaller party fits)."""
    session = lock_session(session)
    changes = Changes()
    if session.status != SessionStatus.SCHEDULED or not session.takes_bookings:
        return changes
    over = max(availability.seats_taken(session) - (session.capacity or 0),
               slots.overbooked(session))
    if over > 0:
        booked = db.session.scalars(
            select(Booking).where(Booking.session_id == session.id,
                                  Booking.status == BookingStatus.BOOKED,
                                  Booking.attendance.is_(None))
            .order_by(Booking.booked_dt.desc(), Booking.id.desc())).all()
        for booking in booked:
            if over <= 0:
                break
            before = audit.snapshot(booking, BOOKING_FIELDS)
            booking.status = BookingStatus.WAITLISTED
            booking.booked_dt = None
            booking.sequence += 1
            slots.release(booking)
            over -= booking.seats
            db.session.flush()
            audit.record("booking.waitlist", booking, actor=actor, before=before,
                         after=audit.snapshot(booking, BOOKING_FIELDS),
                         note="capacity reduced", now=now)
            notices.cancel_pending(booking, now=now)
            notices.plan(BookingTemplate.MOVED_TO_WAITLIST, booking, due=now, now=now)
            changes.waitlisted.append(booking)
    _settle_slots(session, actor=actor)
    changes.promoted = promote_waitlist(session, actor=actor, now=now)
    changes.waitlisted = [booking for booking in changes.waitlisted
                          if booking not in changes.promoted]
    return changes


def _settle_slots(session, *, actor):
    """Bookings whose reserved slot is no longer offered take a free one (recorded)."""
    for booking in slots.settle(session):
        audit.record("booking.slot", booking, actor=actor,
                     after=audit.snapshot(booking, BOOKING_FIELDS), note="capacity changed")


def move_slots(session, *, old_start_dt, old_slot_minutes, actor):
    """The session's start or slot length changed: booked bookings take the new times of
    their slots, in the same order (desk.events.slots.move). Returns those moved."""
    session = lock_session(session)
    moved = slots.move(session, old_start_dt=old_start_dt, old_slot_minutes=old_slot_minutes)
    for booking in moved:
        audit.record("booking.slot", booking, actor=actor,
                     after=audit.snapshot(booking, BOOKING_FIELDS), note="session changed")
    return moved


def replan_session_messages(session, *, actor, now):
    """The session moved: tell everyone booked or waiting, and plan new reminders."""
    for booking in db.session.scalars(
            select(Booking).where(Booking.session_id == session.id,
                                  Booking.status.in_(ACTIVE_BOOKING_STATUSES))):
        notices.cancel_pending(booking, now=now, templates=[BookingTemplate.REMINDER])
        notices.plan(BookingTemplate.SESSION_CHANGED, booking, due=now, now=now,
                     reminders=booking.status == BookingStatus.BOOKED)
    db.session.flush()


# -- attendance ----------------------------------------------------------------------------

def _is_staff(actor):
    """A staff account, or a label such as "cli" or "system"; the public channels'
    labels ("web", "api", ...) act for residents, not for staff."""
    if isinstance(actor, str):
        return actor not in PUBLIC_CHANNELS
    return bool(getattr(actor, "is_staff", False))


def _check_attendance_edit(session, *, actor, now):
    if not isinstance(actor, str):  # an account: a volunteer only on a session they staff
        access.check_roster_access(actor, session, now=now)
    if not session.day_has_come(now):
        raise ValidationError(_("Attendance can be taken from the day of the session."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    if session.is_attendance_closed and not _is_staff(actor):
        raise PermissionDenied(_("Attendance for this session is closed; only a "
                                 "coordinator can change it now."))


def _check_walk_in(session, *, seats, actor, now):
    if not session.takes_bookings:
        raise BookingError(_("Count visitors to this session with the headcount instead."))
    _check_attendance_edit(session, actor=actor, now=now)
    _check_seats(seats)
    _check_slot_seats(session, seats)


def set_attendance(booking, value, *, actor, now):
    """Mark a booked seat attended or no-show (None clears the mark)."""
    value = Attendance(value) if value else None
    session = lock_session(booking.session)
    db.session.refresh(booking)
    _check_attendance_edit(session, actor=actor, now=now)
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("Only a booked seat can be checked in; this booking is %(status)s.",
                                status=booking_status_label(booking.status)))
    if value == Attendance.NO_SHOW and session.start_dt > now:
        raise ValidationError(_("A no-show can be marked once the session has started "
                                "(%(time)s).", time=format_time(session.start_dt)))
    if booking.attendance == value:
        return booking
    if value != Attendance.NO_SHOW and booking.attendance == Attendance.NO_SHOW:
        # the seat was free while marked no-show: it must still be free
        if booking.seats > availability.seats_free(session):
            raise ValidationError(_("This seat was given to someone else meanwhile; add "
                                    "the person as a walk-in after raising the capacity."))
    before = audit.snapshot(booking, BOOKING_FIELDS)
    booking.attendance = value
    booking.attendance_dt = now if value else None
    db.session.flush()
    audit.record("booking.attendance", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, BOOKING_FIELDS),
                 note="after closing" if session.is_attendance_closed else None, now=now)
    if value == Attendance.ATTENDED:
        surveys.invite(booking, now=now)
    else:
        surveys.withdraw(booking, now=now)
    return booking


def set_anonymous_headcount(session, count, *, actor, now):
    session = lock_session(session)
    _check_attendance_edit(session, actor=actor, now=now)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100000:
        message = _("Enter a number from %(minimum)d to %(maximum)d.", minimum=0, maximum=100000)
        raise ValidationError(message, fields={"anonymous_headcount": message})
    before = {"anonymous_headcount": session.anonymous_headcount}
    if session.anonymous_headcount != count:
        session.anonymous_headcount = count
        db.session.flush()
        audit.record("session.headcount", session, actor=actor, before=before,
                     after={"anonymous_headcount": count}, now=now)
    return session


def close_attendance(session, *, actor, now):
    """Close the roster: seats nobody marked become no-shows, the session is held."""
    session = lock_session(session)
    if session.is_attendance_closed:
        raise ConflictError(_("Attendance for this session is already closed."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    if session.start_dt > now:
        raise ValidationError(_("This session has not started yet."))
    changes = Changes()
    for booking in db.session.scalars(
            select(Booking).where(Booking.session_id == session.id,
                                  Booking.status == BookingStatus.BOOKED,
                                  Booking.attendance.is_(None))):
        before = audit.snapshot(booking, BOOKING_FIELDS)
        booking.attendance = Attendance.NO_SHOW
        booking.attendance_dt = now
        db.session.flush()
        audit.record("booking.attendance", booking, actor=actor, before=before,
                     after=audit.snapshot(booking, BOOKING_FIELDS), note="closing", now=now)
        changes.no_shows.append(booking)
    for booking in waitlist(session):
        # the next class offered to them (desk.events.followups) still stands
        notices.cancel_pending(booking, now=now, templates=notices.OWN_SESSION_TEMPLATES)
    session.attendance_closed_dt = now
    if session.status == SessionStatus.SCHEDULED:
        session.status = SessionStatus.COMPLETED
    session_changed(session, now=now)
    db.session.flush()
    audit.record("session.close_attendance", session, actor=actor,
                 after={"attendance_closed_dt": now.isoformat(),
                        "status": session.status.value}, now=now)
    return changes


def booking_status_label(status):
    from desk.events.labels import BOOKING_STATUS_LABELS

    return str(BOOKING_STATUS_LABELS[BookingStatus(status)])


__all__ = [
    "BookingClosedError", "BookingError", "BookingResult", "Changes", "MoveError",
    "MoveResult",
    "book_public", "book_seat", "cancel_booking", "cancel_session_bookings", "check_open", "close_attendance",
    "find_booking", "fit_capacity", "move_booking", "move_slots", "promote_waitlist",
    "replan_session_messages",
    "set_anonymous_headcount", "set_attendance", "set_confirmation",
]
