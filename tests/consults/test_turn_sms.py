"""The "your turn is coming" SMS to a visitor at a consultation desk: planned once, for a
ticket that asked for it, when DESK_CONSULT_NOTIFY_AHEAD (3) or fewer numbers are before
it; written in Japanese (or a registered resident's own language) with the number and
the venue, nothing personal; sent by the dispatcher exactly once; never planned for a
ticket that did not ask; and handled safely by the rest of the outbox (no voice call
instead, no booking touched by a reply, the coordinators' pages, "send again")."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.consults import services
from desk.consults.messages import CONSULT_TURN
from desk.consults.models import TicketStatus
from desk.core.errors import ConflictError
from desk.core.timeutil import local_datetime
from desk.events import services as event_services
from desk.extensions import db
from desk.notify import dispatch, replies
from desk.notify import services as notify_services
from desk.notify.channels.base import PermanentError
from desk.notify.content import render
from desk.notify.models import (
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    OutboxMessage,
    ReplyAction,
)
from desk.notify.segments import count_segments
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall

DAY = date(2026, 12, 3)
DESK_PHONE = "0466-25-1111"
MOBILE = "090-8765-4321"
MOBILE_E164 = "+819087654321"
NAME = "鷲尾 珠緒"


def at(hour, minute=0):
    return local_datetime(DAY, time(hour, minute))


@pytest.fixture
def settings(ctx, monkeypatch):
    for name, value in {"DESK_DESK_PHONE": DESK_PHONE, "DESK_MUNICIPALITY_NAME": "藤沢市",
                        "DESK_QUIET_HOURS": (time(21), time(8)),
                        "DESK_SMS_RATE_PER_SECOND": 0, "DESK_CONSULT_NOTIFY_AHEAD": 3,
                        "DESK_CONSULT_DEFAULT_MINUTES": 15}.items():
        monkeypatch.setitem(ctx.config, name, value)
    return ctx


@pytest.fixture
def desk_session(settings, create_venue, create_consult_session):
    venue = create_venue(name="湘南台市民センター", short_name="湘南台C")
    return create_consult_session(day=DAY, start=time(10), end=time(15), venue_id=venue.id)


@pytest.fixture
def backend(app):
    """Counts every hand-over; the messages are rendered for real."""
    fake = install(app, FakeBackend(), render=render)
    yield fake
    uninstall(app)


def issue(session, when, **data):
    ticket = services.issue_ticket(session, data, actor="test", now=when)
    db.session.commit()
    return ticket


def call_next(session, when):
    ticket = services.call_next(session, actor="test", now=when)
    db.session.commit()
    return ticket


def turn_messages(ticket=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.template == CONSULT_TURN)
    if ticket is not None:
        query = query.where(OutboxMessage.topic == "ticket", OutboxMessage.topic_id == ticket.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


@pytest.fixture
def queue_of_five(desk_session):
    """Numbers 1-5 from 10:00; number 5 gave a mobile and asked for the SMS."""
    tickets = [issue(desk_session, at(10, minute)) for minute in range(4)]
    tickets.append(issue(desk_session, at(10, 4), visitor_name=NAME, phone=MOBILE,
                         wants_sms=True))
    return tickets


# -- planning ----------------------------------------------------------------------------------

def test_the_turn_sms_is_planned_once_when_three_or_fewer_are_ahead(desk_session,
                                                                    queue_of_five):
    fifth = queue_of_five[-1]
    # four numbers before it: not yet
    assert turn_messages() == []
    call_next(desk_session, at(10, 5))  # number 1 is taken: three before number 5
    (message,) = turn_messages()
    assert (message.topic_id, message.recipient_id, message.recipient_kind, message.channel,
            message.address, message.locale, message.due_dt) == (fifth.id, fifth.id, "visitor",
                                                MessageChannel.SMS, MOBILE_E164, "ja",
                                                at(10, 5))
    assert (message.person_id, message.topic, message.not_after) == (
        None, "ticket", desk_session.end_dt)
    db.session.refresh(fifth)
    assert fifth.turn_notice_dt == at(10, 5)
    # the queue moves on: still one message
    call_next(desk_session, at(10, 20))
    call_next(desk_session, at(10, 35))
    assert len(turn_messages()) == 1


def test_a_ticket_issued_into_a_short_queue_is_told_at_the_next_call(desk_session):
    issue(desk_session, at(10))
    asked = issue(desk_session, at(10, 1), phone=MOBILE, wants_sms=True)
    # the visitor is at reception: the SMS waits until the queue moves
    assert turn_messages() == []
    call_next(desk_session, at(10, 2))
    assert [message.topic_id for message in turn_messages()] == [asked.id]


def test_never_for_a_ticket_that_did_not_ask(desk_session):
    quiet = [issue(desk_session, at(10, minute), visitor_name=NAME, phone=MOBILE)
             for minute in range(3)]
    for minute in (5, 10, 15):
        call_next(desk_session, at(10, minute))
    assert all(ticket.turn_notice_dt is None for ticket in quiet)
    assert turn_messages() == []


def test_a_cancelled_ticket_s_message_is_withdrawn(desk_session, queue_of_five):
    call_next(desk_session, at(10, 5))
    (message,) = turn_messages()
    services.cancel_ticket(queue_of_five[-1], actor="test", now=at(10, 6))
    db.session.commit()
    db.session.refresh(message)
    assert message.state == MessageState.CANCELLED


# -- the text ----------------------------------------------------------------------------------

def _planned(desk_session, queue_of_five):
    call_next(desk_session, at(10, 5))
    (message,) = turn_messages()
    return message


def test_the_sms_in_japanese(desk_session, queue_of_five):
    message = _planned(desk_session, queue_of_five)
    body = render(message, now=at(10, 5)).sms_body
    assert body == "【藤沢市】受付番号5番の順番がまもなくです。湘南台Cの相談窓口へお戻りください。"
    assert count_segments(body).segments == 1
    assert NAME not in body and "8765" not in body and "http" not in body


def test_the_sms_in_english(desk_session, queue_of_five):
    message = _planned(desk_session, queue_of_five)
    message.locale = "en"
    body = render(message, now=at(10, 5)).sms_body
    assert body == ("藤沢市: your number 5 at the 湘南台C consultation desk is coming up soon. "
                    "Please come back to the desk.")
    assert NAME not in body


def test_a_registered_resident_gets_the_sms_in_their_language(desk_session, create_person):
    """A phone number given at reception that belongs to a resident links the ticket to
    them; the SMS is then written in the language of their record."""
    create_person(name="Maria Santos", name_kana="マリア サントス", phone=MOBILE,
                  language="en")
    issue(desk_session, at(10))
    asked = issue(desk_session, at(10, 1), phone=MOBILE, wants_sms=True)
    assert asked.person is not None
    call_next(desk_session, at(10, 2))
    (message,) = turn_messages(asked)
    assert message.locale == "en"
    assert render(message, now=at(10, 2)).sms_body.startswith("藤沢市: your number 2 at the")


def test_a_message_for_a_closed_ticket_cannot_be_written(desk_session, queue_of_five):
    message = _planned(desk_session, queue_of_five)
    ticket = queue_of_five[-1]
    with db.session.no_autoflush:  # states set by hand, only to be rendered
        for status in (TicketStatus.SERVING, TicketStatus.SERVED, TicketStatus.CANCELLED):
            ticket.status = status
            with pytest.raises(PermanentError) as caught:
                render(message, now=at(10, 5))
            assert caught.value.code == "ticket_closed"
        # a skipped visitor (called, not present) may still come back
        ticket.status = TicketStatus.SKIPPED
        assert "5" in render(message, now=at(10, 5)).sms_body
        message.channel = MessageChannel.VOICE
        with pytest.raises(PermanentError):
            render(message, now=at(10, 5))
    db.session.rollback()


# -- sending ------------------------------------------------------------------------------------

def test_the_dispatcher_sends_it_exactly_once(desk_session, queue_of_five, backend):
    message = _planned(desk_session, queue_of_five)
    # during the session: it goes out (the session's start is no cut-off for it)
    assert dispatch.dispatch_due(now=at(10, 5)) == {MessageState.SENT: 1}
    assert dispatch.dispatch_due(now=at(10, 6)) == {}
    call_next(desk_session, at(10, 20))
    assert dispatch.dispatch_due(now=at(10, 21)) == {}
    assert backend.sends == {message.id: 1}
    assert "受付番号5番" in backend.contents[message.id].sms_body or \
        "number 5" in backend.contents[message.id].sms_body
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).state == MessageState.SENT


def test_a_ticket_closed_before_sending_is_recorded_not_sent(desk_session, queue_of_five,
                                                           backend):
    message = _planned(desk_session, queue_of_five)
    services.take_ticket(queue_of_five[-1], actor="test", now=at(10, 5))
    db.session.commit()
    assert dispatch.dispatch_due(now=at(10, 6)) == {MessageState.FAILED: 1}
    assert backend.sends == {}
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).error_code == "ticket_closed"


def test_nothing_goes_out_after_the_session_ended(desk_session, queue_of_five, backend):
    message = _planned(desk_session, queue_of_five)
    assert dispatch.dispatch_due(now=at(15)) == {}
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert (stored.state, stored.error_code) == (MessageState.CANCELLED, CODE_SESSION_STARTED)
    assert backend.sends == {}


def test_the_sms_waits_no_longer_than_the_session_even_when_it_moves(desk_session,
                                                                    queue_of_five, backend):
    message = _planned(desk_session, queue_of_five)
    assert message.not_after == desk_session.end_dt == at(15)
    event_services.update_session(desk_session, {"end_dt": at(13)}, actor="test",
                                  now=at(10, 6))
    db.session.commit()
    assert db.session.get(OutboxMessage, message.id).not_after == at(13)
    dispatch.dispatch_due(now=at(13, 1))
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.state, message.error_code) == (MessageState.CANCELLED, CODE_SESSION_STARTED)
    assert backend.sends == {}


def test_a_landline_refusal_plans_no_call(desk_session, queue_of_five, backend):
    message = _planned(desk_session, queue_of_five)
    backend.script[message.id] = [PermanentError("landline", code="21614")]
    assert dispatch.dispatch_due(now=at(10, 6)) == {MessageState.FAILED: 1}
    assert db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.channel == MessageChannel.VOICE)) is None


def test_send_again_only_while_the_visitor_waits(desk_session, queue_of_five, backend):
    message = _planned(desk_session, queue_of_five)
    backend.script[message.id] = [PermanentError("unreachable", code="30003")]
    dispatch.dispatch_due(now=at(10, 6))
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    notify_services.resolve_message(message, "sent_again", actor="test", now=at(10, 10))
    db.session.commit()
    assert (message.state, message.address) == (MessageState.QUEUED, MOBILE_E164)
    assert dispatch.dispatch_due(now=at(10, 10)) == {MessageState.SENT: 1}
    # failed again after the visitor was served: sending it again would not help
    message.state, message.resolution = MessageState.FAILED, None
    services.take_ticket(queue_of_five[-1], actor="test", now=at(10, 12))
    db.session.commit()
    with pytest.raises(ConflictError):
        notify_services.resolve_message(message, "sent_again", actor="test", now=at(10, 13))


def test_a_reply_to_the_turn_sms_touches_no_booking(desk_session, create_session,
                                                    create_person, backend):
    # the visitor also holds a class booking under the same mobile number
    person = create_person(phone=MOBILE)
    from desk.events.services import book_seat

    booking = book_seat(create_session(day=DAY + timedelta(days=7)), person,
                        channel="phone_desk", actor="test", now=NOW).booking
    db.session.commit()
    issue(desk_session, at(10))
    issue(desk_session, at(10, 1), phone=MOBILE, wants_sms=True)
    call_next(desk_session, at(10, 2))
    # the booking's messages went out earlier; the turn SMS is the latest to the number
    assert dispatch.dispatch_due(now=at(9)).total() >= 1
    assert dispatch.dispatch_due(now=at(10, 3)) == {MessageState.SENT: 1}
    text = replies.handle_sms(MOBILE_E164, "2", provider_id="SMturn1", now=at(10, 4))
    db.session.commit()
    assert DESK_PHONE in text
    db.session.expire_all()
    assert booking.status.value == "booked"
    reply = db.session.scalar(select(replies.SmsReply).where(
        replies.SmsReply.provider_id == "SMturn1"))
    assert reply.action == ReplyAction.HELP and reply.topic == "ticket"


def test_the_outbox_pages_show_a_visitor_row(desk_session, queue_of_five, client, login,
                                             create_user):
    message = _planned(desk_session, queue_of_five)
    login(client, create_user())
    client.set_cookie("desk_locale", "en")
    page = client.get("/staff/notify/messages").get_data(as_text=True)
    assert "Consultation desk visitor" in page and NAME in page
    assert "Your turn is coming (consultation desk)" in page
    message.state, message.error_code = MessageState.FAILED, "ticket_closed"
    db.session.commit()
    response = client.get("/staff/notify/messages/attention")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Consultation desk visitor" in page
    assert "no longer waiting" in page
