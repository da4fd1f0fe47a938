"""Hearing about new classes: a resident asks, on any channel (the public web page, the
kiosk after a booking, the end of a web booking, the staff phone desk), to hear about
new classes of chosen topics near them, by SMS, call or e-mail.

Consent is recorded on the subscription itself (when, how: web, kiosk, staff phone or
paper, and which staff member recorded it): it is separate from the consent to booking
reminders on the person, so that stopping one never stops the other. One active
subscription per person: asking again replaces the topics, area and channel and records
the consent anew. The channel must reach the person as recorded (SMS a mobile, a call a
phone, e-mail an address).

Stopping (`stop_news`) ends the subscription only: by 停止 / STOP in reply to a news SMS
(desk.events.news_digest, `answers_stop`), by the link in every digest (the token,
no login, one button), or by a coordinator. Messages of it still waiting are cancelled.
The digest itself is desk.events.news_digest.
"""

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core import audit
from desk.core.districts import District
from desk.core.errors import DeskError, ValidationError
from desk.core.validation import Checker
from desk.events.models import (
    NewsChannel,
    NewsDelivery,
    NewsStopSource,
    NewsSubscription,
    Topic,
)
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from desk.people.models import ConsentMethod

TOPIC = "news"
FIELDS = ("person_id", "channel", "topic_list", "district_list", "consent_dt",
          "consent_method", "consent_actor_id", "stopped_dt", "stop_source")


def _list(raw):
    if raw is None or raw == "":
        return []
    return list(raw) if isinstance(raw, list | tuple | set) else [raw]


def subscription_values(data):
    """The clean topics, districts and channel, and the consent (a Checker's errors
    otherwise, all at once)."""
    checker = Checker(data)
    topics = []
    for raw in _list(data.get("topics")):
        try:
            topics.append(Topic(raw))
        except ValueError:
            checker.fail("topics", _("Choose topics from the list."))
    if not topics and "topics" not in checker.errors:
        checker.fail("topics", _("Choose at least one topic."))
    districts = []
    for raw in _list(data.get("district_ids")):
        district = Checker({"id": raw}).reference("id", District, required=True, message="")
        if district is None:
            checker.fail("district_ids", _("Choose a district from the list."))
        else:
            districts.append(district.id)
    channel = checker.choice("channel", NewsChannel)
    if not checker.boolean("consent"):
        checker.fail("consent", _("Tick the box to agree to receive the news."))
    checker.done()
    return {"channel": channel,
            "topic_list": ",".join(sorted({str(topic) for topic in topics})),
            "district_list": ",".join(str(value) for value in sorted(set(districts)))}


_UNREACHABLE = {
    NewsChannel.SMS: _l("SMS needs a mobile phone number. Choose a call or e-mail."),
    NewsChannel.VOICE: _l("A call needs a phone number. Choose SMS or e-mail."),
    NewsChannel.EMAIL: _l("E-mail needs an e-mail address. Choose SMS or a call."),
}


def check_reachable(person, channel):
    """The channel must reach the person as recorded, by the rule of every message
    (desk.notify.planning.chosen_address; a ValidationError on `channel`)."""
    channel = NewsChannel(channel)
    if planning.chosen_address(person, channel) is None:
        message = str(_UNREACHABLE[channel])
        raise ValidationError(message, fields={"channel": message})


def automatic_channel(person):
    """The channel a kiosk offers without asking (desk.notify.planning.automatic_channel:
    SMS to a mobile, a call to a landline or IP phone, else e-mail); None when nothing
    reaches the person."""
    channel = planning.automatic_channel(person)
    return NewsChannel(str(channel)) if channel is not None else None


def subscribe_after_booking(booking, data, *, method, actor, now):
    """The offer at the end of a booking (web or kiosk): the booking's person, on the
    channel chosen, else the automatic one (the kiosk asks only for topics)."""
    person = booking.person
    channel = data.get("channel") or automatic_channel(person)
    if channel is None:
        message = _("We have no phone number or e-mail address to send the news to.")
        raise ValidationError(message, fields={"channel": message})
    return subscribe_news(person, {**data, "channel": channel}, method=method, actor=actor,
                          now=now)


def active_subscription(person):
    return db.session.scalar(select(NewsSubscription).where(
        NewsSubscription.person_id == person.id, NewsSubscription.stopped_dt.is_(None)))


