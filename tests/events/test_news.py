"""Hearing about new classes (desk.events.news, desk.events.news_digest): subscribing on
every channel with the consent recorded, the digest (topics, area, only new classes,
nothing when nothing matches, once per period), the one-segment SMS, stopping by a
reply or the link without touching booking messages, and the subscription's personal
data (disclosure, merge, erasure, retention)."""

import re
from datetime import date, time, timedelta

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import func, select

from desk.core import retention
from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime
from desk.events import news, news_digest, news_queries
from desk.events import services as event_services
from desk.events.labels import TOPIC_LABELS
from desk.events.models import NewsDelivery, NewsDigest, NewsStopSource, NewsSubscription, Topic
from desk.extensions import db
from desk.notify import replies
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState, OptOut, OutboxMessage
from desk.notify.segments import count_segments
from desk.people import disclosure, erasure
from desk.people import services as people_services
from tests.fixtures.factories import NOW

# the digest of December: the 1st at 10:00 JST; the classes of the factories were added
# on NOW (23 November) and start on 3 December
DIGEST_AT = local_datetime(date(2026, 12, 1), time(10))
SCHEDULE = (1, time(10))


@pytest.fixture
def settings(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_NEWS_DIGEST", SCHEDULE)
    monkeypatch.setitem(ctx.config, "DESK_DESK_PHONE", "0466-25-1111")
    return ctx


@pytest.fixture
def districts(create_district):
    return create_district(name="湘南台", name_kana="ショウナンダイ"), \
        create_district(name="辻堂", name_kana="ツジドウ")


@pytest.fixture
def classes(settings, districts, create_venue, create_program, create_session):
    """A LINE class in 湘南台, a basics class in 辻堂, and a scam-protection class in
    辻堂 that was added long before (not new)."""
    shonandai, tsujido = districts
    line = create_program(topic="line")
    basics = create_program(topic="basics")
    scams = create_program(topic="scam_protection")
    north = create_venue(district_id=shonandai.id)
    south = create_venue(district_id=tsujido.id)
    made = {"line": create_session(program_id=line.id, venue_id=north.id),
            "basics": create_session(program_id=basics.id, venue_id=south.id)}
    old = event_services.create_session(
        {"kind": "class", "capacity": 12, "program_id": scams.id, "venue_id": south.id,
         "start_dt": local_datetime(date(2026, 12, 10), time(10)),
         "end_dt": local_datetime(date(2026, 12, 10), time(11))},
        actor="test", now=NOW - timedelta(days=60))
    made["old"] = old
    db.session.commit()
    return made


def subscribe(person, topics, channel="sms", districts=(), method="phone_staff",
              actor="test", now=NOW):
    return news.subscribe_news(person, {"topics": list(topics), "channel": channel,
                                        "district_ids": [str(d.id) for d in districts],
                                        "consent": True}, method=method, actor=actor, now=now)


def news_messages():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "news")
                              .order_by(OutboxMessage.id)).all()


def delivered_sessions(subscription):
    return [set(delivery.session_ids) for delivery in db.session.scalars(
        select(NewsDelivery).where(NewsDelivery.subscription_id == subscription.id))]


# -- subscribing -------------------------------------------------------------------------------

def test_subscribe_news_on_the_staff_phone_desk_records_consent(settings, create_person,
                                                                 create_user):
    coordinator = create_user()
    person = create_person()
    subscription = subscribe(person, ["line", "maps"], method="phone_staff", actor=coordinator)
    assert subscription.is_active and subscription.topic_list == "line,maps"
    assert subscription.consent_dt == NOW and subscription.consent_method == "phone_staff"
    assert subscription.consent_actor_id == coordinator.id
    assert len(subscription.token) == NewsSubscription.TOKEN_LENGTH
    # asking again replaces what the person asked for, once per person
    again = subscribe(person, ["basics"], channel="voice", method="paper",
                      actor=coordinator, now=NOW + timedelta(days=1))
    assert again.id == subscription.id and again.topic_list == "basics"
    assert again.consent_method == "paper" and again.consent_dt == NOW + timedelta(days=1)


