"""The real `twilio.rest.Client`, built from the configuration, and what Twilio's
errors mean for the dispatcher.

TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN authenticate; DESK_TWILIO_BASE_URL (staging,
tests, the dispatch bench) points the client at a Twilio-compatible server instead of
api.twilio.com, and then TWILIO_REGION / TWILIO_EDGE from the environment are ignored
so that they cannot rewrite that host. One client per thread (its HTTP session is not
shared between threads), kept for as long as the settings stay the same, so that its
connection to Twilio stays open from one message to the next; a forked process (Celery's
prefork workers) builds its own instead of sharing its parent's sockets.

The environment is read once, when a client is built, not for every request (`requests`
would otherwise scan every environment variable for proxy settings on each send, about
a sixth of a dispatcher's time): the standard HTTPS_PROXY / HTTP_PROXY / NO_PROXY
variables (desk has no proxy setting of its own) and REQUESTS_CA_BUNDLE /
CURL_CA_BUNDLE (a CA bundle for a proxy that inspects TLS) apply as they did, but a
change to them takes effect when desk restarts.

A call recording's audio is fetched with `fetch_media` (the twilio library's HttpClient
reads bodies as text, so this is a plain authenticated GET) and deleted with
`delete_recording`.

Errors (`provider_errors`):
- HTTP 429, Twilio 20429, any 5xx, a connection that could not be made (refused, or
  timed out while connecting): TransientError (not processed: try again with backoff).
- A read timeout or a connection dropped after the request went out: OutcomeUnknown, since
  Twilio may have accepted it; the message becomes `unknown` and is reconciled with
  `lookup`, never re-sent blindly.
- Any other 4xx: PermanentError with Twilio's code, among them 21211 (invalid number),
  21610 (the recipient opted out), 21614 / 21635 (not a mobile number: no SMS to a
  landline), 30006 (landline or unreachable carrier).
"""

import os
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError

from desk.notify.channels.base import OutcomeUnknown, PermanentError, TransientError

TIMEOUT_SECONDS = 15
RATE_LIMITED = 20429
TWILIO_API = "https://api.twilio.com"
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

_local = threading.local()


def _forget_clients():
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_forget_clients)


def is_configured(config):
    return bool(config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"])


def http_client_for(url):
    """A twilio HttpClient for requests to `url` whose session keeps its connections and
    never reads the environment again: the proxies (NO_PROXY honoured) and the CA bundle
    the environment names now are fixed on it, and `trust_env` is off."""
    http = TwilioHttpClient(timeout=TIMEOUT_SECONDS,
                            proxy=requests.utils.get_environ_proxies(url))
    http.session.trust_env = False
    http.session.verify = next(
        (os.environ[name] for name in CA_BUNDLE_VARIABLES if os.environ.get(name)), True)
    return http


def build_client(config, http_client=None):
    """A new client for these settings (`http_client`: a twilio.http.HttpClient)."""
    base_url = config["DESK_TWILIO_BASE_URL"].rstrip("/")
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                    http_client=http_client or http_client_for(base_url or TWILIO_API))
    if base_url:
        client.region = client.edge = None
        client.api.base_url = base_url
    return client


def client_for(config):
    """This thread's client for the current settings."""
    key = (config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
           config["DESK_TWILIO_BASE_URL"])
    cached = getattr(_local, "clients", None)
    if cached is None:
        cached = _local.clients = {}
    if key not in cached:
        cached[key] = build_client(config)
    return cached[key]


def fetch_media(config, url):
    """(bytes, content type) of a media file at Twilio (a recording's audio), fetched with
    the account's credentials; at DESK_TWILIO_BASE_URL instead when it is set (the
    path kept). Raises what `provider_errors` turns into TransientError and the like."""
    base_url = config["DESK_TWILIO_BASE_URL"].rstrip("/")
    if base_url:
        url = base_url + urlsplit(url).path
    response = requests.get(url, auth=(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"]),
                            timeout=TIMEOUT_SECONDS)
    if response.status_code >= 400:
        raise TwilioRestException(response.status_code, url, "media could not be fetched")
    return response.content, response.headers.get("Content-Type", "application/octet-stream")


def delete_recording(config, sid):
    """Delete a recording at Twilio; True when it is gone (deleted now, or before)."""
    try:
        return client_for(config).recordings(sid).delete()
    except TwilioRestException as error:
        if error.status == 404:
            return True
        raise


def _code(error):
    return error.code if error.code is not None else error.status


@contextmanager
def provider_errors():
    """Turn what the twilio library raises into TransientError / PermanentError."""
    try:
        yield
    except TwilioRestException as error:
        text = f"Twilio {error.status}: {error.msg}"
        if error.status == 429 or error.code == RATE_LIMITED or error.status >= 500:
            raise TransientError(text, code=_code(error)) from error
        raise PermanentError(text, code=_code(error)) from error
    except requests.exceptions.RequestException as error:
        if _never_sent(error):
            raise TransientError(f"Twilio unreachable: {error}", code="connection") from error
        raise OutcomeUnknown(f"No answer from Twilio: {error}", code="no_answer") from error


def _never_sent(error):
    """Whether the request failed before it reached Twilio (no connection was made)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, ConnectTimeoutError)
