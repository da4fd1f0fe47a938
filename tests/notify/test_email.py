"""E-mail through a real SMTP server on loopback (aiosmtpd): the invitation's MIME
structure, the calendar parsed back by icalendar and by the independent `ics` parser,
REQUEST then CANCEL with the same UID and a higher SEQUENCE, and the error mapping."""

import email
import socket
from email import policy

import icalendar
import ics as ics_library
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from desk.core.errors import ConfigError
from desk.events import services as event_services
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.channels import backend_for
from desk.notify.channels.base import PermanentError, TransientError
from desk.notify.channels.email import SmtpEmail, SmtpSettings, parse_smtp_url
from desk.notify.content import render
from tests.fixtures.factories import NOW
from tests.notify.channel_support import booking_for, configure, queued

MAIL_FROM = "藤沢市デジタル推進室 <desk@city.example.jp>"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it received; `refuse` answers RCPT instead."""

    def __init__(self):
        self.envelopes = []
        self.refuse = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self):
        return [email.message_from_bytes(envelope.content, policy=policy.default)
                for envelope in self.envelopes]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(),
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    inbox.url = f"smtp://desk%40city.example.jp:s3cret@127.0.0.1:{controller.port}"
    inbox.logins = logins
    yield inbox
    controller.stop()


@pytest.fixture
def booking(ctx, monkeypatch, create_session, create_person, smtp_server):
    configure(monkeypatch, ctx, DESK_SMTP_URL=smtp_server.url, DESK_MAIL_FROM=MAIL_FROM)
    person = create_person(email="keiko.sato@example.jp")
    return booking_for(create_session(), person, NOW)


def _send(message, ctx, now=NOW):
    content = render(message, now=now)
    result = backend_for(message, ctx).send(message, content)
    return content, result


def _calendar_parts(received):
    alternative = received.get_payload()[0]
    calendar_part = [part for part in alternative.iter_parts()
                     if part.get_content_type() == "text/calendar"][0]
    attachment = received.get_payload()[1]
    return calendar_part, attachment


def test_invitation_mime_structure(booking, ctx, smtp_server):
    message = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    content, result = _send(message, ctx)
    assert result.state == "sent"
    assert smtp_server.logins == [(b"desk@city.example.jp", b"s3cret")]
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "desk@city.example.jp"
    assert envelope.rcpt_tos == ["keiko.sato@example.jp"]
    [received] = smtp_server.messages()
    assert received.get_content_type() == "multipart/mixed"
    assert received["Subject"] == content.email_subject
    assert received["To"] == "keiko.sato@example.jp"
    assert "藤沢市デジタル推進室" in str(received["From"])
    assert received["Message-ID"] == f"<{result.provider_id}@city.example.jp>"
    alternative, attachment = received.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == content.ics
    assert calendar_part.get_content().encode("utf-8").replace(b"\r\n", b"\n") == \
        content.ics.replace(b"\r\n", b"\n")
    text = list(alternative.iter_parts())[0].get_content()
    assert booking.display_code in text


def test_invitation_parses_with_two_parsers(booking, ctx, smtp_server):
    message = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    _send(message, ctx)
    calendar_part, attachment = _calendar_parts(smtp_server.messages()[0])
    data = attachment.get_content()

    parsed = icalendar.Calendar.from_ical(data)
    assert parsed["METHOD"] == "REQUEST"
    [event] = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"booking-{booking.id}@desk.example.jp"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:desk@city.example.jp"
    assert str(event["ATTENDEE"]) == "mailto:keiko.sato@example.jp"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 9 * 3600
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and "TRIGGER" in alarm and "DESCRIPTION" in alarm

    other = ics_library.Calendar(calendar_part.get_content())
    assert other.method == "REQUEST"
    [same] = other.events
    assert same.uid == str(event["UID"])
    assert same.begin.datetime == event.decoded("DTSTART")
    assert booking.display_code in same.description


def test_cancel_keeps_the_uid_and_raises_the_sequence(booking, ctx, smtp_server):
    first = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    _send(first, ctx)
    later = NOW.replace(hour=3)
    event_services.cancel_booking(booking, actor="test", now=later)
    db.session.commit()
    cancel = queued(booking, "email", BookingTemplate.BOOKING_CANCELLED)[0]
    content, _result = _send(cancel, ctx, now=later)
    assert content.ics_method == "CANCEL"
    # it says the invitation removes the session, never that it adds it (「予定が入ります」)
    for body in (content.email_text, content.email_html):
        assert "予定が入ります" not in body and "消えます" in body
    request_part, _ = _calendar_parts(smtp_server.messages()[0])
    cancel_part, cancel_attachment = _calendar_parts(smtp_server.messages()[1])
    assert cancel_part.get_param("method") == "CANCEL"

    before = icalendar.Calendar.from_ical(request_part.get_content())
    after = icalendar.Calendar.from_ical(cancel_attachment.get_content())
    [old], [new] = before.walk("VEVENT"), after.walk("VEVENT")
    assert after["METHOD"] == "CANCEL"
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert str(new["STATUS"]) == "CANCELLED"
    assert not new.walk("VALARM")

    other = ics_library.Calendar(cancel_part.get_content())
    assert other.method == "CANCEL"
    assert [event.uid for event in other.events] == [str(old["UID"])]


def test_a_change_of_time_raises_the_sequence(booking, ctx, smtp_server):
    from datetime import timedelta

    first = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    first_content, _ = _send(first, ctx)
    session = booking.session
    later = NOW + timedelta(hours=2)
    event_services.update_session(session, {"start_dt": session.start_dt + timedelta(hours=1),
                                            "end_dt": session.end_dt + timedelta(hours=1)},
                                  actor="test", now=later)
    db.session.commit()
    changed = queued(booking, "email", BookingTemplate.SESSION_CHANGED)[0]
    content, _ = _send(changed, ctx, now=later)
    old = icalendar.Calendar.from_ical(first_content.ics).walk("VEVENT")[0]
    new = icalendar.Calendar.from_ical(content.ics).walk("VEVENT")[0]
    assert content.ics_method == "REQUEST"
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("DTSTART") - old.decoded("DTSTART") == timedelta(hours=1)


@pytest.mark.parametrize(("reply", "error", "code"), [
    ("550 5.1.1 No such user", PermanentError, 550),
    ("451 4.3.0 Try again later", TransientError, 451),
])
def test_refused_recipients_are_mapped(booking, ctx, smtp_server, reply, error, code):
    smtp_server.refuse = reply
    message = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    with pytest.raises(error) as raised:
        _send(message, ctx)
    assert raised.value.code == code


def test_an_unreachable_server_is_transient(booking, ctx):
    message = queued(booking, "email", BookingTemplate.BOOKING_CONFIRMED)[0]
    backend = SmtpEmail(SmtpSettings(host="127.0.0.1", port=_free_port()), MAIL_FROM)
    with pytest.raises(TransientError):
        backend.send(message, render(message, now=NOW))


def test_parse_smtp_url():
    assert parse_smtp_url("smtp://mail.example.jp") == SmtpSettings("mail.example.jp", 25)
    assert parse_smtp_url("smtp://u%40x:p%3Aw@mail.example.jp:587?starttls=1") == SmtpSettings(
        "mail.example.jp", 587, starttls=True, username="u@x", password="p:w")
    assert parse_smtp_url("smtps://mail.example.jp") == SmtpSettings(
        "mail.example.jp", 465, use_ssl=True)
    for bad in ("http://mail.example.jp", "smtp://", "smtp://host:99999"):
        with pytest.raises(ConfigError):
            parse_smtp_url(bad)
