"""The schedule: districts, venues, programs, sessions and recurring series; bookings
and their messages (registered with notify on import: desk.events.outbox); receivers
for the resident registry (a person's bookings on their page and in their disclosure,
and their bookings when two records of one resident are merged) and for moved
sessions."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from desk.core import retention
from desk.events import notices, outbox, signals, surveys  # noqa: F401  (outbox registers)
from desk.events.models import Booking, EventSession, SurveyInvitation
from desk.notify.models import OutboxMessage
from desk.people import registry
from desk.people import signals as people_signals

logger = logging.getLogger("desk.events")

registry.register_reference(Booking, "person_id", label=_l("Bookings"))
registry.register_reference(Booking, "proxy_id", label=_l("Bookings made by a proxy contact"),
                            moves_on_merge=False)
registry.register_link(OutboxMessage, kind_column="topic", kind=notices.TOPIC,
                       id_column="topic_id", target=Booking)
registry.register_secret(Booking, "token")
registry.register_secret(Booking, "request_key")  # with the same details, opens the booking
# the online survey after a class: disclosed with its booking, its link withheld
registry.register_dependent(SurveyInvitation, "booking_id", label=_l("Online survey answers"))
registry.register_link(OutboxMessage, kind_column="topic", kind=surveys.TOPIC,
                       id_column="topic_id", target=SurveyInvitation)
registry.register_secret(SurveyInvitation, "token")


def _survey_links_before(cutoff):
    """A survey's link once it closed: it opens nothing any more."""
    return and_(SurveyInvitation.expires_dt < cutoff, SurveyInvitation.token.is_not(None))


def _survey_texts_before(cutoff):
    """Free text can name people: it goes; the answers that are counted stay."""
    return and_(SurveyInvitation.answered_dt < cutoff, SurveyInvitation.next_text.is_not(None))


retention.register(
    "survey_links", label=_l("Links of the online survey after a class, once closed"),
    unit=retention.DAYS, default=30,
    **retention.blanking(SurveyInvitation, _survey_links_before, token=None),
    what_happens=_l("Removed; the answers stay"), order=31)
retention.register(
    "survey_texts", label=_l("Free text of online survey answers"),
    unit=retention.DAYS, default=365,
    **retention.blanking(SurveyInvitation, _survey_texts_before, next_text=None),
    what_happens=_l("Blanked; the answers that are counted stay"), order=32)


@registry.activity
def _booked_since(cutoff):
    """Booked since the cutoff, or for a session since then."""
    return (select(Booking.person_id.label("person_id"))
            .join(EventSession, EventSession.id == Booking.session_id)
            .where(or_(Booking.created_dt >= cutoff, EventSession.start_dt >= cutoff)))


def _booking_labels():
    from desk.events import labels

    return {"booking_status_labels": labels.BOOKING_STATUS_LABELS,
            "cancel_reason_labels": labels.CANCEL_REASON_LABELS,
            "attendance_labels": labels.ATTENDANCE_LABELS,
            "channel_labels": labels.CHANNEL_LABELS}


@registry.person_page_section("staff/_person_bookings.html")
def _person_bookings(person):
    from desk.events import queries

    return {"person": person, "bookings": queries.person_bookings(person), **_booking_labels()}


@registry.disclosure_section("staff/_disclosure_bookings.html")
def _disclosed_bookings(disclosure):
    from desk.events import queries

    return {"bookings": queries.bookings_by_session_start(disclosure.ids("bookings")),
            **_booking_labels()}


@registry.merge_preview_section("staff/_merge_bookings.html")
def _merge_conflicts(keep, drop):
    from desk.events import merging

    return {"conflicts": merging.booking_conflicts(keep, drop), **_booking_labels()}


@people_signals.merging.connect
def _settle_duplicate_bookings(keep, *, drop, actor, now):
    from desk.events import merging

    return merging.settle_duplicates(keep, drop, actor=actor, now=now)


@people_signals.erasing.connect
def _cancel_future_bookings(person, *, actor, now):
    from desk.events import erasure

    return erasure.cancel_future_bookings(person, actor=actor, now=now)


@people_signals.erasing.connect
def _anonymise_surveys(person, *, actor, now):
    from desk.events import erasure

    return erasure.anonymise_surveys(person, now=now)


@people_signals.merged.connect
def _move_bookings(keep, *, drop, actor, now):
    return registry.repoint(Booking, "person_id", keep=keep, drop=drop)


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The bookings' messages still waiting must not go out after the new start."""
    notices.retime_session(session, now=now)
