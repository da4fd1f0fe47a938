"""Seats freed close to the start: offered to the waiting list in turn, not given.

A seat freed earlier than DESK_OFFER_WINDOW_HOURS before a session goes to the waiting
list at once, in arrival order (desk.events.bookings.promote_waitlist). A seat freed
later is more likely to go to someone who can no longer come, so it is offered
instead: the first waiting party it fits gets a `SeatOffer` and a message on their
channel (SMS "reply 1", a call "press 1", e-mail with a link to the offer's page),
and the seat is held for them until the offer's deadline (DESK_OFFER_MINUTES after the
offer, never after the start; desk.events.availability counts an open offer's seats
as taken). Taking the offer books the seat; declining it (reply or key 2, or the page)
or letting the deadline pass offers it to the next party that fits. Each waiting
booking is offered a seat of a session once: whoever declined or let an offer expire
stays on the waiting list, and a seat nobody waiting was offered yet stays free for
whoever books next. Sessions with reserved times (consultation slots) keep the direct
promotion.

Every change locks the session row first (bookings.lock_session), so an offer is
taken once, a deadline passing and a late "1" never both win, and the seats never
exceed the capacity. Expiry is scheduled work (`expire_due`, registered with
desk.notify.tasks): it finds the open offers past their deadline and settles each in
its own transaction, safe to run twice or concurrently. Nothing else here commits.
"""

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from desk.core import audit
from desk.core.db import write_intent
from desk.core.errors import ConflictError
from desk.core.i18n import format_local, format_time
from desk.core.timeutil import same_local_day, utcnow
from desk.events import availability, bookings, notices
from desk.events.models import (
    BookingStatus,
    OfferState,
    SeatOffer,
    SessionStatus,
)
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import planning
from desk.notify.spoken import spoken_date, spoken_time

logger = logging.getLogger("desk.events")

OFFER_FIELDS = ("booking_id", "seats", "state", "expires_dt", "decided_dt")


class OfferClosedError(ConflictError):
    """The offer can no longer be taken; the message says why and what to do."""

    code = "offer_closed"


# -- reading ----------------------------------------------------------------------------------

def window():
    return timedelta(hours=current_app.config["DESK_OFFER_WINDOW_HOURS"])


def offers_instead(session, *, now):
    """Whether a seat of `session` freed now is offered rather than given: close to the
    start, at a session without reserved times."""
    return not session.has_reserved_slots and session.start_dt - now < window()


def open_offer(booking):
    """The booking's open offer, or None."""
    return db.session.scalar(select(SeatOffer).where(SeatOffer.booking_id == booking.id,
                                                     SeatOffer.state == OfferState.OPEN))


def latest_offer(booking):
    """The booking's latest offer (open or not), or None."""
    return db.session.scalar(select(SeatOffer).where(SeatOffer.booking_id == booking.id)
                             .order_by(SeatOffer.offered_dt.desc(), SeatOffer.id.desc())
                             .limit(1))


def is_takeable(offer, *, now):
    return (offer is not None and offer.is_open and offer.expires_dt > now
            and offer.session.start_dt > now)


def deadline_text(offer):
    """'13:30' when the deadline is on the session's day, else '12/2 18:00' (short: it
    goes into a one-segment SMS)."""
    if same_local_day(offer.expires_dt, offer.session.start_dt):
        return format_time(offer.expires_dt)
    return f"{format_local(offer.expires_dt, 'Md')} {format_time(offer.expires_dt)}"


def spoken_deadline(offer):
    """The deadline as a call says it: the time, with the day when it is not the
    session's."""
    if same_local_day(offer.expires_dt, offer.session.start_dt):
        return spoken_time(offer.expires_dt)
    return f"{spoken_date(offer.expires_dt)} {spoken_time(offer.expires_dt)}"


# -- offering ---------------------------------------------------------------------------------

def _offered_bookings(session):
    return set(db.session.scalars(select(SeatOffer.booking_id)
                                  .where(SeatOffer.session_id == session.id)))


def offer_free_seats(session, *, actor, now):
    """Offer the free seats of `session` to the waiting parties not offered one yet, in
    arrival order (a party too large is skipped for the next). Under the session's
    lock; nothing once the session has started. Returns the new offers."""
    session = bookings.lock_session(session)
    if session.status != SessionStatus.SCHEDULED or session.start_dt <= now:
        return []
    free = availability.places_free(session)
    if free <= 0:
        return []
    offered = _offered_bookings(session)
    waiting = [booking for booking in bookings.waitlist(session) if booking.id not in offered]
    expires = min(now + timedelta(minutes=current_app.config["DESK_OFFER_MINUTES"]),
                  session.start_dt)
    made = []
    for booking in bookings.to_promote(waiting, free):
        offer = SeatOffer(session_id=session.id, booking_id=booking.id, seats=booking.seats,
                          state=OfferState.OPEN, offered_dt=now, expires_dt=expires)
        db.session.add(offer)
        db.session.flush()
        audit.record("offer.create", offer, actor=actor,
                     after=audit.snapshot(offer, OFFER_FIELDS), now=now)
        planning.queue(planning.person_message_values(
            BookingTemplate.SEAT_OFFERED, person=booking.person, topic=notices.TOPIC,
            topic_id=booking.id, due=now, now=now, not_after=expires))
        made.append(offer)
    return made


