"""What the channel tests share: a recording twilio HttpClient, a Twilio-compatible
server on loopback, Twilio-signed webhook requests and a booking to write about."""

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qs

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from desk.core.timeutil import local_today
from desk.events import services as event_services
from desk.extensions import db
from desk.notify.models import MessageChannel, MessageState, OutboxMessage

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
PUBLIC_URL = "https://desk.example.jp"
SMS_FROM = "+15005550006"
VOICE_FROM = "+81312345678"
LONGEST_SHORT_NAME = "湘南台市民センタ"  # Venue.SHORT_NAME_MAX (8) characters
_sids = count(1)


def new_sid(prefix="SM"):
    return f"{prefix}{next(_sids):032x}"


class Recording(HttpClient):
    """A twilio HttpClient that records every request and answers from a script
    (a list of (status, body dict)); without a script, 201 with a fresh sid."""

    def __init__(self, responses=None):
        super().__init__(logging.getLogger("tests.twilio"), is_async=False)
        self.requests = []
        self.responses = list(responses or [])

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "params": params or {},
                              "data": dict(data or {}), "auth": auth})
        if self.responses:
            status, body = self.responses.pop(0)
        else:
            prefix = "CA" if uri.endswith("/Calls.json") else "SM"
            status, body = 201, {"sid": new_sid(prefix), "status": "queued"}
        if isinstance(body, Exception):
            raise body
        return Response(status, json.dumps(body))


def recording_client(responses=None):
    recorder = Recording(responses)
    return Client(ACCOUNT_SID, AUTH_TOKEN, http_client=recorder), recorder


def twilio_error(status, code, message="refused"):
    return status, {"code": code, "message": message, "status": status,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def configure(monkeypatch, app, **values):
    """Twilio and the public URL set up; `values` override."""
    settings = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "DESK_SMS_FROM": SMS_FROM, "DESK_VOICE_FROM": VOICE_FROM,
                "DESK_TWILIO_MESSAGING_SERVICE_SID": "", "DESK_PUBLIC_URL": PUBLIC_URL,
                "DESK_TWILIO_BASE_URL": "", "DESK_SMTP_URL": "", "DESK_MAIL_FROM": ""}
    settings.update(values)
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)


# -- a Twilio-compatible server on loopback ------------------------------------------------

class FakeTwilio:
    """Answers Messages.json and Calls.json like Twilio, recording each request."""

    def __init__(self):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                server.requests.append({"path": self.path, "headers": dict(self.headers),
                                        "form": {key: values[0] for key, values in form.items()}})
                prefix = "CA" if self.path.endswith("/Calls.json") else "SM"
                body = json.dumps({"sid": new_sid(prefix), "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


# -- webhooks -----------------------------------------------------------------------------

def signed_post(client, path, params, *, url=None, token=AUTH_TOKEN):
    """POST `params` to `path` signed the way Twilio signs (for `url`, by default the
    public URL Twilio calls)."""
    signature = RequestValidator(token).compute_signature(url or PUBLIC_URL + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


# -- data --------------------------------------------------------------------------------

def future_day(days=14):
    """A day ahead of the real clock (webhook views read it)."""
    return local_today() + timedelta(days=days)


def booking_for(session, person, now):
    result = event_services.book_seat(session, person, channel="phone_desk", actor="test",
                                      now=now)
    db.session.commit()
    return result.booking


def queued(booking, channel=None, template=None):
    """The queued messages of a booking, oldest first."""
    db.session.expire_all()
    query = db.select(OutboxMessage).where(OutboxMessage.topic == "booking",
                                           OutboxMessage.topic_id == booking.id,
                                           OutboxMessage.state == MessageState.QUEUED)
    if channel is not None:
        query = query.where(OutboxMessage.channel == MessageChannel(channel))
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    return db.session.scalars(query.order_by(OutboxMessage.id)).all()


def mark_sent(message, now, provider_id=None):
    message.state = MessageState.SENT
    message.sent_dt = now
    message.provider_id = provider_id or new_sid("CA" if message.channel == "voice" else "SM")
    db.session.commit()
    return message