def test_subscribe_public_finds_or_creates_the_person_without_touching_reminders(settings):
    data = {"name": "渡辺 美智子", "name_kana": "わたなべ みちこ", "phone": "090-8765-4321",
            "topics": ["cashless"], "channel": "sms", "consent": True}
    subscription = news.subscribe_public(data, channel="web", method="web", now=NOW)
    person = subscription.person
    assert subscription.consent_method == "web" and subscription.consent_actor_id is None
    assert person.created_channel == "web" and not person.has_consent
    # the same phone and reading: the same person, not a second record
    again = news.subscribe_public({**data, "topics": ["maps"]}, channel="web", method="web",
                                  now=NOW)
    assert again.person_id == person.id and again.topic_list == "maps"


def test_subscribe_after_a_kiosk_booking_takes_the_automatic_channel(
        settings, create_person, create_session):
    session = create_session()
    mobile = create_person(phone="090-1111-2222")
    landline = create_person(phone="0466-22-3333")
    for person, channel in ((mobile, "sms"), (landline, "voice")):
        booking = event_services.book_seat(session, person, channel="kiosk", actor="kiosk",
                                           now=NOW).booking
        subscription = news.subscribe_after_booking(
            booking, {"topics": ["line"], "consent": True}, method="kiosk", actor="kiosk",
            now=NOW)
        assert subscription.channel == channel and subscription.consent_method == "kiosk"


@pytest.mark.parametrize(("data", "field"), [
    ({"topics": [], "channel": "sms", "consent": True}, "topics"),
    ({"topics": ["nonsense"], "channel": "sms", "consent": True}, "topics"),
    ({"topics": ["line"], "channel": "sms", "consent": False}, "consent"),
    ({"topics": ["line"], "channel": "fax", "consent": True}, "channel"),
    ({"topics": ["line"], "channel": "sms", "district_ids": ["99999"], "consent": True},
     "district_ids"),
    ({"topics": ["line"], "channel": "email", "consent": True}, "channel"),
])
def test_subscribe_news_refuses_bad_input_and_writes_nothing(settings, create_person, data,
                                                             field):
    person = create_person()
    with pytest.raises(ValidationError) as refused:
        news.subscribe_news(person, data, method="web", actor="test", now=NOW)
    assert field in refused.value.fields
    assert db.session.scalar(select(func.count(NewsSubscription.id))) == 0


def test_sms_news_needs_a_mobile(settings, create_person):
    with pytest.raises(ValidationError) as refused:
        subscribe(create_person(phone="0466-25-1234"), ["line"], channel="sms")
    assert "channel" in refused.value.fields


# -- the digest -------------------------------------------------------------------------------

def test_digest_lists_new_classes_of_the_topics_and_area(classes, districts, create_person):
    shonandai, tsujido = districts
    by_topic = subscribe(create_person(), ["line", "basics"])
    own_area = subscribe(create_person(district_id=str(tsujido.id)), ["line", "basics"])
    chosen = subscribe(create_person(district_id=str(tsujido.id)), ["line"],
                       districts=[shonandai])
    old_topic = subscribe(create_person(), ["scam_protection"])
    digest = news_digest.make_digest(now=DIGEST_AT)
    assert digest.period == "2026-12" and digest.session_count == 2
    assert delivered_sessions(by_topic) == [{classes["line"].id, classes["basics"].id}]
    assert delivered_sessions(own_area) == [{classes["basics"].id}]
    assert delivered_sessions(chosen) == [{classes["line"].id}]
    assert delivered_sessions(old_topic) == []  # its class is not new
    messages = news_messages()
    assert len(messages) == 3 == digest.delivery_count
    assert {message.channel for message in messages} == {MessageChannel.SMS}
    assert all(message.state == MessageState.QUEUED for message in messages)


def test_digest_sends_nothing_when_nothing_matches(classes, create_person):
    subscribe(create_person(), ["my_number"])
    digest = news_digest.make_digest(now=DIGEST_AT)
    assert digest is not None and digest.delivery_count == 0
    assert news_messages() == []


