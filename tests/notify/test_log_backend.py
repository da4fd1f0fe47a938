"""The log backend says that a message was logged, never what it says: a password
reset's link and a booking's code must not reach the server's output."""

import logging
from datetime import timedelta

from sqlalchemy import select

from desk.auth import reset
from desk.auth.models import LinkPurpose
from desk.events.bookings import book_seat
from desk.extensions import db
from desk.notify import dispatch
from desk.notify.content import render
from desk.notify.models import MessageState, OutboxMessage
from desk.volunteers import accounts, passwords
from desk.volunteers import services as volunteer_services
from desk.volunteers.notices import AccountTemplate
from tests.fixtures.factories import NOW, PASSWORD


def _volunteer_with_account():
    volunteer = volunteer_services.create_volunteer(
        {"name": "中村 陽子", "name_kana": "なかむら ようこ", "affiliation": "student",
         "phone": "080-4321-8765", "email": "yoko@example.jp", "message_channel": "sms"},
        actor="test", now=NOW)
    accounts.invite_volunteer(volunteer, "email", actor="test", now=NOW - timedelta(days=1))
    invite = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.template == AccountTemplate.ACCOUNT_INVITE))
    reset.use_token(invite.secret, PASSWORD, purpose=LinkPurpose.INVITE,
                    now=NOW - timedelta(days=1))
    db.session.delete(invite)
    db.session.commit()
    return volunteer


def test_log_backend_keeps_links_codes_bodies_and_names_out_of_the_log(
        ctx, create_session, create_person, caplog, capsys):
    volunteer = _volunteer_with_account()
    person = create_person()
    booking = book_seat(create_session(), person, channel="phone_desk", actor="test",
                        now=NOW).booking
    passwords.request_reset("yoko@example.jp", now=NOW)
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.due_dt <= NOW, OutboxMessage.state == MessageState.QUEUED)).all()
    reset_message = next(message for message in messages
                         if message.template == AccountTemplate.PASSWORD_RESET)
    bodies = [content.sms_body or content.email_text
              for content in (render(message) for message in messages)]
    forbidden = [reset_message.secret, booking.code, volunteer.name, person.name, "http",
                 volunteer.email, volunteer.phone, person.phone, *bodies]
    caplog.set_level(logging.DEBUG)

    outcomes = dispatch.dispatch_due(now=NOW)

    assert outcomes[MessageState.LOGGED] == len(messages) >= 2
    printed = capsys.readouterr().out
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in forbidden:
        assert text and text not in printed and text not in logged
    assert "NOT SENT" in printed and "y***@example.jp" in printed
    assert f"{AccountTemplate.PASSWORD_RESET}/" in logged
