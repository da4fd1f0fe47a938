"""Voice calls through the real `twilio` library: the exact request (To, From, Twiml,
status callback), the errors, the lookup, and the one retry of an unanswered call."""

from datetime import date, time, timedelta

import pytest

from desk.core.timeutil import local_datetime
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import voice
from desk.notify.channels import backend_for
from desk.notify.channels.base import PermanentError, TransientError
from desk.notify.channels.log import LogBackend
from desk.notify.channels.twilio_voice import TwilioVoice
from desk.notify.content import render
from desk.notify.models import MessageState, OutboxMessage
from tests.fixtures.factories import NOW
from tests.notify.channel_support import (
    ACCOUNT_SID,
    PUBLIC_URL,
    VOICE_FROM,
    FakeTwilio,
    booking_for,
    configure,
    new_sid,
    queued,
    recording_client,
    twilio_error,
)

CALLS_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


@pytest.fixture
def call_message(ctx, monkeypatch, create_session, create_person):
    """The confirmation call to a landline (0466-...)."""
    configure(monkeypatch, ctx)
    booking = booking_for(create_session(), create_person(phone="0466-25-1234"), NOW)
    return queued(booking, "voice", BookingTemplate.BOOKING_CONFIRMED)[0]


def test_call_posts_to_from_twiml_and_callback(call_message, ctx):
    client, recorder = recording_client()
    content = render(call_message, now=NOW)
    result = TwilioVoice(client, ctx.config).send(call_message, content)
    [request] = recorder.requests
    assert request["uri"] == CALLS_URL
    assert request["data"] == {
        "To": "+81466251234",
        "From": VOICE_FROM,
        "Twiml": content.voice_twiml,
        "StatusCallback": f"{PUBLIC_URL}/twilio/status/{call_message.id}",
        "StatusCallbackMethod": "POST",
        "StatusCallbackEvent": ["completed"],
    }
    assert content.voice_twiml.startswith("<Response><Gather ")
    assert f'action="{PUBLIC_URL}/twilio/voice/{call_message.id}/gather"' in content.voice_twiml
    assert result.provider_id.startswith("CA") and result.state == "sent"


def test_a_reminder_call_speaks_with_the_citys_voice(call_message, ctx, monkeypatch):
    """DESK_PHONE_VOICE is the voice of every call desk makes, not only the phone line's."""
    monkeypatch.setitem(ctx.config, "DESK_PHONE_VOICE", "Polly.Takumi")
    twiml = render(call_message, now=NOW).voice_twiml
    assert 'voice="Polly.Takumi"' in twiml and "Polly.Mizuki" not in twiml