def test_digest_runs_once_per_period_and_then_lists_only_newer_classes(
        classes, create_person, create_session, create_program):
    subscription = subscribe(create_person(), ["line", "basics"])
    assert news_digest.make_digest(now=DIGEST_AT) is not None
    assert news_digest.make_digest(now=DIGEST_AT + timedelta(hours=5)) is None
    assert news_digest.make_digest(now=DIGEST_AT + timedelta(days=20)) is None
    assert len(news_messages()) == 1
    # before the 1st of January at 10:00 it is still December's period
    assert news_digest.period_of(local_datetime(date(2027, 1, 1), time(9, 59)),
                                 SCHEDULE)[0] == "2026-12"
    later = event_services.create_session(
        {"kind": "class", "capacity": 10, "program_id": create_program(topic="line").id,
         "venue_id": classes["line"].venue_id,
         "start_dt": local_datetime(date(2027, 1, 20), time(14)),
         "end_dt": local_datetime(date(2027, 1, 20), time(15))},
        actor="test", now=DIGEST_AT + timedelta(days=3))
    january = news_digest.make_digest(now=local_datetime(date(2027, 1, 1), time(10)))
    assert january.period == "2027-01" and january.since_dt == DIGEST_AT
    assert delivered_sessions(subscription)[-1] == {later.id}


def test_run_digest_is_idempotent_and_commits(classes, create_person):
    subscribe(create_person(), ["line"])
    db.session.commit()
    assert news_digest.run_digest(now=DIGEST_AT) == {"period": "2026-12", "classes": 2,
                                                     "messages": 1}
    assert news_digest.run_digest(now=DIGEST_AT + timedelta(minutes=1)) is None
    assert db.session.scalar(select(func.count(NewsDigest.id))) == 1
    assert len(news_messages()) == 1


def test_digest_off_makes_nothing(classes, create_person, monkeypatch, settings):
    monkeypatch.setitem(settings.config, "DESK_NEWS_DIGEST", None)
    subscribe(create_person(), ["line"])
    assert news_digest.make_digest(now=DIGEST_AT) is None


# -- what it says -----------------------------------------------------------------------------

@pytest.mark.parametrize("public_url", ["http://127.0.0.1:5000",
                                        "https://desk.city.fujisawa.lg.jp"])
@pytest.mark.parametrize("sender", ["FujisawaIT", "+815031234567"])
def test_news_sms_is_one_segment(classes, create_person, monkeypatch, settings, public_url,
                                 sender):
    monkeypatch.setitem(settings.config, "DESK_PUBLIC_URL", public_url)
    monkeypatch.setitem(settings.config, "DESK_SMS_FROM", sender)
    subscribe(create_person(), ["line", "basics"])
    news_digest.make_digest(now=DIGEST_AT)
    message = news_messages()[0]
    text = render(message, now=DIGEST_AT).sms_body
    assert count_segments(text).segments == 1, text
    assert "2件" in text and f"{public_url}/n/" in text
    # the most classes a month could bring still fit
    assert count_segments(news_digest.sms_text(
        {"count": 999, "list_url": f"{public_url}/n/{'x' * 12}",
         "can_reply": True})).segments == 1


def test_news_sms_in_english_counts_one_class_as_one(settings):
    with force_locale("en"):
        one = news_digest.sms_text({"count": 1, "list_url": "https://desk.example.jp/n/x",
                                    "can_reply": True})
        two = news_digest.sms_text({"count": 2, "list_url": "https://desk.example.jp/n/x",
                                    "can_reply": True})
    assert one.startswith("1 new class for you:") and two.startswith("2 new classes for you:")


def test_news_call_and_email(classes, create_person, settings):
    subscribe(create_person(phone="0466-25-1234"), ["line", "basics"], channel="voice")
    subscribe(create_person(email="keiko.sato@example.jp"), ["line"], channel="email")
    news_digest.make_digest(now=DIGEST_AT)
    call, mail = news_messages()
    spoken = render(call, now=DIGEST_AT).voice_text
    assert "2件" in spoken and "12月3日" in spoken and not any(
        "a" <= char.lower() <= "z" for char in spoken)
    content = render(mail, now=DIGEST_AT)
    assert classes["line"].display_title in content.email_text
    assert "/n/" in content.email_text and "/stop" in content.email_html


# -- stopping ---------------------------------------------------------------------------------

def _sent(message):
    message.state = MessageState.SENT
    message.sent_dt = DIGEST_AT
    db.session.flush()


