"""SMS through the real `twilio` library: the exact requests, the error mapping, the
reconciliation lookup, the backend choice, the log backend and a Twilio-compatible
server on loopback (DESK_TWILIO_BASE_URL)."""

import socket
import threading
from datetime import timedelta

import pytest

from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.channels import backend_for
from desk.notify.channels.base import OutcomeUnknown, PermanentError, TransientError
from desk.notify.channels.log import LogBackend, masked
from desk.notify.channels.twilio_client import build_client
from desk.notify.channels.twilio_sms import TwilioSms
from desk.notify.content import render
from desk.notify.models import MessageState, OutboxMessage
from tests.fixtures.factories import NOW
from tests.notify.channel_support import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SMS_FROM,
    FakeTwilio,
    booking_for,
    configure,
    new_sid,
    queued,
    recording_client,
    twilio_error,
)

MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


@pytest.fixture
def sms_message(ctx, monkeypatch, create_session, create_person):
    configure(monkeypatch, ctx)
    booking = booking_for(create_session(), create_person(phone="090-1234-5678"), NOW)
    return queued(booking, "sms", BookingTemplate.BOOKING_CONFIRMED)[0]


def test_send_posts_to_from_and_body(sms_message, ctx):
    client, recorder = recording_client()
    content = render(sms_message)
    result = TwilioSms(client, ctx.config).send(sms_message, content)
    [request] = recorder.requests
    assert request["method"] == "POST"
    assert request["uri"] == MESSAGES_URL
    assert request["auth"] == (ACCOUNT_SID, AUTH_TOKEN)
    assert request["data"] == {
        "To": "+819012345678",
        "From": SMS_FROM,
        "Body": content.sms_body,
        "StatusCallback": f"{PUBLIC_URL}/twilio/status/{sms_message.id}",
    }
    assert result.state == "sent"
    assert result.provider_id.startswith("SM")


