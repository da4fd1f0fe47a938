"""Twilio's webhooks: signatures (valid, forged, missing, behind a proxy), delivery
status callbacks, SMS replies (1 confirms, 2 asks then cancels and promotes the waiting
list, STOP / START, help) and the call's key menu."""

import xml.etree.ElementTree as ET
from datetime import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from desk.core.audit import AuditEntry
from desk.core.timeutil import utcnow
from desk.events.messages import booking_of
from desk.events.models import BookingStatus, Confirmation
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import optout
from desk.notify.models import (
    MessageChannel,
    MessageState,
    OptOut,
    OptOutSource,
    OutboxMessage,
    ReplyAction,
    SmsReply,
)
from tests.notify.channel_support import (
    AUTH_TOKEN,
    PUBLIC_URL,
    SMS_FROM,
    booking_for,
    configure,
    future_day,
    mark_sent,
    new_sid,
    queued,
    signed_post,
)

DESK_PHONE = "0466-25-1111"


@pytest.fixture
def hooks(ctx, monkeypatch):
    configure(monkeypatch, ctx, DESK_DESK_PHONE=DESK_PHONE)
    return ctx


@pytest.fixture
def full_class(hooks, create_session, create_person):
    """A one-seat class two weeks ahead: 佐藤 has the seat (and got the confirmation
    SMS), 鈴木 waits."""
    session = create_session(day=future_day(), start=time(10), end=time(11, 30), capacity=1)
    now = utcnow()
    booked = booking_for(session, create_person(phone="090-1111-2222", language="en"), now)
    waiting = booking_for(session, create_person(phone="080-3333-4444"), now)
    sms = mark_sent(queued(booked, "sms", BookingTemplate.BOOKING_CONFIRMED)[0], now)
    return booked, waiting, sms


def _reply(client, body, sender="+819011112222", sid=None):
    params = {"From": sender, "To": SMS_FROM, "Body": body, "MessageSid": sid or new_sid()}
    response = signed_post(client, "/twilio/sms", params)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return "".join(node.text or "" for node in root.iter("Message"))


# -- signatures --------------------------------------------------------------------------

def test_valid_signature_is_accepted(full_class, client):
    assert signed_post(client, "/twilio/sms", {"From": "+819099999999", "Body": "hi",
                                              "MessageSid": new_sid()}).status_code == 200


@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/status/1", "/twilio/voice/1/gather",
                                  "/twilio/voice/1/cancel"])
def test_missing_or_forged_signature_is_403(hooks, client, path):
    params = {"From": "+819011112222", "Body": "2", "MessageSid": new_sid()}
    assert client.post(path, data=params).status_code == 403
    assert signed_post(client, path, params, token="not-the-auth-token").status_code == 403
    # a signature for other parameters does not cover these
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path,
                                                               {**params, "Body": "1"})
    assert client.post(path, data=params,
                       headers={"X-Twilio-Signature": signature}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(SmsReply.id))) == 0


def test_signature_is_checked_against_the_public_url(hooks, client):
    """Behind a reverse proxy the app sees http://localhost/...: Twilio signed the
    public URL, so that is what counts."""
    params = {"From": "+819099999999", "Body": "hi", "MessageSid": new_sid()}
    as_seen_inside = signed_post(client, "/twilio/sms", params, url="http://localhost/twilio/sms")
    assert as_seen_inside.status_code == 403
    assert signed_post(client, "/twilio/sms", params, url=f"{PUBLIC_URL}/twilio/sms").status_code == 200


def test_without_an_auth_token_nothing_is_accepted(hooks, client, monkeypatch):
    monkeypatch.setitem(hooks.config, "TWILIO_AUTH_TOKEN", "")
    params = {"From": "+819099999999", "Body": "hi", "MessageSid": new_sid()}
    assert signed_post(client, "/twilio/sms", params).status_code == 403


# -- status callbacks ----------------------------------------------------------------------

