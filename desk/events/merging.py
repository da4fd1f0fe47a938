"""Bookings when two records of one resident are merged (the resident registry's
`merging` and `merged` signals; the receivers are in desk/events/__init__.py).

A person has at most one active booking per session, so where both records were booked
for one session one booking stays (the one attended on, else the earlier) and the
other is cancelled before the bookings move; then every booking of the dropped record
moves to the kept one.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from desk.core import audit
from desk.core.i18n import format_date_long
from desk.events import bookings, notices
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    Attendance,
    Booking,
    CancelReason,
)
from desk.extensions import db
from desk.people.signals import MergeChanges


@dataclass
class BookingConflict:
    """Both records had an active booking for the same session: one stays."""

    kept: Booking
    dropped: Booking

    @property
    def session(self):
        return self.kept.session


def _stays(booking):
    """Which of two bookings for one session stays: the one the person attended on,
    else the earlier one (queue time, then id)."""
    return (booking.attendance != Attendance.ATTENDED, booking.queue_dt, booking.id)


def _active(person):
    return {booking.session_id: booking for booking in db.session.scalars(
        select(Booking).where(Booking.person_id == person.id,
                              Booking.status.in_(ACTIVE_BOOKING_STATUSES))).unique()}


def booking_conflicts(keep, drop):
    """[BookingConflict] for the sessions both records have an active booking for, in
    the sessions' order."""
    kept, dropped = _active(keep), _active(drop)
    conflicts = []
    for session_id in sorted(kept.keys() & dropped.keys()):
        first, second = sorted((kept[session_id], dropped[session_id]), key=_stays)
        conflicts.append(BookingConflict(kept=first, dropped=second))
    return sorted(conflicts, key=lambda item: (item.session.start_dt, item.session.id))


def _lock_sessions(drop):
    """Lock the sessions `drop` holds an active booking at, in id order (book_seat locks
    a session before it looks at a person's bookings; the people are locked already)."""
    for booking in db.session.scalars(
            select(Booking).where(Booking.person_id == drop.id,
                                  Booking.status.in_(ACTIVE_BOOKING_STATUSES))
            .order_by(Booking.session_id)).unique().all():
        bookings.lock_session(booking.session)


def _cancel_duplicate(booking, *, actor, now):
    """Cancel the duplicate of two bookings for one session. While the roster is open
    this is an ordinary cancellation (its seats go to the waiting list, nobody is told);
    once attendance is recorded the duplicate is only marked cancelled, so that the kept
    booking carries the attendance. Returns the bookings promoted."""
    if booking.attendance is None and not booking.session.is_attendance_closed:
        return bookings.cancel_booking(booking, reason=CancelReason.MERGED, actor=actor,
                                       now=now, notify=False).promoted
    before = audit.snapshot(booking, bookings.BOOKING_FIELDS)
    bookings.mark_cancelled(booking, CancelReason.MERGED, now=now)
    booking.attendance = None
    booking.attendance_dt = None
    db.session.flush()
    audit.record("booking.cancel", booking, actor=actor, before=before,
                 after=audit.snapshot(booking, bookings.BOOKING_FIELDS), note="merged", now=now)
    notices.cancel_pending(booking, now=now)
    return []


def settle_duplicates(keep, drop, *, actor, now):
    """Before the bookings move: lock the sessions and cancel the duplicate of every two
    active bookings for one session (promoting the waiting list)."""
    _lock_sessions(drop)
    cancelled, promoted = [], []
    for conflict in booking_conflicts(keep, drop):
        promoted += _cancel_duplicate(conflict.dropped, actor=actor, now=now)
        cancelled.append(conflict.dropped)
    notices = [_("Both records were booked for %(title)s on %(date)s: booking %(code)s was "
                 "cancelled, the other booking stays.", title=booking.session.display_title,
                 date=format_date_long(booking.session.start_dt), code=booking.display_code)
               for booking in cancelled]
    if promoted:
        notices.append(ngettext(
            "%(num)d booking moved up from the waiting list into the freed seats.",
            "%(num)d bookings moved up from the waiting list into the freed seats.",
            len(promoted)))
    return MergeChanges(cancelled=cancelled, promoted=promoted, notices=notices,
                        audit={"cancelled_bookings": [booking.id for booking in cancelled]})
