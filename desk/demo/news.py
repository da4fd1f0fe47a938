"""Demo news about new classes (desk.events.news): residents who asked for it on every
channel (the web page, the kiosk after a booking, the staff phone desk, a paper form),
by SMS, call or e-mail, and the digest of the current period, already sent.

The demo's schedule is made at once, at the demo's `now`; the story of the digest needs
classes that were added during the month before it: the classes that start at least
three weeks after the digest's day were added then (their `created_dt` moves back into
that month). The digest is made by the real service at its scheduled moment; its
messages went out through the log backend, as the rest of the demo's. Two residents
stopped the news afterwards: one by replying 停止, one with the link.
"""

from datetime import time, timedelta

from flask import current_app
from sqlalchemy import update

from desk.events import news, news_digest
from desk.events.models import NewsChannel, NewsStopSource, SessionKind, Topic
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage

SUBSCRIBERS = 48
# (consent method, actor kind, share)
ORIGINS = (("web", "web", 30), ("kiosk", "kiosk", 20), ("phone_staff", "staff", 35),
           ("paper", "staff", 15))
# the story needs a digest even where the city switched it off (DESK_NEWS_DIGEST=off)
DEMO_SCHEDULE = (1, time(10))
POPULAR = (Topic.LINE, Topic.SCAM_PROTECTION, Topic.MY_NUMBER, Topic.BASICS,
           Topic.CASHLESS, Topic.MAPS, Topic.CALLS_CAMERA)


class DemoNews:
    def __init__(self, rng, *, residents, sessions, districts, staff, now):
        self.rng = rng
        self.residents = residents
        self.sessions = sessions
        self.districts = districts
        self.staff = staff
        self.now = now
        self.subscriptions = []
        self.digest = None

    def _add_classes(self, since, at):
        """The classes starting three weeks or more after the digest were added in the
        month before it."""
        span = (at - since).total_seconds()
        for session in self.sessions:
            if (session.kind == SessionKind.CLASS and session.start_dt > at + timedelta(weeks=3)
                    and not session.is_cancelled):
                session.created_dt = since + timedelta(seconds=span * self.rng.uniform(0.05, 0.95))
        db.session.flush()

    def _subscribe(self, resident, at):
        rng = self.rng
        person = resident.person
        method, actor_kind, _share = rng.choices(ORIGINS, weights=[o[2] for o in ORIGINS])[0]
        channel = (NewsChannel.EMAIL if person.email and rng.random() < 0.5
                   else news.automatic_channel(person))
        topics = rng.sample(POPULAR, rng.choice((1, 2, 2, 3)))
        districts = []
        if rng.random() < 0.3:  # a neighbouring district as well
            districts = [str(district.id) for district in rng.sample(self.districts, 2)]
        actor = rng.choice(self.staff) if actor_kind == "staff" else actor_kind
        start = max(resident.since, at - timedelta(days=200))
        when = start + (at - start) * rng.uniform(0, 0.9)
        return news.subscribe_news(person, {"topics": [str(topic) for topic in topics],
                                            "district_ids": districts,
                                            "channel": str(channel), "consent": True},
                                   method=method, actor=actor, now=when)

    def load(self):
        schedule = current_app.config["DESK_NEWS_DIGEST"] or DEMO_SCHEDULE
        _period, at, previous = news_digest.period_of(self.now, schedule)
        self._add_classes(previous, at)
        candidates = [resident for resident in self.residents
                      if resident.since < at - timedelta(days=2)
                      and not resident.person.is_anonymised and not resident.person.is_merged
                      and news.automatic_channel(resident.person) is not None]
        for resident in self.rng.sample(candidates, min(SUBSCRIBERS, len(candidates))):
            self.subscriptions.append(self._subscribe(resident, at))
        self.digest = news_digest.make_digest(now=at, schedule=schedule)
        # its messages went out at once (10:00 is outside the quiet hours)
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.topic == news.TOPIC, OutboxMessage.state == MessageState.QUEUED)
            .values(state=MessageState.LOGGED, sent_dt=at, updated_dt=at)
            .execution_options(synchronize_session=False))
        added = news_digest.new_classes(previous, at)
        told = [subscription for subscription in self.subscriptions
                if news_digest.matching(subscription, added)]
        by_sms = [subscription for subscription in told if subscription.channel == "sms"]
        others = [subscription for subscription in told if subscription not in by_sms[:1]]
        for subscriptions, source, hours in ((by_sms, NewsStopSource.SMS_REPLY, 3),
                                             (others, NewsStopSource.LINK, 30)):
            if subscriptions:
                news.stop_news(subscriptions[0], source=source, actor="demo",
                               now=min(at + timedelta(hours=hours), self.now))
        return self

    def __str__(self):
        active = sum(subscription.is_active for subscription in self.subscriptions)
        sent = self.digest.delivery_count if self.digest is not None else 0
        return f"{active} residents hear about new classes ({sent} told in the last digest)"