def _status(client, message, **params):
    response = signed_post(client, f"/twilio/status/{message.id}", params)
    assert response.status_code == 204
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_delivered_then_a_late_sent_keeps_delivered(full_class, client):
    _booked, _waiting, sms = full_class
    message = _status(client, sms, MessageSid=sms.provider_id, MessageStatus="delivered")
    assert message.state == MessageState.DELIVERED
    message = _status(client, sms, MessageSid=sms.provider_id, MessageStatus="sent")
    assert message.state == MessageState.DELIVERED


def test_a_callback_for_another_sid_changes_nothing(full_class, client):
    _booked, _waiting, sms = full_class
    message = _status(client, sms, MessageSid=new_sid(), MessageStatus="failed",
                      ErrorCode="30008")
    assert message.state == MessageState.SENT


def test_a_callback_settles_a_message_whose_dispatcher_died(full_class, client):
    booked, _waiting, _sms = full_class
    message = queued(booked, "sms", BookingTemplate.REMINDER)[0]
    message.state = MessageState.UNKNOWN
    message.claimed_dt = utcnow()
    db.session.commit()
    sid = new_sid()
    settled = _status(client, message, MessageSid=sid, MessageStatus="delivered")
    assert (settled.state, settled.provider_id) == (MessageState.DELIVERED, sid)


def test_undelivered_to_a_landline_plans_a_call(full_class, client):
    _booked, _waiting, sms = full_class
    message = _status(client, sms, MessageSid=sms.provider_id, MessageStatus="undelivered",
                      ErrorCode="30006")
    assert (message.state, message.error_code) == (MessageState.UNDELIVERED, "30006")
    [call] = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.replaces_id == sms.id)).all()
    assert (call.channel, call.address, call.state) == (
        MessageChannel.VOICE, sms.address, MessageState.QUEUED)


def test_failed_because_opted_out_records_the_opt_out(full_class, client):
    _booked, _waiting, sms = full_class
    message = _status(client, sms, MessageSid=sms.provider_id, MessageStatus="failed",
                      ErrorCode="21610")
    assert message.state == MessageState.FAILED
    assert optout.is_opted_out(sms.address, MessageChannel.SMS)
    # Twilio's 21610 blocks SMS only: calls to the number go on
    assert not optout.is_opted_out(sms.address, MessageChannel.VOICE)


def test_an_unanswered_call_is_retried(hooks, client, create_session, create_person):
    session = create_session(day=future_day(), start=time(14), end=time(15))
    booking = booking_for(session, create_person(phone="0466-82-4455"), utcnow())
    call = mark_sent(queued(booking, "voice")[0], utcnow())
    message = _status(client, call, CallSid=call.provider_id, CallStatus="no-answer")
    assert (message.state, message.error_code) == (MessageState.UNDELIVERED, "no_answer")
    [retry] = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.replaces_id == call.id)).all()
    assert retry.state == MessageState.QUEUED
    answered = mark_sent(retry, utcnow())
    assert _status(client, answered, CallSid=answered.provider_id,
                   CallStatus="completed").state == MessageState.DELIVERED


# -- SMS replies -----------------------------------------------------------------------------

def test_one_records_the_confirmation_and_names_the_class(full_class, client):
    booked, _waiting, _sms = full_class
    answer = _reply(client, "１")  # full-width, as phones often send it
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).confirmation == Confirmation.CONFIRMED
    assert "Thank you" in answer
    assert booked.session.venue.short_name in answer
    [reply] = db.session.scalars(db.select(SmsReply)).all()
    assert (reply.action, reply.topic, reply.topic_id) == (ReplyAction.CONFIRMED, "booking",
                                                          booked.id)


