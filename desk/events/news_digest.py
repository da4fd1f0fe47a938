"""The digest of new classes: on a schedule (DESK_NEWS_DIGEST, default the 1st of each
month at 10:00 Japan time), each subscriber (desk.events.news) hears about the classes
added since the last digest that they can book (scheduled, not yet started) and that
match their topics and area. A subscriber nothing matches gets nothing.

A digest belongs to a period, the local year and month of its scheduled day; the
period is unique in the table, so a digest is made once whoever runs it and however
often (the in-process scheduler and Celery beat ask every minute: desk.notify.tasks
.run_periodic). A run after downtime makes the period's digest late, once.

Each subscriber's message is one outbox row about their delivery (topic "news"),
planned through desk.notify.planning, in the subscription's channel:
- SMS: one segment: the number of new classes and a short link to the list of classes
  for them (which also stops the news), and, where replies reach desk, 「停止」;
- call: the number of classes, the first one's day and venue, the desk's number;
- e-mail: every class, with its page, and the link that stops the news.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desk.core.db import write_intent
from desk.core.i18n import city_name, force_locale, format_datetime_long
from desk.core.i18n import format_time as format_clock
from desk.core.timeutil import add_months, local_datetime, month_start, to_local
from desk.core.web import public_url_for
from desk.events.models import (
    EventSession,
    NewsDelivery,
    NewsDigest,
    NewsStopSource,
    NewsSubscription,
    SessionKind,
    SessionStatus,
)
from desk.events.news import TOPIC, stop_news
from desk.extensions import db
from desk.notify import planning, voice
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, fewest_segments, squash, tidy
from desk.notify.models import MessageChannel, RecipientKind, ReplyAction
from desk.notify.replies import STOP_WORDS
from desk.notify.spoken import locale_key, spoken_date, spoken_digits
from desk.notify.webhooks import sms_replies_enabled
from desk.people.models import Person

NEWS_DIGEST = "news_digest"
LABELS = {NEWS_DIGEST: _l("New classes (news)")}
ERROR_LABELS = {"news_stopped": _l("The news was stopped before it went out")}
# a digest that could not go out within this is stale
STALE_AFTER = timedelta(days=14)

CHANNELS = {"sms": MessageChannel.SMS, "voice": MessageChannel.VOICE,
            "email": MessageChannel.EMAIL}


# -- when ------------------------------------------------------------------------------------

def _scheduled(day, schedule):
    """The UTC moment of the digest in the month of the local date `day`."""
    date_of_month, at = schedule
    return local_datetime(month_start(day).replace(day=date_of_month), at)


def period_of(now, schedule):
    """(period "YYYY-MM", its scheduled UTC moment, the previous one's) of the latest
    scheduled digest at or before `now`."""
    today = to_local(now).date()
    at = _scheduled(today, schedule)
    if at > now:
        at = _scheduled(add_months(month_start(today), -1), schedule)
    previous = _scheduled(add_months(month_start(to_local(at).date()), -1), schedule)
    return to_local(at).strftime("%Y-%m"), at, previous


# -- what -----------------------------------------------------------------------------------

def new_classes(since, now):
    """The classes added after `since` (and by `now`) that can still be booked, in
    start order."""
    return db.session.scalars(
        select(EventSession)
        .where(EventSession.kind == SessionKind.CLASS,
               EventSession.status == SessionStatus.SCHEDULED,
               EventSession.created_dt > since, EventSession.created_dt <= now,
               EventSession.start_dt > now)
        .order_by(EventSession.start_dt, EventSession.id)).unique().all()


def matching(subscription, sessions):
    """The sessions of the subscriber's topics in their area."""
    topics = set(subscription.topics)
    area = subscription.area()
    return [session for session in sessions
            if session.program is not None and session.program.topic in topics
            and (area is None or session.venue.district_id in area)]


def address_of(subscription):
    """The number or address the subscription's channel reaches now, or None."""
    return planning.chosen_address(subscription.person, subscription.channel)


def active_subscriptions():
    return db.session.scalars(
        select(NewsSubscription).join(Person, Person.id == NewsSubscription.person_id)
        .where(NewsSubscription.stopped_dt.is_(None), Person.anonymised_dt.is_(None),
               Person.merged_into_id.is_(None))
        .order_by(NewsSubscription.id)).unique().all()


def make_digest(*, now, schedule=None):
    """The digest of the period `now` is in, planned in the caller's transaction; None
    when the period's digest exists already (or the digest is off)."""
    schedule = schedule if schedule is not None else current_app.config["DESK_NEWS_DIGEST"]
    if schedule is None:
        return None
    period, _at, previous = period_of(now, schedule)
    if db.session.scalar(select(NewsDigest.id).where(NewsDigest.period == period)):
        return None
    last = db.session.scalar(select(func.max(NewsDigest.run_dt)))
    since = last if last is not None else previous
    digest = NewsDigest(period=period, since_dt=since, run_dt=now)
    db.session.add(digest)
    db.session.flush()  # a second runner of the same period waits here, then fails
    sessions = new_classes(since, now)
    digest.session_count = len(sessions)
    rows = []
    for subscription in active_subscriptions() if sessions else []:
        found = matching(subscription, sessions)
        address = address_of(subscription)
        if not found or address is None:
            continue
        delivery = NewsDelivery(digest_id=digest.id, subscription_id=subscription.id,
                                session_list=",".join(str(session.id) for session in found))
        db.session.add(delivery)
        db.session.flush()
        rows.append(planning.message_values(
            NEWS_DIGEST, topic=TOPIC, topic_id=delivery.id,
            recipient_kind=RecipientKind.PERSON, person_id=subscription.person_id,
            channel=CHANNELS[str(subscription.channel)], address=address,
            locale=subscription.person.language, due=now, now=now,
            not_after=now + STALE_AFTER))
    digest.delivery_count = planning.queue(rows)
    db.session.flush()
    return digest


def run_digest(*, now):
    """The periodic job: the period's digest when it is due and not made yet; commits.
    Returns a summary to log, or None. Asked every minute: whether the period is done
    is read first, without taking SQLite's write lock."""
    schedule = current_app.config["DESK_NEWS_DIGEST"]
    if schedule is None:
        return None
    period = period_of(now, schedule)[0]
    done = db.session.scalar(select(NewsDigest.id).where(NewsDigest.period == period))
    db.session.rollback()
    if done:
        return None
    with write_intent():  # on SQLite, a second runner waits here, then finds the digest
        try:
            digest = make_digest(now=now, schedule=schedule)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another runner made this period's digest meanwhile
            return None
    if digest is None:
        return None
    return {"period": digest.period, "classes": digest.session_count,
            "messages": digest.delivery_count}


# -- what a message says --------------------------------------------------------------------

def delivery_of(message):
    if message.topic_id is None:
        return None
    return db.session.get(NewsDelivery, message.topic_id)


def _sessions(delivery):
    ids = delivery.session_ids
    sessions = db.session.scalars(select(EventSession).where(EventSession.id.in_(ids))
                                  .order_by(EventSession.start_dt, EventSession.id)
                                  ).unique().all()
    return sessions


def _template(channel, suffix="txt"):
    return current_app.jinja_env.get_template(f"events/messages/{channel}/news_digest.{suffix}")


def context_of(delivery):
    sessions = _sessions(delivery)
    return {"count": len(sessions), "sessions": sessions, "city": city_name(),
            "phone": current_app.config["DESK_DESK_PHONE"],
            "list_url": public_url_for("public.news_list", token=delivery.subscription.token),
            "stop_url": public_url_for("public.news_stop", token=delivery.subscription.token),
            "can_reply": sms_replies_enabled()}


def sms_text(context):
    """With 「停止」 where replies reach desk, unless only the text without it fits in
    fewer segments (a long DESK_PUBLIC_URL): the linked page has the stop button too."""
    template = _template("sms")
    texts = [squash(template.render(context))]
    if context["can_reply"]:
        texts.append(squash(template.render(dict(context, can_reply=False))))
    return fewest_segments(texts)


def render(message, *, now):
    delivery = delivery_of(message)
    if delivery is None:
        raise PermanentError("the news delivery no longer exists", code="news_stopped")
    if not delivery.subscription.is_active:
        raise PermanentError("the subscriber stopped the news", code="news_stopped")
    channel = MessageChannel(message.channel)
    with force_locale(message.locale):
        context = context_of(delivery)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_text(context))
        if channel == MessageChannel.VOICE:
            first = context["sessions"][0] if context["sessions"] else None
            text = " ".join(_template("voice").render(
                context, date=spoken_date(first.start_dt) if first else None,
                venue=first.venue.display_name if first else None,
                phone=spoken_digits(context["phone"])).split())
            return Content(channel, voice_text=text,
                           voice_twiml=voice.call_twiml(message, text, now=now))
        context["items"] = [{
            "title": session.display_title,
            "when": format_datetime_long(session.start_dt),
            "end": format_clock(session.end_dt),
            "venue": session.venue.display_name,
            "url": public_url_for("public.session", session_id=session.id),
        } for session in context["sessions"]]
        context["locale"] = locale_key()
        module = _template("email").make_module(context)
        subject = squash(str(module.subject))
        return Content(channel, email_subject=subject, email_text=tidy(str(module)),
                       email_html=_template("email", "html").render(context, subject=subject))


def describe(messages):
    """{message id: "3 new classes"} for the coordinators' pages."""
    ids = [message.topic_id for message in messages if message.topic_id is not None]
    lists = dict(db.session.execute(select(NewsDelivery.id, NewsDelivery.session_list)
                                    .where(NewsDelivery.id.in_(ids))).all()) if ids else {}
    texts = {}
    for message in messages:
        if message.topic_id in lists:
            count = len([part for part in lists[message.topic_id].split(",") if part])
            texts[message.id] = ngettext("%(num)d new class", "%(num)d new classes", count)
    return texts


def answer_sms(message, text, *, address, previous, now):
    """停止 / STOP in reply to a news SMS stops the news only (booking messages keep
    coming); anything else gets the general help."""
    if text not in STOP_WORDS:
        return None
    delivery = delivery_of(message)
    if delivery is not None:
        stop_news(delivery.subscription, source=NewsStopSource.SMS_REPLY, actor="sms reply",
                  now=now)
    return ReplyAction.OPTED_OUT, _(
        "You will get no more news about new classes. Booking messages still come. "
        "Questions: %(phone)s", phone=current_app.config["DESK_DESK_PHONE"])

