"""Read-only look-ups of the news about new classes: a subscriber's list of classes,
a person's subscriptions, and the coordinators' counts per topic and district."""

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core.districts import all_districts
from desk.events import availability
from desk.events.labels import TOPIC_LABELS
from desk.events.models import (
    EventSession,
    NewsChannel,
    NewsStopSource,
    NewsSubscription,
    SessionKind,
    SessionStatus,
)
from desk.events.news_digest import active_subscriptions, matching
from desk.extensions import db
from desk.people.labels import CONSENT_METHOD_LABELS

CHANNEL_LABELS = {
    NewsChannel.SMS: _l("Text message (SMS)"),
    NewsChannel.VOICE: _l("Voice call"),
    NewsChannel.EMAIL: _l("E-mail"),
}
STOP_LABELS = {
    NewsStopSource.SMS_REPLY: _l("Replied STOP"),
    NewsStopSource.LINK: _l("Stop link"),
    NewsStopSource.STAFF: _l("Staff"),
    NewsStopSource.MERGED: _l("Records merged"),
    NewsStopSource.ERASED: _l("Details deleted"),
}
LABELS = {"news_channel_labels": CHANNEL_LABELS, "news_stop_labels": STOP_LABELS,
          "topic_labels": TOPIC_LABELS, "consent_method_labels": CONSENT_METHOD_LABELS}
LIST_LIMIT = 30


def upcoming_for(subscription, *, now):
    """The classes the subscriber can book now that match their topics and area (the
    page the digest links to), in start order, at most LIST_LIMIT."""
    sessions = db.session.scalars(
        select(EventSession)
        .where(EventSession.kind == SessionKind.CLASS,
               EventSession.status == SessionStatus.SCHEDULED, EventSession.start_dt > now)
        .order_by(EventSession.start_dt, EventSession.id)).unique().all()
    found = matching(subscription, sessions)[:LIST_LIMIT]
    return found, availability.of_sessions(found)


def subscriptions_of(person):
    """The person's subscriptions, the active one first, then the latest."""
    return db.session.scalars(
        select(NewsSubscription).where(NewsSubscription.person_id == person.id)
        .order_by(NewsSubscription.stopped_dt.is_not(None), NewsSubscription.id.desc())
    ).unique().all()


def subscriptions_by_id(ids):
    if not ids:
        return []
    return db.session.scalars(select(NewsSubscription).where(NewsSubscription.id.in_(ids))
                              .order_by(NewsSubscription.id)).unique().all()


def counts():
    """The active subscribers per topic and district, for the coordinators: {"topics":
    [(label, count)], "districts": [(name, count)], "channels": [(label, count)],
    "total": n}. A subscriber of several topics counts once for each; one who chose
    no district counts for their own district, or "whole city" without one."""
    by_topic, by_district, by_channel = Counter(), Counter(), Counter()
    subscriptions = active_subscriptions()
    for subscription in subscriptions:
        by_topic.update(subscription.topics)
        by_channel[subscription.channel] += 1
        area = subscription.area()
        by_district.update(area if area is not None else [None])
    districts = [(district.display_name, by_district[district.id])
                 for district in all_districts()]
    return {"topics": [(label, by_topic[topic]) for topic, label in TOPIC_LABELS.items()],
            "districts": [*districts, (_l("Whole city"), by_district[None])],
            "channels": [(label, by_channel[channel])
                         for channel, label in CHANNEL_LABELS.items()],
            "total": len(subscriptions)}