def test_two_asks_then_cancels_and_promotes_the_waiting_list(full_class, client):
    booked, waiting, _sms = full_class
    question = _reply(client, "2")
    assert "Reply 2 again" in question and booked.session.venue.short_name in question
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).status == BookingStatus.BOOKED

    answer = _reply(client, "キャンセル")
    assert answer.startswith("Cancelled:")
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).status == BookingStatus.CANCELLED
    assert db.session.get(type(waiting), waiting.id).status == BookingStatus.BOOKED
    assert queued(waiting, "sms", BookingTemplate.WAITLIST_PROMOTED)
    # the answer said it: no second cancellation SMS to the same number
    assert not queued(booked, "sms", BookingTemplate.BOOKING_CANCELLED)
    actions = db.session.scalars(db.select(SmsReply.action).order_by(SmsReply.id)).all()
    assert actions == [ReplyAction.CANCEL_ASKED, ReplyAction.CANCELLED]


def test_something_else_between_resets_the_cancel_question(full_class, client):
    booked, _waiting, _sms = full_class
    _reply(client, "2")
    _reply(client, "ありがとう")
    assert "Reply 2 again" in _reply(client, "2")
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).status == BookingStatus.BOOKED


def test_stop_and_start(full_class, client):
    answer = _reply(client, "停止")
    assert "START" in answer or "再開" in answer
    assert optout.is_opted_out("+819011112222", MessageChannel.SMS)
    assert not optout.is_opted_out("+819011112222", MessageChannel.VOICE)
    _reply(client, "START")
    assert not optout.is_opted_out("+819011112222", MessageChannel.SMS)


def test_anything_else_gets_help_with_the_desk_phone(full_class, client):
    answer = _reply(client, "明日は雨ですか")
    assert DESK_PHONE in answer
    assert "reply 1" in answer
    stranger = _reply(client, "こんにちは", sender="+819055556666")
    assert DESK_PHONE in stranger


def test_a_webhook_delivered_twice_acts_once(full_class, client):
    _booked, _waiting, _sms = full_class
    sid = new_sid()
    assert _reply(client, "2", sid=sid)
    assert _reply(client, "2", sid=sid) == ""
    assert db.session.scalar(db.select(db.func.count(SmsReply.id))) == 1


def test_a_reply_whose_commit_fails_is_not_answered_as_done(full_class, client, app,
                                                            monkeypatch):
    booked, _waiting, _sms = full_class
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def fail(session):
        if not session.in_nested_transaction():
            raise RuntimeError("the database went away")

    event.listen(Session, "before_commit", fail)
    try:
        response = signed_post(client, "/twilio/sms", {
            "From": "+819011112222", "To": SMS_FROM, "Body": "1", "MessageSid": new_sid()})
    finally:
        event.remove(Session, "before_commit", fail)
    assert response.status_code == 500
    assert response.mimetype != "application/xml"
    db.session.expire_all()
    assert db.session.get(type(booked), booked.id).confirmation != Confirmation.CONFIRMED
    assert db.session.scalar(db.select(db.func.count(SmsReply.id))) == 0


# -- the call's key menu -------------------------------------------------------------------

@pytest.fixture
def call(full_class, create_person):
    """A reminder call about the booked seat to the person's landline."""
    booked, waiting, _sms = full_class
    message = OutboxMessage(recipient_kind="person", person_id=booked.person_id,
                            channel=MessageChannel.VOICE, address="+81466251234",
                            template=BookingTemplate.REMINDER, locale="en", due_dt=utcnow(),
                            topic="booking", topic_id=booked.id, not_after=booked.session.start_dt)
    db.session.add(message)
    db.session.commit()
    return mark_sent(message, utcnow())


def _press(client, path, digits):
    response = signed_post(client, path, {"Digits": digits, "CallSid": new_sid("CA")})
    assert response.status_code == 200
    db.session.expire_all()
    return ET.fromstring(response.data)


def test_key_one_confirms(call, client):
    root = _press(client, f"/twilio/voice/{call.id}/gather", "1")
    assert "Thank you" in root.find("Say").text
    assert booking_of(db.session.get(OutboxMessage, call.id)).confirmation == \
        Confirmation.CONFIRMED


