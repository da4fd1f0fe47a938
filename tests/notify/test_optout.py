"""Opt-outs per channel: a coordinator stops SMS, calls or e-mail of a person (or of a
proxy contact) on the person's page, and allows it again; the dispatcher then holds back
exactly that channel. Every change is in the audit log."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today
from desk.extensions import db
from desk.notify import dispatch, optout
from desk.notify.models import (
    CODE_OPTED_OUT,
    MessageChannel,
    MessageState,
    OptOut,
    OptOutSource,
    OutboxMessage,
)
from desk.people.services import add_proxy
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall

EMAIL = "keiko@example.jp"


@pytest.fixture
def backend(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_SMS_RATE_PER_SECOND", 0)
    monkeypatch.setitem(app.config, "DESK_QUIET_HOURS", None)
    fake = install(app, FakeBackend())
    yield fake
    uninstall(app)


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="山田 太郎")


@pytest.fixture
def person(ctx, create_person):
    return create_person(phone="090-2222-3333", email=EMAIL)


@pytest.fixture
def staff_client(client, coordinator, login):
    login(client, coordinator)
    return client


def _queue(person, channel):
    """A reminder to `person` by `channel`, due now."""
    message = OutboxMessage(
        recipient_kind="person", person_id=person.id, channel=channel,
        address=optout.address_for(person, channel), template="reminder", locale="ja",
        due_dt=NOW, topic="booking", topic_id=None, state=MessageState.QUEUED,
        created_dt=NOW, updated_dt=NOW)
    db.session.add(message)
    db.session.commit()
    return message.id


def _state(message_id):
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    return message.state, message.error_code


@pytest.mark.parametrize("stopped", list(MessageChannel))
def test_a_stopped_channel_holds_back_exactly_that_channel(backend, person, coordinator,
                                                           stopped):
    ids = {channel: _queue(person, channel) for channel in MessageChannel}
    optout.stop_channel(person, stopped, actor=coordinator, now=NOW)
    db.session.commit()
    dispatch.dispatch_due(now=NOW + timedelta(minutes=1))
    for channel, message_id in ids.items():
        if channel == stopped:
            assert _state(message_id) == (MessageState.CANCELLED, CODE_OPTED_OUT)
            assert backend.sends[message_id] == 0
        else:
            assert _state(message_id)[0] == MessageState.SENT
            assert backend.sends[message_id] == 1


def test_allowing_again_lets_the_channel_through(backend, person, coordinator):
    optout.stop_channel(person, "voice", actor=coordinator, now=NOW)
    assert optout.allow_channel(person, "voice", actor=coordinator, now=NOW) is True
    assert optout.allow_channel(person, "voice", actor=coordinator, now=NOW) is False
    call = _queue(person, MessageChannel.VOICE)
    dispatch.dispatch_due(now=NOW + timedelta(minutes=1))
    assert _state(call)[0] == MessageState.SENT
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "opt_outs").order_by(AuditEntry.id)).all()
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        ("notify.opt_out", coordinator.id), ("notify.opt_in", coordinator.id)]
    assert entries[0].after["channel"] == "voice" and entries[0].after["source"] == "staff"


def test_an_sms_stop_reply_leaves_calls_and_the_staff_can_stop_calls_too(person,
                                                                         coordinator):
    optout.opt_out(person.phone, channel="sms", source=OptOutSource.SMS_REPLY,
                   actor="sms reply", now=NOW)
    assert optout.is_opted_out(person.phone, "sms")
    assert not optout.is_opted_out(person.phone, "voice")
    call_stop = optout.stop_channel(person, "voice", actor=coordinator, now=NOW)
    assert call_stop.source == OptOutSource.STAFF and call_stop.actor_id == coordinator.id
    assert [db.session.scalar(select(optout.opted_out(address, channel)))
            for address, channel in [(person.phone, MessageChannel.SMS),
                                     (person.phone, MessageChannel.VOICE),
                                     (EMAIL, MessageChannel.EMAIL)]] == [True, True, False]


def test_a_channel_without_an_address_or_an_unknown_channel_is_refused(ctx, create_person,
                                                                      coordinator):
    from desk.core.errors import ValidationError

    person = create_person()
    with pytest.raises(ValidationError):
        optout.stop_channel(person, "email", actor=coordinator, now=NOW)
    with pytest.raises(ValidationError):
        optout.stop_channel(person, "fax", actor=coordinator, now=NOW)


# -- the person's page --------------------------------------------------------------------

def _page(client, person):
    response = client.get(f"/staff/people/{person.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_stops_and_allows_a_channel_and_says_who_stopped_it(staff_client, person,
                                                                     coordinator):
    page = _page(staff_client, person)
    assert "SMSを送る" in page and "電話をかける" in page and "メールを送る" in page
    response = staff_client.post(f"/staff/notify/people/{person.id}/stop",
                                 data={"channel": "sms"}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "SMSを止めました" in page
    stop = db.session.scalar(select(OptOut).where(OptOut.address == "+819022223333"))
    assert (stop.channel, stop.source, stop.actor_id) == (
        MessageChannel.SMS, OptOutSource.STAFF, coordinator.id)
    today = local_today()
    assert re.search(f"SMSを送らない（{today.year}年{today.month}月{today.day}日[^）]* "
                     "職員 山田 太郎 が設定）", page)
    assert "電話をかける" in page  # calls to the same number go on
    response = staff_client.post(f"/staff/notify/people/{person.id}/allow",
                                 data={"channel": "sms"}, follow_redirects=True)
    assert "再び送ります" in response.get_data(as_text=True)
    assert not optout.is_opted_out("+819022223333", "sms")


def test_a_proxy_contacts_channel_is_stopped_on_the_persons_page(staff_client, person,
                                                                 create_person):
    proxy = add_proxy(person, {"name": "佐藤 一郎", "relation": "family",
                               "email": "ichiro@example.jp"},
                      consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    assert "ichiro@example.jp" in _page(staff_client, person)
    staff_client.post(f"/staff/notify/people/{person.id}/stop",
                      data={"channel": "email", "proxy_id": proxy.id})
    assert optout.is_opted_out("ichiro@example.jp", "email")
    assert not optout.is_opted_out(EMAIL, "email")
    # the contact of another person is not this page's to change
    other = create_person()
    response = staff_client.post(f"/staff/notify/people/{other.id}/allow",
                                 data={"channel": "email", "proxy_id": proxy.id})
    assert response.status_code == 404
    assert optout.is_opted_out("ichiro@example.jp", "email")


def test_a_bad_channel_is_a_message_not_an_error(staff_client, person):
    response = staff_client.post(f"/staff/notify/people/{person.id}/stop",
                                 data={"channel": "fax"}, follow_redirects=True)
    assert response.status_code == 200
    assert "SMS・電話・メールのどれかを選んでください。" in response.get_data(as_text=True)
    assert db.session.scalar(select(OptOut.id)) is None


def test_a_landline_has_no_sms_row(staff_client, create_person):
    person = create_person(phone="0466-25-1234")
    page = _page(staff_client, person)
    assert "電話をかける" in page and "SMSを送る" not in page


def test_only_coordinators_and_admins_may_stop_a_channel(client, person, create_user, login):
    login(client, create_user(Role.VOLUNTEER))
    response = client.post(f"/staff/notify/people/{person.id}/stop", data={"channel": "sms"})
    assert response.status_code == 403
    assert not optout.is_opted_out(person.phone, "sms")
    login(client, create_user(Role.ADMIN))
    response = client.post(f"/staff/notify/people/{person.id}/stop", data={"channel": "sms"})
    assert response.status_code == 302
    assert optout.is_opted_out(person.phone, "sms")