def test_stop_reply_to_the_news_stops_only_the_news(classes, create_person, create_session):
    person = create_person(phone="090-5555-6666")
    subscription = subscribe(person, ["line"])
    news_digest.make_digest(now=DIGEST_AT)
    _sent(news_messages()[0])
    answer = replies.handle_sms("+819055556666", "停止", provider_id="SMnews1",
                                now=DIGEST_AT + timedelta(hours=1))
    assert "予約" in answer or "Booking" in answer
    assert not subscription.is_active and subscription.stop_source == NewsStopSource.SMS_REPLY
    assert db.session.scalar(select(func.count(OptOut.id))) == 0
    # booking messages still reach the number
    booking = event_services.book_seat(create_session(day=date(2026, 12, 20)), person,
                                       channel="phone_desk", actor="test",
                                       now=DIGEST_AT + timedelta(hours=2)).booking
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.channel == MessageChannel.SMS)) >= 1


def test_stop_reply_to_a_booking_message_still_opts_the_number_out(
        settings, create_person, create_session):
    person = create_person(phone="090-7777-1212")
    subscription = subscribe(person, ["line"])
    event_services.book_seat(create_session(), person, channel="phone_desk", actor="test",
                             now=NOW)
    _sent(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking")).first())
    replies.handle_sms("+819077771212", "STOP", provider_id="SMbook1", now=NOW)
    assert db.session.scalar(select(func.count(OptOut.id))) == 1
    assert subscription.is_active


def test_stop_link_stops_the_news_with_one_button(app, classes, create_person):
    subscription = subscribe(create_person(), ["line"])
    news_digest.make_digest(now=DIGEST_AT)
    db.session.commit()
    token = subscription.token
    client = app.test_client()
    with app.test_request_context():
        stop_url = url_for("public.news_stop", token=token)
        list_url = url_for("public.news_list", token=token)
    page = client.get(stop_url)
    assert page.status_code == 200 and 'type="submit"' in page.get_data(as_text=True)
    assert client.get(list_url).status_code == 200
    response = client.post(stop_url)
    assert response.status_code == 302
    db.session.expire_all()
    stopped = db.session.get(NewsSubscription, subscription.id)
    assert stopped.stop_source == NewsStopSource.LINK
    assert {message.state for message in news_messages()} == {MessageState.CANCELLED}
    assert db.session.scalar(select(func.count(OptOut.id))) == 0
    assert client.get(url_for_app(app, "public.news_stop", token="unknown")).status_code == 404


def url_for_app(app, endpoint, **values):
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_public_subscribe_page_shows_errors_and_subscribes(app, settings):
    client = app.test_client()
    url = url_for_app(app, "public.news_subscribe")
    refused = client.post(url, data={"name": "渡辺 美智子",
                                     "name_kana": "わたなべ みちこ", "phone": "090-8765-4321",
                                     "channel": "sms"})
    assert refused.status_code == 200
    assert db.session.scalar(select(func.count(NewsSubscription.id))) == 0
    done = client.post(url, data={"name": "渡辺 美智子",
                                  "name_kana": "わたなべ みちこ", "phone": "090-8765-4321",
                                  "channel": "sms", "topics": ["line", "maps"],
                                  "news_consent": "y"})
    assert done.status_code == 302 and "/n/" in done.headers["Location"]
    subscription = db.session.scalar(select(NewsSubscription))
    assert subscription.consent_method == "web" and subscription.topic_list == "line,maps"


# -- personal data ----------------------------------------------------------------------------

def test_news_in_the_disclosure(settings, create_person, create_user):
    person = create_person()
    subscription = subscribe(person, ["line"])
    found = disclosure.disclosure_for(person, actor=create_user(), now=NOW,
                                      municipality="藤沢市")
    assert found.ids("news_subscriptions") == [subscription.id]
    assert found.rows("news_subscriptions")[0]["token"] != subscription.token


def test_erasure_stops_the_news(classes, create_person):
    person = create_person()
    subscription = subscribe(person, ["line"])
    news_digest.make_digest(now=DIGEST_AT)
    result = erasure.anonymise(person, actor="test", now=DIGEST_AT)
    assert result.counts["news_subscriptions_stopped"] == 1
    assert subscription.stop_source == NewsStopSource.ERASED
    assert {message.state for message in news_messages()} == {MessageState.CANCELLED}
    assert news_digest.active_subscriptions() == []


def test_merge_keeps_one_subscription(settings, create_person):
    keep = create_person(name_kana="さとう けいこ")
    drop = create_person(name_kana="さとう けいこ")
    kept = subscribe(keep, ["line"])
    dropped = subscribe(drop, ["maps"])
    people_services.merge_people(keep, drop, actor="test", now=NOW + timedelta(hours=1))
    assert kept.is_active and dropped.stop_source == NewsStopSource.MERGED
    assert dropped.person_id == keep.id
    assert news.active_subscription(keep).id == kept.id


def test_merge_moves_the_only_subscription(settings, create_person):
    keep = create_person(name_kana="さとう けいこ")
    drop = create_person(name_kana="さとう けいこ")
    moved = subscribe(drop, ["maps"])
    people_services.merge_people(keep, drop, actor="test", now=NOW + timedelta(hours=1))
    assert moved.is_active and news.active_subscription(keep).id == moved.id


def test_stopped_subscriptions_are_deleted_after_their_period(settings, create_person):
    person = create_person()
    old = subscribe(person, ["line"])
    news.stop_news(old, source="staff", actor="test", now=NOW - timedelta(days=400))
    recent = subscribe(person, ["maps"])
    db.session.commit()
    data_class = retention.DATA_CLASSES["news_subscriptions"]
    cutoff = data_class.cutoff(settings.config, NOW)
    assert data_class.count(cutoff) == 1
    assert data_class.purge(cutoff, NOW) == 1
    assert [row.id for row in db.session.scalars(select(NewsSubscription))] == [recent.id]


# -- the coordinators -------------------------------------------------------------------------

def test_staff_record_the_news_on_the_persons_page(app, settings, create_person, create_user,
                                                   login):
    coordinator = create_user()
    person = create_person()
    client = app.test_client()
    login(client, coordinator)
    response = client.post(url_for_app(app, "staff.person_news", person_id=person.id),
                           data={"news-topics": ["scam_protection"], "news-channel": "voice",
                                 "news-news_consent": "y", "news-consent_method": "paper"})
    assert response.status_code == 302
    subscription = news.active_subscription(person)
    assert subscription.consent_method == "paper"
    assert subscription.consent_actor_id == coordinator.id
    page = client.get(url_for_app(app, "people.detail", person_id=person.id))
    assert "/n/" + subscription.token in page.get_data(as_text=True)
    client.post(url_for_app(app, "staff.person_news_stop", person_id=person.id))
    db.session.expire_all()
    assert db.session.get(NewsSubscription, subscription.id).stop_source == "staff"


def test_staff_news_page_counts_without_phone_numbers(app, settings, districts, create_person,
                                                      create_user, login):
    shonandai, tsujido = districts
    subscribe(create_person(district_id=str(shonandai.id), phone="090-3131-4141"), ["line"])
    subscribe(create_person(), ["line", "maps"], districts=[shonandai, tsujido])
    stopped = subscribe(create_person(), ["line"])
    news.stop_news(stopped, source="staff", actor="test", now=NOW)
    db.session.commit()
    found = news_queries.counts()
    assert found["total"] == 2
    topics = {str(label): count for label, count in found["topics"]}
    areas = {str(label): count for label, count in found["districts"]}
    assert topics[str(TOPIC_LABELS[Topic.LINE])] == 2
    assert topics[str(TOPIC_LABELS[Topic.MAPS])] == 1
    assert areas["湘南台"] == 2 and areas["辻堂"] == 1
    client = app.test_client()
    login(client, create_user())
    page = client.get(url_for_app(app, "staff.news")).get_data(as_text=True)
    assert "湘南台" in page and "3131" not in page


def test_end_of_a_web_booking_offers_the_news(app, settings, create_person, create_session):
    person = create_person(phone="0466-25-1234")
    booking = event_services.book_seat(create_session(), person, channel="web", actor="web",
                                       now=NOW).booking
    db.session.commit()
    client = app.test_client()
    assert url_for_app(app, "public.booking_news", token=booking.token) in client.get(
        url_for_app(app, "public.booking", token=booking.token)).get_data(as_text=True)
    url = url_for_app(app, "public.booking_news", token=booking.token)
    page = client.get(url).get_data(as_text=True)
    # a landline: a call is offered first
    assert re.findall(r'<input checked id="channel-\d" name="channel" type="radio" '
                      r'value="(\w+)">', page) == ["voice"]
    response = client.post(url, data={"topics": ["cashless"], "channel": "voice",
                                      "news_consent": "y"})
    assert response.status_code == 302
    subscription = news.active_subscription(person)
    assert (subscription.channel, subscription.consent_method) == ("voice", "web")
    assert client.get(url_for_app(app, "public.booking_news", token="nope")).status_code == 404
