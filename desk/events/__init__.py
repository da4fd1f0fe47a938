"""The schedule: districts, venues, programs, sessions and recurring series; bookings
and their messages (registered with notify on import: desk.events.outbox); receivers
for the resident registry (a person's bookings on their page and in their disclosure,
and their bookings when two records of one resident are merged) and for moved
sessions. Outreach requests (desk.events.outreach): their messages to the contact
person (desk.events.outreach_messages), whose details are personal data with a
retention period, in the disclosure and the erasure of a resident with the same phone
number or e-mail address."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from desk.core import audit, retention
from desk.events import (  # noqa: F401  (outbox registers on import)
    notices,
    offers,
    outbox,
    signals,
    surveys,
)
from desk.events.models import (
    Booking,
    EventSession,
    NewsDelivery,
    NewsSubscription,
    OutreachRequest,
    OutreachStatus,
    SeatOffer,
    SurveyInvitation,
    WaitlistFollowUp,
)
from desk.extensions import db
from desk.notify import tasks as notify_tasks
from desk.notify.models import OutboxMessage
from desk.people import registry
from desk.people import signals as people_signals

logger = logging.getLogger("desk.events")

registry.register_reference(Booking, "person_id", label=_l("Bookings"))
registry.register_reference(Booking, "proxy_id", label=_l("Bookings made by a proxy contact"),
                            moves_on_merge=False)
registry.register_link(OutboxMessage, kind_column="topic", kind=notices.TOPIC,
                       id_column="topic_id", target=Booking)
registry.register_dependent(SeatOffer, "booking_id", label=_l("Seats offered from the waiting list"))
registry.register_dependent(WaitlistFollowUp, "booking_id",
                            label=_l("Next classes offered after waiting at the start"))
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

# the news about new classes (desk.events.news, desk.events.news_digest)
registry.register_reference(NewsSubscription, "person_id",
                            label=_l("Subscriptions to news about new classes"))
registry.register_dependent(NewsDelivery, "subscription_id", label=_l("News sent"))
registry.register_link(OutboxMessage, kind_column="topic", kind="news",
                       id_column="topic_id", target=NewsDelivery)
registry.register_secret(NewsSubscription, "token")


def _stopped_before(cutoff):
    return NewsSubscription.stopped_dt < cutoff


retention.register(
    "news_subscriptions", label=_l("Stopped subscriptions to news about new classes"),
    unit=retention.DAYS, default=365, **retention.deleting(NewsSubscription, _stopped_before),
    what_happens=_l("Deleted with what each news told (the messages stay as sent)"), order=30)


def _news_digest(*, now):
    from desk.events import news_digest

    return news_digest.run_digest(now=now)


notify_tasks.register_periodic("news_digest", _news_digest)


@registry.activity
def _subscribed_since(cutoff):
    """A subscription agreed to (or changed) since the cutoff: the resident was in
    touch. Receiving the news is not: a resident with nothing else for the whole period
    is anonymised, which stops the news."""
    return select(NewsSubscription.person_id.label("person_id")).where(
        NewsSubscription.consent_dt >= cutoff)


@registry.person_page_section("staff/_person_news.html")
def _person_news(person):
    from desk.events import news_forms, news_queries

    return {"person": person, "news": news_queries.subscriptions_of(person),
            "news_form": news_forms.StaffNewsForm(prefix="news",
                                                  data=news_forms.initial(person)),
            **news_queries.LABELS}


@registry.disclosure_section("staff/_disclosure_news.html")
def _disclosed_news(disclosure):
    from desk.events import news_queries

    return {"news": news_queries.subscriptions_by_id(disclosure.ids("news_subscriptions")),
            **news_queries.LABELS}


def _expire_offers(*, now):
    """An offer's deadline passing: checked with every sweep of the dispatcher's runner
    (the ids of the offers expired, or None when there were none)."""
    return offers.expire_due(now=now) or None


notify_tasks.register_periodic("seat_offers.expire", _expire_offers)


audit.personal_fields("outreach_requests", *OutreachRequest.CONTACT_FIELDS)


def _outreach_contacts_before(cutoff):
    """Closed (scheduled or declined) and unchanged since the cutoff."""
    return (OutreachRequest.status.in_((OutreachStatus.SCHEDULED, OutreachStatus.DECLINED))
            & (OutreachRequest.updated_dt < cutoff)
            & OutreachRequest.contact_removed_dt.is_(None))


def _purge_outreach_contacts(cutoff, now):
    """Blank the contact details only: the audit entries keep them for the audit log's
    own period (`audit_snapshots`), and the messages' addresses go with theirs
    (`outbox_contents`), so that each class counts what its own purge changes."""
    return retention.blank(OutreachRequest, _outreach_contacts_before(cutoff),
                           **dict.fromkeys(OutreachRequest.CONTACT_FIELDS), contact_removed_dt=now)


def _count_outreach_contacts(cutoff):
    return db.session.scalar(select(func.count()).select_from(OutreachRequest).where(
        _outreach_contacts_before(cutoff)))


retention.register(
    "outreach_contacts", label=_l("Contact persons of outreach requests"),
    unit=retention.DAYS, default=365, count=_count_outreach_contacts,
    purge=_purge_outreach_contacts,
    what_happens=_l("Name, reading, phone and e-mail blanked; the request, its group and "
                    "its figures stay"), order=22)


def _outreach_requests_of(person):
    contacts = [OutreachRequest.contact_phone == person.phone] if person.phone else []
    if person.email:
        contacts.append(OutreachRequest.contact_email == person.email)
    if not contacts:
        return []
    return db.session.scalars(select(OutreachRequest).where(or_(*contacts))
                              .order_by(OutreachRequest.received_dt)).all()


@registry.disclosure_section("staff/_disclosure_outreach.html")
def _disclosed_outreach_requests(disclosure):
    from desk.events import labels

    return {"outreach_requests": _outreach_requests_of(disclosure.person),
            "outreach_status_labels": labels.OUTREACH_STATUS_LABELS}


@people_signals.erasing.connect
def _erase_outreach_contacts(person, *, actor, now):
    from desk.events import outreach

    found = [request for request in _outreach_requests_of(person)
             if request.contact_removed_dt is None]
    for request in found:
        outreach.blank_contact(request, actor=actor, now=now)
    return {"outreach_contacts_blanked": len(found)} if found else None


def _follow_up_waitlists(*, now):
    """The parties still waiting when their session started: offered the next matching
    class once (the ids of the follow-ups made, or None when there were none)."""
    from desk.events import followups

    return followups.run_followups(now=now) or None


notify_tasks.register_periodic("waitlist_followups", _follow_up_waitlists)


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


@people_signals.merging.connect
def _settle_news(keep, *, drop, actor, now):
    from desk.events import news

    news.settle_merge(keep, drop, now=now)


@people_signals.merged.connect
def _move_news(keep, *, drop, actor, now):
    return registry.repoint(NewsSubscription, "person_id", keep=keep, drop=drop)


@people_signals.erasing.connect
def _stop_news(person, *, actor, now):
    from desk.events import news

    return news.stop_for_erasure(person, now=now)


@signals.session_cancelled.connect
def _withdraw_followup_messages(session, *, actor, now):
    """A class offered to parties still waiting elsewhere is cancelled: its offers'
    messages still waiting are dropped."""
    from desk.events import followups

    return followups.target_cancelled(session, now=now)


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    """The bookings' messages still waiting must not go out after the new start."""
    notices.retime_session(session, now=now)
