"""Twilio's webhooks: the signature check, whether webhooks can work at all, and the
delivery status callbacks.

Twilio signs every webhook (X-Twilio-Signature: an HMAC of the URL it called plus the
POST parameters, keyed with the auth token). Behind a reverse proxy the URL the app
sees is not the one Twilio called, so the URL is rebuilt from DESK_PUBLIC_URL and the
request's path. A missing or wrong signature, or no auth token to check it with, is
403 whoever asks.

Webhooks need a DESK_PUBLIC_URL that Twilio can reach. Where it is a loopback,
private or single-label host (the default http://127.0.0.1:<port>, a closed network),
desk sends outbound only: no status callback URL is given to Twilio, SMS and calls do
not offer replies, and the coordinators' pages say that delivery status and replies
are off (templates/notify/_webhooks_off.html).
"""

import ipaddress
import logging
from functools import lru_cache
from urllib.parse import urlsplit

from flask import abort, current_app, request
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from desk.core.db import lock_rows
from desk.extensions import db
from desk.notify import dispatch, optout, voice
from desk.notify.models import MessageChannel, MessageState, OptOutSource, OutboxMessage

logger = logging.getLogger("desk.notify")

SIGNATURE_HEADER = "X-Twilio-Signature"

# Twilio's final statuses -> outbox states; "sent" only moves a message that was not
# known to be sent yet (a dispatcher that died after the provider accepted it)
SMS_STATES = {
    "sent": MessageState.SENT,
    "delivered": MessageState.DELIVERED,
    "undelivered": MessageState.UNDELIVERED,
    "failed": MessageState.FAILED,
}
CALL_STATES = {
    "completed": MessageState.DELIVERED,
    "failed": MessageState.FAILED,
    "canceled": MessageState.FAILED,
}
# states a status callback may move on from
OPEN_STATES = (MessageState.SENDING, MessageState.UNKNOWN, MessageState.SENT)


def _is_internal_host(host):
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a single-label intranet name
    return not address.is_global


def webhooks_enabled(config=None):
    """Whether Twilio can reach desk: DESK_PUBLIC_URL names a public host."""
    config = config or current_app.config
    return _is_public_url(config["DESK_PUBLIC_URL"])


@lru_cache(maxsize=16)
def _is_public_url(url):
    """Asked for every SMS written and sent: the answer for a URL never changes."""
    return not _is_internal_host(urlsplit(url).hostname)


def sms_replies_enabled(config=None):
    """Whether people can answer an SMS: webhooks work and the sender is a number or a
    messaging service (an alphanumeric sender ID is one-way)."""
    config = config or current_app.config
    sender = config["DESK_SMS_FROM"]
    two_way = bool(config["DESK_TWILIO_MESSAGING_SERVICE_SID"]) or sender.startswith("+")
    return webhooks_enabled(config) and two_way


def public_request_url():
    """The URL Twilio called: DESK_PUBLIC_URL plus the path inside the app."""
    url = current_app.config["DESK_PUBLIC_URL"].rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def signature_is_valid():
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_request_url(), request.form, signature)


def require_signature():
    """before_request of the webhook blueprint."""
    if request.endpoint is None:
        return None
    if not signature_is_valid():
        logger.warning("Twilio webhook without a valid signature: %s", request.path)
        abort(403)
    return None


# -- delivery status -------------------------------------------------------------------

def record_status(message_id, params, *, now):
    """Apply one status callback to its outbox message; returns the message (or None
    when it is unknown or the callback belongs to another provider id).

    The callback URL names the outbox row, so a message whose dispatcher died after
    the provider accepted it (state `sending` or `unknown`, no provider id yet) is
    settled here too. States only move forward; a late "sent" never undoes
    "delivered". A failed SMS whose error says "landline" plans the voice call
    instead, and 21610 opts the number out, as when the provider refuses at once
    (desk.notify.dispatch)."""
    message = lock_rows(db.session, select(OutboxMessage).where(
        OutboxMessage.id == message_id)).first()
    if message is None:
        return None
    sid = params.get("MessageSid") or params.get("CallSid") or ""
    if message.provider_id and sid and sid != message.provider_id:
        logger.warning("status callback for message %s names %s, not %s",
                       message.id, sid, message.provider_id)
        return None
    if message.state not in OPEN_STATES:
        return message
    if message.provider_id is None and sid:
        message.provider_id = sid
    if message.channel == MessageChannel.VOICE:
        _record_call_status(message, params.get("CallStatus", ""), params, now=now)
    else:
        _record_message_status(message, params.get("MessageStatus", ""), params, now=now)
    db.session.flush()
    return message


def _record_message_status(message, status, params, *, now):
    state = SMS_STATES.get(status)
    if state is None or (state == MessageState.SENT and message.state == MessageState.SENT):
        return
    _move(message, state, now=now)
    if state not in (MessageState.UNDELIVERED, MessageState.FAILED):
        return
    code = params.get("ErrorCode") or None
    _fail(message, state, code, f"Twilio: {status}" + (f" (error {code})" if code else ""),
          now=now)
    if code in dispatch.LANDLINE_CODES:
        dispatch.plan_voice_fallback(message, now=now)
    elif code == dispatch.OPTED_OUT_CODE:
        optout.opt_out(message.address, channel=MessageChannel.SMS,
                       source=OptOutSource.PROVIDER, actor=None, now=now)


def _record_call_status(message, status, params, *, now):
    if status in voice.NOT_ANSWERED_CODES:
        voice.not_answered(message, status, now=now)
        return
    state = CALL_STATES.get(status)
    if state is None:
        return
    _move(message, state, now=now)
    if state == MessageState.FAILED:
        code = params.get("SipResponseCode") or None
        _fail(message, state, code, f"Twilio call: {status}", now=now)


def _fail(message, state, code, text, *, now):
    message.state = state
    message.error_code = str(code)[:OutboxMessage.CODE_MAX] if code else None
    message.last_error = text[:OutboxMessage.ERROR_MAX]
    message.updated_dt = now


def _move(message, state, *, now):
    message.state = state
    message.updated_dt = now
    if message.sent_dt is None:
        message.sent_dt = now
