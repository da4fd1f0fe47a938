"""The waiting list followed up: a party still waiting when its session started is
offered the next matching class, once.

After a session has started (and within DESK_FOLLOWUP_HOURS of its start; held or
not, never cancelled), every booking still on its waiting list gets one `WaitlistFollowUp` (`run_followups`, a periodic job
registered with desk.notify.tasks; safe to run twice or concurrently: the row is unique
per booking and made under the started session's lock). The class offered is the first
that takes public bookings now, has not started, has seats free for the whole party and
no active booking of the person, within HORIZON (60 days):
1. the next session of the same program, else
2. the next session of another program of the same level (Program.level) at a venue of
   the same district as the venue the party waited at (the person's own district is
   often not recorded; the venue they chose to travel to always is).
Nothing matched: the row says so (state `none`, for the coordinators' figures) and no
message goes out. Otherwise one message (BookingTemplate.FOLLOWUP_OFFERED) on the
person's channel: SMS "reply 1", a call "press 1", e-mail with a link to the one-button
page `/bookings/<token>/followup`.

The offer holds no seat: the class may fill up meanwhile. Taking it (`take_followup`)
locks both sessions (in id order, as every move does), checks again and moves the
booking to the class offered (desk.events.bookings.move_booking): the booking keeps its
code and link, and the move's own message confirms it. A full class, one that started
or a booking no longer waiting refuse with OfferClosedError and what to do. Nothing here
commits except `run_followups`.
"""

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from desk.core import audit
from desk.core.db import write_intent
from desk.core.timeutil import utcnow
from desk.events import availability, bookings, notices
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingChannel,
    BookingStatus,
    EventSession,
    FollowUpState,
    Program,
    SessionStatus,
    Venue,
    WaitlistFollowUp,
)
from desk.events.notices import BookingTemplate
from desk.events.offers import OfferClosedError
from desk.extensions import db
from desk.notify import planning

logger = logging.getLogger("desk.events")

FOLLOWUP_FIELDS = ("booking_id", "session_id", "target_session_id", "state", "decided_dt")
CANDIDATES = 20  # sessions looked at per step, in start order
HORIZON = timedelta(days=60)  # a class further ahead is no answer to waiting now


def followup_of(booking):
    """The booking's follow-up, or None."""
    return db.session.scalar(select(WaitlistFollowUp)
                             .where(WaitlistFollowUp.booking_id == booking.id))


def is_takeable(followup, *, now):
    return (followup is not None and followup.is_open and followup.target_session is not None
            and followup.target_session.status == SessionStatus.SCHEDULED
            and followup.target_session.start_dt > now
            and followup.booking.status == BookingStatus.WAITLISTED
            and followup.booking.session_id == followup.session_id)


# -- choosing the class ---------------------------------------------------------------------

def _fits(candidate, booking, *, counts, booked_at, now):
    try:
        bookings.check_open(candidate, channel=BookingChannel.WEB, now=now)
    except bookings.BookingError:
        return False
    return (not candidate.has_reserved_slots
            and counts[candidate.id].free >= booking.seats
            and candidate.id not in booked_at)


def _first_fitting(statement, booking, *, now):
    """The first candidate with room for the party where the person has no booking yet
    (the seats of all candidates counted together, availability.of_sessions)."""
    candidates = db.session.scalars(statement.limit(CANDIDATES)).all()
    if not candidates:
        return None
    counts = availability.of_sessions(candidates)
    booked_at = set(db.session.scalars(select(Booking.session_id).where(
        Booking.person_id == booking.person_id,
        Booking.session_id.in_([candidate.id for candidate in candidates]),
        Booking.status.in_(ACTIVE_BOOKING_STATUSES))))
    return next((candidate for candidate in candidates
                 if _fits(candidate, booking, counts=counts, booked_at=booked_at, now=now)),
                None)


def matching_session(booking, *, now):
    """The class to offer a party waiting for `booking.session`, or None."""
    waited = booking.session
    program = waited.program
    if program is None:
        return None
    upcoming = (select(EventSession)
                .where(EventSession.status == SessionStatus.SCHEDULED,
                       EventSession.start_dt > now, EventSession.start_dt <= now + HORIZON,
                       EventSession.id != waited.id)
                .order_by(EventSession.start_dt, EventSession.id))
    same = _first_fitting(upcoming.where(EventSession.program_id == program.id), booking,
                          now=now)
    if same is not None or waited.venue.district_id is None:
        return same
    return _first_fitting(
        upcoming.join(Program, Program.id == EventSession.program_id)
        .join(Venue, Venue.id == EventSession.venue_id)
        .where(Program.level == program.level, Program.id != program.id,
               Venue.district_id == waited.venue.district_id), booking, now=now)


# -- following up ----------------------------------------------------------------------------

def follow_up(booking, *, actor, now):
    """The follow-up of a booking still waiting at its session's start: made once, under
    the session's lock, with the message offering the class found. None when the booking
    is not (or no longer) one to follow up."""
    session = bookings.lock_session(booking.session)
    db.session.refresh(booking)
    if (booking.status != BookingStatus.WAITLISTED or booking.session_id != session.id
            or session.status == SessionStatus.CANCELLED or session.start_dt > now
            or followup_of(booking) is not None):
        return None
    target = matching_session(booking, now=now)
    followup = WaitlistFollowUp(
        booking_id=booking.id, session_id=session.id,
        target_session_id=target.id if target is not None else None, seats=booking.seats,
        state=FollowUpState.OPEN if target is not None else FollowUpState.NONE,
        created_dt=now)
    db.session.add(followup)
    db.session.flush()
    audit.record("followup.create", followup, actor=actor,
                 after=audit.snapshot(followup, FOLLOWUP_FIELDS), now=now)
    if target is not None:
        planning.queue(planning.person_message_values(
            BookingTemplate.FOLLOWUP_OFFERED, person=booking.person, topic=notices.TOPIC,
            topic_id=booking.id, due=now, now=now, not_after=target.start_dt))
    return followup