def subscribe_news(person, data, *, method, actor, now):
    """Record that `person` wants the news (topics, districts, channel of `data`, and
    its consent), or change what they asked for before. Returns the subscription."""
    people_services.require_person(person)
    values = subscription_values(data)
    check_reachable(person, values["channel"])
    subscription = active_subscription(person)
    before = audit.snapshot(subscription, FIELDS) if subscription is not None else None
    if subscription is None:
        subscription = NewsSubscription(person_id=person.id, created_dt=now,
                                        token=secrets.token_urlsafe(9))
        db.session.add(subscription)
    subscription.channel = values["channel"]
    subscription.topic_list = values["topic_list"]
    subscription.district_list = values["district_list"]
    subscription.consent_dt = now
    subscription.consent_method = ConsentMethod(method)
    subscription.consent_actor_id = audit.actor_fields(actor)[0]
    db.session.flush()
    audit.record("news.subscribe", subscription, actor=actor, before=before,
                 after=audit.snapshot(subscription, FIELDS), now=now)
    return subscription


def subscribe_public(data, *, channel, method, now):
    """The public page and the kiosk's own form: the person is found by phone and
    reading, or created (desk.people.services.person_for_public_booking: nothing stored
    is shown or overwritten; consent to booking reminders is not touched), then
    subscribed. Every wrong field is said at once; nothing is written then."""
    errors = {}
    person_data = {name: value for name, value in data.items() if name != "consent"}
    for check in (lambda: people_services.person_values(person_data, require_phone=False),
                  lambda: subscription_values(data)):
        try:
            check()
        except DeskError as error:
            errors.update(error.fields)
    if not (data.get("phone") or data.get("email")) and "phone" not in errors:
        errors["phone"] = _("Enter a phone number or an e-mail address.")
    if errors:
        checker = Checker(data)
        checker.errors = errors
        checker.done()
    person = _person_for(person_data, channel=channel, method=method, now=now)
    return subscribe_news(person, data, method=method, actor=str(channel), now=now)


def _person_for(data, *, channel, method, now):
    if data.get("phone"):
        return people_services.person_for_public_booking(
            data, channel=channel, consent_method=method, actor=str(channel), now=now)
    return people_services.create_person(data, channel=channel, consent_method=method,
                                         actor=str(channel), now=now)


def _cancel_waiting(subscription, now):
    return planning.cancel_where(
        OutboxMessage.topic == TOPIC,
        OutboxMessage.topic_id.in_(select(NewsDelivery.id).where(
            NewsDelivery.subscription_id == subscription.id)), now=now)


def stop_news(subscription, *, source, actor, now):
    """End a subscription (its messages still waiting are cancelled); True when it was
    active. Booking reminders and every other message are not touched."""
    if not subscription.is_active:
        return False
    before = audit.snapshot(subscription, FIELDS)
    subscription.stopped_dt = now
    subscription.stop_source = NewsStopSource(source)
    db.session.flush()
    _cancel_waiting(subscription, now)
    audit.record("news.stop", subscription, actor=actor, before=before,
                 after=audit.snapshot(subscription, FIELDS), now=now)
    return True


def by_token(token):
    """The subscription of a link's token, or None."""
    if not isinstance(token, str) or len(token) > NewsSubscription.TOKEN_LENGTH:
        return None
    return db.session.scalar(select(NewsSubscription).where(NewsSubscription.token == token))


def stop_by_token(token, *, now):
    """The stop page's one button: the subscription stopped (or already stopped), or
    None for an unknown token."""
    subscription = by_token(token)
    if subscription is not None:
        stop_news(subscription, source=NewsStopSource.LINK, actor="news link", now=now)
    return subscription


# -- the resident registry (receivers in desk/events/__init__.py) -----------------------------

def stop_for_erasure(person, *, now):
    stopped = 0
    for subscription in db.session.scalars(select(NewsSubscription).where(
            NewsSubscription.person_id == person.id,
            NewsSubscription.stopped_dt.is_(None))).all():
        stopped += stop_news(subscription, source=NewsStopSource.ERASED, actor=None, now=now)
    return {"news_subscriptions_stopped": stopped} if stopped else None


def settle_merge(keep, drop, *, now):
    """Before the subscriptions move: where both records subscribe, the kept record's
    subscription stays and the other stops."""
    if active_subscription(keep) is None:
        return None
    dropped = active_subscription(drop)
    if dropped is None:
        return None
    stop_news(dropped, source=NewsStopSource.MERGED, actor=None, now=now)
    return dropped