def test_call_without_a_public_url_is_outbound_only(call_message, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_PUBLIC_URL", "http://192.168.1.20:5000")
    client, recorder = recording_client()
    content = render(call_message, now=NOW)
    TwilioVoice(client, ctx.config).send(call_message, content)
    data = recorder.requests[0]["data"]
    assert set(data) == {"To", "From", "Twiml"}
    assert "<Gather" not in data["Twiml"]


@pytest.mark.parametrize(("response", "error"), [
    (twilio_error(429, 20429), TransientError),
    (twilio_error(502, 20502), TransientError),
    (twilio_error(400, 21211, "Invalid 'To' Phone Number"), PermanentError),
    (twilio_error(400, 21215, "Geo permission"), PermanentError),
])
def test_call_errors_are_mapped(call_message, ctx, response, error):
    client, _recorder = recording_client([response])
    with pytest.raises(error):
        TwilioVoice(client, ctx.config).send(call_message, render(call_message, now=NOW))


def test_backend_for_needs_a_caller_number(call_message, ctx, monkeypatch):
    assert isinstance(backend_for(call_message, ctx), TwilioVoice)
    monkeypatch.setitem(ctx.config, "DESK_VOICE_FROM", "")
    assert isinstance(backend_for(call_message, ctx), LogBackend)


def test_call_through_a_twilio_compatible_server(call_message, ctx, monkeypatch):
    with FakeTwilio() as fake:
        monkeypatch.setitem(ctx.config, "DESK_TWILIO_BASE_URL", fake.url)
        content = render(call_message, now=NOW)
        backend_for(call_message, ctx).send(call_message, content)
    [request] = fake.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    assert request["form"]["To"] == "+81466251234"
    assert request["form"]["From"] == VOICE_FROM
    assert request["form"]["Twiml"] == content.voice_twiml


def test_lookup_finds_the_call_placed_since_the_claim(call_message, ctx):
    call_message.state = MessageState.UNKNOWN
    call_message.claimed_dt = NOW
    db.session.flush()
    sid = new_sid("CA")
    stamp = (NOW + timedelta(seconds=2)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    client, _recorder = recording_client([(200, {
        "calls": [{"sid": sid, "status": "completed", "to": "+81466251234",
                   "date_created": stamp}],
        "next_page_uri": None, "page": 0, "page_size": 50, "uri": "/x",
        "first_page_uri": "/x", "previous_page_uri": None})])
    result = TwilioVoice(client, ctx.config).lookup(call_message)
    assert (result.provider_id, result.state) == (sid, "delivered")


# -- no answer -------------------------------------------------------------------------------

def _sent(message):
    message.state = MessageState.SENT
    message.provider_id = new_sid("CA")
    message.sent_dt = NOW
    db.session.flush()
    return message


def test_an_unanswered_call_is_tried_once_more_an_hour_later(call_message):
    retry = voice.not_answered(_sent(call_message), "no-answer", now=NOW)
    assert call_message.state == MessageState.UNDELIVERED
    assert call_message.error_code == "no_answer"
    assert retry.state == MessageState.QUEUED
    assert retry.due_dt == NOW + timedelta(hours=1)
    assert retry.replaces_id == call_message.id
    assert (retry.channel, retry.address, retry.template, retry.topic, retry.topic_id,
            retry.not_after) == (
        call_message.channel, call_message.address, call_message.template,
        call_message.topic, call_message.topic_id, call_message.not_after)
    # the retry is busy too: failed, nothing more
    _sent(retry)
    assert voice.not_answered(retry, "busy", now=NOW + timedelta(hours=1)) is None
    assert retry.state == MessageState.FAILED
    assert retry.error_code == "busy"
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == call_message.topic_id,
        OutboxMessage.state == MessageState.QUEUED,
        OutboxMessage.template == BookingTemplate.BOOKING_CONFIRMED,
        OutboxMessage.channel == "voice")) == 0


def test_no_retry_when_the_session_starts_within_the_hour(ctx, monkeypatch, create_session,
                                                          create_person):
    configure(monkeypatch, ctx)
    session = create_session(day=date(2026, 11, 23), start=time(11, 30), end=time(12, 30))
    booking = booking_for(session, create_person(phone="0466-82-4455"), NOW)
    message = _sent(queued(booking, "voice")[0])
    late = local_datetime(date(2026, 11, 23), time(10, 45))
    assert voice.not_answered(message, "no-answer", now=late) is None
    assert message.state == MessageState.FAILED


def test_a_call_standing_in_for_an_sms_still_gets_its_retry(ctx, monkeypatch, create_session,
                                                             create_person):
    from desk.notify.dispatch import plan_voice_fallback

    configure(monkeypatch, ctx)
    booking = booking_for(create_session(), create_person(phone="090-8888-0001"), NOW)
    sms = queued(booking, "sms", BookingTemplate.BOOKING_CONFIRMED)[0]
    sms.state, sms.error_code = MessageState.FAILED, "21614"
    call = _sent(plan_voice_fallback(sms, now=NOW))
    retry = voice.not_answered(call, "no-answer", now=NOW)
    assert retry is not None and retry.replaces_id == call.id
    assert call.state == MessageState.UNDELIVERED