def test_send_through_a_messaging_service(sms_message, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_TWILIO_MESSAGING_SERVICE_SID", "MG" + "1" * 32)
    client, recorder = recording_client()
    TwilioSms(client, ctx.config).send(sms_message, render(sms_message))
    data = recorder.requests[0]["data"]
    assert data["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in data


def test_no_status_callback_without_a_public_url(sms_message, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_PUBLIC_URL", "http://127.0.0.1:5000")
    client, recorder = recording_client()
    TwilioSms(client, ctx.config).send(sms_message, render(sms_message))
    assert "StatusCallback" not in recorder.requests[0]["data"]


@pytest.mark.parametrize(("response", "error", "code"), [
    (twilio_error(429, 20429, "Too Many Requests"), TransientError, 20429),
    (twilio_error(400, 20429), TransientError, 20429),
    (twilio_error(500, 20500, "Internal Server Error"), TransientError, 20500),
    (twilio_error(503, 20503, "Service Unavailable"), TransientError, 20503),
    (twilio_error(400, 21211, "Invalid 'To' Phone Number"), PermanentError, 21211),
    (twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"), PermanentError, 21610),
    (twilio_error(400, 21614, "'To' number is not a valid mobile number"), PermanentError, 21614),
    (twilio_error(400, 21635, "'To' number cannot be a landline"), PermanentError, 21635),
    (twilio_error(400, 30006, "Landline or unreachable carrier"), PermanentError, 30006),
])
def test_provider_errors_are_mapped(sms_message, ctx, response, error, code):
    client, _recorder = recording_client([response])
    with pytest.raises(error) as raised:
        TwilioSms(client, ctx.config).send(sms_message, render(sms_message))
    assert raised.value.code == code


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_server_is_transient(sms_message, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_TWILIO_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    client = build_client(ctx.config)
    with pytest.raises(TransientError) as raised:
        TwilioSms(client, ctx.config).send(sms_message, render(sms_message))
    assert raised.value.code == "connection"


def test_no_answer_after_sending_is_an_unknown_outcome(sms_message, ctx, monkeypatch):
    """The request reached the server but no answer came back: Twilio may have the
    message, so it must not be retried blindly."""
    from twilio.http.http_client import TwilioHttpClient

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []

    def accept_and_stay_silent():
        connection, _address = listener.accept()
        accepted.append(connection)

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    monkeypatch.setitem(ctx.config, "DESK_TWILIO_BASE_URL",
                        f"http://127.0.0.1:{listener.getsockname()[1]}")
    client = build_client(ctx.config, http_client=TwilioHttpClient(timeout=0.5))
    try:
        with pytest.raises(OutcomeUnknown):
            TwilioSms(client, ctx.config).send(sms_message, render(sms_message))
    finally:
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


# -- reconciliation -------------------------------------------------------------------------

def _listing(*messages):
    return 200, {"messages": list(messages), "next_page_uri": None, "page": 0,
                 "page_size": 50, "uri": "/x", "first_page_uri": "/x",
                 "previous_page_uri": None}


def _provider_message(sid, body, created, status="delivered"):
    return {"sid": sid, "body": body, "status": status, "to": "+819012345678",
            "date_created": created.strftime("%a, %d %b %Y %H:%M:%S +0000")}


def _claimed(message):
    message.state = MessageState.UNKNOWN
    message.claimed_dt = NOW
    db.session.flush()
    return message


def test_lookup_finds_the_message_sent_since_the_claim(sms_message, ctx):
    message = _claimed(sms_message)
    body = render(message).sms_body
    sid = new_sid()
    client, recorder = recording_client([_listing(
        _provider_message(new_sid(), "another text", NOW + timedelta(seconds=5)),
        _provider_message(sid, body, NOW + timedelta(seconds=3)),
        _provider_message(new_sid(), body, NOW - timedelta(days=1)))])
    result = TwilioSms(client, ctx.config).lookup(message)
    assert (result.provider_id, result.state) == (sid, "delivered")
    assert recorder.requests[0]["method"] == "GET"
    assert recorder.requests[0]["params"]["To"] == "+819012345678"


def test_lookup_returns_none_when_the_provider_never_got_it(sms_message, ctx):
    message = _claimed(sms_message)
    client, _recorder = recording_client([_listing(
        _provider_message(new_sid(), render(message).sms_body, NOW - timedelta(hours=3)))])
    assert TwilioSms(client, ctx.config).lookup(message) is None


def test_lookup_skips_what_another_row_already_owns(sms_message, ctx):
    message = _claimed(sms_message)
    body = render(message).sms_body
    owned = new_sid()
    other = OutboxMessage(recipient_kind=message.recipient_kind, person_id=message.person_id,
                          channel=message.channel, address=message.address,
                          template=message.template, locale="ja", due_dt=NOW,
                          topic=message.topic, topic_id=message.topic_id,
                          not_after=message.not_after,
                          state=MessageState.SENT, provider_id=owned)
    db.session.add(other)
    db.session.flush()
    client, _recorder = recording_client([_listing(
        _provider_message(owned, body, NOW + timedelta(seconds=1), status="sent"))])
    assert TwilioSms(client, ctx.config).lookup(message) is None


# -- the backend choice and the log backend ---------------------------------------------------

def test_backend_for_picks_twilio_only_when_configured(sms_message, ctx, monkeypatch):
    assert isinstance(backend_for(sms_message, ctx), TwilioSms)
    monkeypatch.setitem(ctx.config, "DESK_SMS_FROM", "")
    assert isinstance(backend_for(sms_message, ctx), LogBackend)
    monkeypatch.setitem(ctx.config, "DESK_TWILIO_MESSAGING_SERVICE_SID", "MG" + "2" * 32)
    assert isinstance(backend_for(sms_message, ctx), TwilioSms)
    monkeypatch.setitem(ctx.config, "TWILIO_AUTH_TOKEN", "")
    assert isinstance(backend_for(sms_message, ctx), LogBackend)


def test_log_backend_records_and_says_not_sent(sms_message, capsys):
    content = render(sms_message)
    result = LogBackend().send(sms_message, content)
    assert (result.state, result.provider_id) == ("logged", None)
    printed = capsys.readouterr().out
    assert "NOT SENT" in printed
    assert content.sms_body not in printed
    assert "+819012345678" not in printed and "+8190****5678" in printed
    assert masked("keiko@example.jp") == "k***@example.jp"


def test_sending_through_a_twilio_compatible_server_on_loopback(sms_message, ctx, monkeypatch):
    with FakeTwilio() as fake:
        monkeypatch.setitem(ctx.config, "DESK_TWILIO_BASE_URL", fake.url)
        backend = backend_for(sms_message, ctx)
        content = render(sms_message)
        result = backend.send(sms_message, content)
    [request] = fake.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["headers"]["Authorization"].startswith("Basic ")
    assert request["form"] == {"To": "+819012345678", "From": SMS_FROM,
                               "Body": content.sms_body,
                               "StatusCallback": f"{PUBLIC_URL}/twilio/status/{sms_message.id}"}
    assert result.state == "sent"


def test_the_client_reads_proxies_and_the_ca_bundle_once_when_it_is_built(sms_message, ctx,
                                                                          monkeypatch):
    """The standard variables still apply, but `requests` never scans the environment
    again for each request (trust_env off): they are fixed on the client's session."""
    for name in ("https_proxy", "http_proxy", "all_proxy", "no_proxy", "NO_PROXY",
                 "ALL_PROXY", "HTTP_PROXY", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.city.example.jp:8080")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/city-proxy.pem")
    monkeypatch.setitem(ctx.config, "DESK_TWILIO_BASE_URL", "")
    http = build_client(ctx.config).http_client
    assert http.session.trust_env is False
    assert http.proxy == {"https": "http://proxy.city.example.jp:8080"}
    assert http.session.verify == "/etc/ssl/certs/city-proxy.pem"

    monkeypatch.setenv("NO_PROXY", "api.twilio.com")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    http = build_client(ctx.config).http_client
    assert http.proxy == {} and http.session.verify is True