def due_bookings(*, now):
    """The ids of the bookings still waiting at a session started within
    DESK_FOLLOWUP_HOURS and not followed up yet."""
    since = now - timedelta(hours=current_app.config["DESK_FOLLOWUP_HOURS"])
    done = select(WaitlistFollowUp.id).where(WaitlistFollowUp.booking_id == Booking.id)
    return list(db.session.scalars(
        select(Booking.id).join(EventSession, EventSession.id == Booking.session_id)
        .where(Booking.status == BookingStatus.WAITLISTED,
               EventSession.status != SessionStatus.CANCELLED,
               EventSession.start_dt <= now, EventSession.start_dt > since,
               ~done.exists())
        .order_by(EventSession.start_dt, Booking.queue_dt, Booking.id)))


def run_followups(*, now=None, actor="system"):
    """Scheduled: follow up every booking due, each in a transaction of its own
    (committed). Returns the ids of the follow-ups made."""
    now = now or utcnow()
    db.session.rollback()
    ids = due_bookings(now=now)
    db.session.rollback()
    made = []
    for booking_id in ids:
        try:
            with write_intent():
                booking = db.session.get(Booking, booking_id)
                followup = (follow_up(booking, actor=actor, now=now)
                            if booking is not None else None)
                db.session.commit()
                if followup is not None:
                    made.append(followup.id)
        except Exception:
            db.session.rollback()
            logger.exception("following up booking %s failed; the next round tries again",
                             booking_id)
    return made


# -- taking it --------------------------------------------------------------------------------

def _locked(followup):
    """The follow-up re-read under the locks of both its sessions (id order)."""
    for session_id in sorted({followup.session_id, followup.target_session_id or 0} - {0}):
        bookings.lock_session(db.session.get(EventSession, session_id))
    db.session.refresh(followup)
    db.session.refresh(followup.booking)
    return followup


def _closed_message(followup, now):
    phone = current_app.config["DESK_DESK_PHONE"]
    target = followup.target_session
    if followup.state == FollowUpState.DECLINED:
        return _("You said you cannot come to this class. Questions: %(phone)s", phone=phone)
    if target is None or target.start_dt <= now or target.status != SessionStatus.SCHEDULED:
        return _("This class has already started or is no longer held, so it can no longer "
                 "be booked here. Questions: %(phone)s", phone=phone)
    return _("This offer can no longer be taken (the booking has changed). "
             "Questions: %(phone)s", phone=phone)


def take_followup(followup, *, channel, actor, now):
    """Move the booking to the class offered. Taking it again is no change; a full or
    started class, a declined offer or a booking no longer waiting is refused
    (OfferClosedError) with what to do. Returns the booking."""
    followup = _locked(followup)
    booking = followup.booking
    if followup.state == FollowUpState.TAKEN:
        return booking
    if not is_takeable(followup, now=now):
        raise OfferClosedError(_closed_message(followup, now))
    try:
        bookings.move_booking(booking, followup.target_session, channel=channel, actor=actor,
                              now=now, followup=True)
    except bookings.MoveError as error:
        if error.code == "session_full":
            raise OfferClosedError(_(
                "Sorry, this class is full now. Please call the desk: %(phone)s",
                phone=current_app.config["DESK_DESK_PHONE"])) from None
        raise OfferClosedError(error.message) from None
    _decide(followup, FollowUpState.TAKEN, "followup.taken", actor=actor, now=now)
    return booking


def decline_followup(followup, *, actor, now):
    """The party cannot come to the class offered; no change once it is decided."""
    followup = _locked(followup)
    if followup.is_open:
        _decide(followup, FollowUpState.DECLINED, "followup.declined", actor=actor, now=now)
        notices.cancel_pending(followup.booking, now=now,
                               templates=[BookingTemplate.FOLLOWUP_OFFERED])
    return followup


def target_cancelled(session, *, now):
    """The class offered was cancelled (under its lock): the messages offering it that
    have not gone out are dropped (the offers stay, refused if taken). Returns how many
    follow-ups were open."""
    open_ = list(db.session.scalars(select(WaitlistFollowUp).where(
        WaitlistFollowUp.target_session_id == session.id,
        WaitlistFollowUp.state == FollowUpState.OPEN)))
    for followup in open_:
        notices.cancel_pending(followup.booking, now=now,
                               templates=[BookingTemplate.FOLLOWUP_OFFERED])
    return len(open_)


def _decide(followup, state, action, *, actor, now):
    before = audit.snapshot(followup, FOLLOWUP_FIELDS)
    followup.state = state
    followup.decided_dt = now
    db.session.flush()
    audit.record(action, followup, actor=actor, before=before,
                 after=audit.snapshot(followup, FOLLOWUP_FIELDS), now=now)


__all__ = ["decline_followup", "follow_up", "followup_of", "matching_session",
           "run_followups", "take_followup"]