def test_key_two_asks_then_cancels(call, client, full_class):
    booked, waiting, _sms = full_class
    root = _press(client, f"/twilio/voice/{call.id}/gather", "2")
    gather = root.find("Gather")
    assert gather.get("action") == f"{PUBLIC_URL}/twilio/voice/{call.id}/cancel"
    assert "press 2 again" in gather.find("Say").text
    root = _press(client, f"/twilio/voice/{call.id}/cancel", "1")
    assert "kept" in root.find("Say").text
    assert db.session.get(type(booked), booked.id).status == BookingStatus.BOOKED
    root = _press(client, f"/twilio/voice/{call.id}/cancel", "2")
    assert "cancelled" in root.find("Say").text
    assert db.session.get(type(booked), booked.id).status == BookingStatus.CANCELLED
    assert db.session.get(type(waiting), waiting.id).status == BookingStatus.BOOKED
    # once cancelled, the menu offers nothing more
    root = _press(client, f"/twilio/voice/{call.id}/gather", "1")
    assert root.find("Gather") is None


def test_key_nine_repeats_and_others_repeat_the_menu(call, client):
    root = _press(client, f"/twilio/voice/{call.id}/gather", "9")
    says = [say.text for say in root.find("Gather").iter("Say")]
    assert says[0] == says[1] and "press 9" in says[2]
    root = _press(client, f"/twilio/voice/{call.id}/gather", "5")
    assert "press 1" in root.find("Gather").find("Say").text


# -- no more calls: notify's own key -----------------------------------------------------------

def test_the_call_offers_the_no_more_calls_key_last(call, client):
    root = _press(client, f"/twilio/voice/{call.id}/gather", "9")
    says = [say.text for say in root.find("Gather").iter("Say")]
    assert says[-1] == "If you would rather not get these calls, press 8."


def test_key_eight_twice_stops_calls_to_the_number_and_says_so(call, client):
    root = _press(client, f"/twilio/voice/{call.id}/gather", "8")
    gather = root.find("Gather")
    assert gather.get("action") == f"{PUBLIC_URL}/twilio/voice/{call.id}/stop"
    assert "press 8 again" in gather.find("Say").text
    assert not optout.is_opted_out("+81466251234", MessageChannel.VOICE)
    root = _press(client, f"/twilio/voice/{call.id}/stop", "8")
    assert root.find("Gather") is None
    assert root.find("Say").text == "We will not call you any more."
    assert root.find("Hangup") is not None
    stop = db.session.scalar(select(OptOut).where(OptOut.address == "+81466251234"))
    assert (stop.channel, stop.source) == (MessageChannel.VOICE, OptOutSource.PHONE_KEY)
    # SMS to the number go on; the change is in the audit log
    assert not optout.is_opted_out("+81466251234", MessageChannel.SMS)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notify.opt_out"))
    assert entry.actor_label == "phone key" and entry.after["channel"] == "voice"


def test_another_key_after_eight_keeps_the_calls(call, client):
    _press(client, f"/twilio/voice/{call.id}/gather", "8")
    root = _press(client, f"/twilio/voice/{call.id}/stop", "1")
    assert root.find("Say").text == "We will go on calling you."
    assert not optout.is_opted_out("+81466251234", MessageChannel.VOICE)


def test_the_stop_is_said_in_japanese(call, client):
    call.locale = "ja"
    db.session.commit()
    root = _press(client, f"/twilio/voice/{call.id}/stop", "8")
    assert root.find("Say").text == "今後、お電話はいたしません。"
    assert optout.is_opted_out("+81466251234", MessageChannel.VOICE)


def test_a_forged_key_press_stops_nothing(call, client):
    response = client.post(f"/twilio/voice/{call.id}/stop", data={"Digits": "8"},
                           headers={"X-Twilio-Signature": "forged"})
    assert response.status_code == 403
    assert not optout.is_opted_out("+81466251234", MessageChannel.VOICE)
