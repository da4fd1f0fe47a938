"""Bookings when a resident is anonymised (the resident registry's `erasing` signal; the
receiver is in desk/events/__init__.py): their bookings for sessions not yet started are
cancelled, freed seats go to the waiting list as usual (the people promoted are told),
and the person is not told (they asked to hear nothing more, or have not been in touch
for years). Bookings of sessions that have started stay as they are, for the figures.
The fingerprints of the requests that made their bookings (a keyed hash of their name
and phone: desk.events.bookings.request_fingerprint) are removed; a repeat of such a
request is refused from then on. Their online survey answers (desk.events.surveys) lose
their link and their free text (`anonymise_surveys`); the counted answers stay, as
anonymous as a paper sheet, and a survey message still waiting is cancelled."""

from sqlalchemy import select, update

from desk.events import bookings, surveys
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    CancelReason,
    EventSession,
    SurveyInvitation,
)
from desk.extensions import db
from desk.notify import planning


def cancel_future_bookings(person, *, actor, now):
    future = db.session.scalars(
        select(Booking).join(EventSession, EventSession.id == Booking.session_id)
        .where(Booking.person_id == person.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES),
               EventSession.start_dt > now)
        .order_by(Booking.session_id)).unique().all()
    promoted = 0
    for booking in future:
        changes = bookings.cancel_booking(booking, reason=CancelReason.PERSON, actor=actor,
                                          now=now, notify=False)
        promoted += len(changes.promoted)
    fingerprints = db.session.execute(
        update(Booking).where(Booking.person_id == person.id,
                              Booking.request_fingerprint.is_not(None))
        .values(request_fingerprint=None).execution_options(synchronize_session="fetch"))
    return {"bookings_cancelled": len(future), "bookings_promoted": promoted,
            "request_fingerprints_removed": fingerprints.rowcount}


def anonymise_surveys(person, *, now):
    of_person = select(SurveyInvitation.id).join(
        Booking, Booking.id == SurveyInvitation.booking_id).where(
        Booking.person_id == person.id)
    cancelled = planning.cancel_queued(surveys.TOPIC, of_person, now=now)
    blanked = db.session.execute(
        update(SurveyInvitation).where(SurveyInvitation.id.in_(of_person),
                                       SurveyInvitation.token.is_not(None)
                                       | SurveyInvitation.next_text.is_not(None))
        .values(token=None, next_text=None).execution_options(synchronize_session="fetch"))
    return {"survey_messages_cancelled": cancelled, "survey_links_removed": blanked.rowcount}