def _close(offer, state, action, *, actor, now, note=None):
    before = audit.snapshot(offer, OFFER_FIELDS)
    offer.state = state
    offer.decided_dt = now
    db.session.flush()
    audit.record(action, offer, actor=actor, before=before,
                 after=audit.snapshot(offer, OFFER_FIELDS), note=note, now=now)
    notices.cancel_pending(offer.booking, now=now, templates=[BookingTemplate.SEAT_OFFERED])


def _locked_offer(offer):
    """The offer re-read under its session's lock (what another transaction did to it
    before the lock is seen)."""
    bookings.lock_session(offer.session)
    db.session.refresh(offer)
    db.session.refresh(offer.booking)
    return offer


def take_offer(offer, *, actor, now):
    """Book the offered seat for the party offered it. Taking it again is no change;
    an offer past its deadline, declined, withdrawn, or of a session that started is
    refused (OfferClosedError) with what to do instead. Returns the booking."""
    offer = _locked_offer(offer)
    booking = offer.booking
    if offer.state == OfferState.TAKEN:
        return booking
    if is_takeable(offer, now=now) and booking.status == BookingStatus.WAITLISTED \
            and booking.session_id == offer.session_id:
        _close(offer, OfferState.TAKEN, "offer.taken", actor=actor, now=now)
        return bookings.promote_booking(booking, offer.session, actor=actor, now=now,
                                        note="seat offer taken")
    raise OfferClosedError(_closed_message(offer, now))


def _closed_message(offer, now):
    phone = current_app.config["DESK_DESK_PHONE"]
    if offer.session.start_dt <= now:
        return _("The class has already started, so the seat can no longer be taken. "
                 "Questions: %(phone)s", phone=phone)
    if offer.state == OfferState.DECLINED:
        return _("You said you cannot come, so the seat went to the next person. "
                 "Questions: %(phone)s", phone=phone)
    return _("Sorry, the time to take this seat has passed (until %(deadline)s). You are "
             "still on the waiting list. Questions: %(phone)s",
             deadline=deadline_text(offer), phone=phone)


def decline_offer(offer, *, actor, now):
    """The party cannot come: the seat is offered to the next. Declining an offer no
    longer open is no change. Returns the new offers."""
    offer = _locked_offer(offer)
    if not offer.is_open:
        return []
    _close(offer, OfferState.DECLINED, "offer.declined", actor=actor, now=now)
    return offer_free_seats(offer.session, actor=actor, now=now)


def withdraw_for(booking, *, actor, now, note="booking cancelled"):
    """The booking was cancelled or moved away (under its session's lock): its open
    offer is withdrawn. Returns whether there was one (its seats are free again)."""
    offer = open_offer(booking)
    if offer is None:
        return False
    _close(offer, OfferState.WITHDRAWN, "offer.withdrawn", actor=actor, now=now, note=note)
    return True


def expire_offer(offer, *, actor, now):
    """The offer's deadline has passed: it expires and the seat goes to the next party.
    No change for an offer no longer open or not yet due. Returns whether it expired."""
    offer = _locked_offer(offer)
    if not offer.is_open or offer.expires_dt > now:
        return False
    _close(offer, OfferState.EXPIRED, "offer.expired", actor=actor, now=now)
    offer_free_seats(offer.session, actor=actor, now=now)
    return True


def expire_due(*, now=None, actor="system"):
    """Scheduled: expire every open offer past its deadline, each in a transaction of
    its own (committed), and offer the seats on. Returns the ids expired."""
    now = now or utcnow()
    db.session.rollback()
    ids = list(db.session.scalars(
        select(SeatOffer.id).where(SeatOffer.state == OfferState.OPEN,
                                   SeatOffer.expires_dt <= now).order_by(SeatOffer.id)))
    db.session.rollback()
    expired = []
    for offer_id in ids:
        try:
            with write_intent():
                offer = db.session.get(SeatOffer, offer_id)
                if offer is not None and expire_offer(offer, actor=actor, now=now):
                    expired.append(offer_id)
                db.session.commit()
        except Exception:
            db.session.rollback()
            logger.exception("expiring seat offer %s failed; the next round tries again",
                             offer_id)
    return expired


__all__ = ["OfferClosedError", "decline_offer", "expire_due", "expire_offer",
           "offer_free_seats", "offers_instead", "open_offer", "take_offer", "withdraw_for"]
