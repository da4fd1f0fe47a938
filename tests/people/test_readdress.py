"""A person's corrected phone number, changed reminder choice or withdrawn consent
applies to the messages still waiting to be sent, and a proxy's withdrawn consent to
their copies (both databases). The registry sends signals; notify's receivers do it."""

from sqlalchemy import select

from desk.events import services as event_services
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.people import services
from tests.fixtures.factories import NOW


def _reminders(person):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == person.id,
                                    OutboxMessage.template == BookingTemplate.REMINDER)
        .order_by(OutboxMessage.id)).all()


def _booked(create_session, create_person, **person):
    session = create_session()
    person = create_person(**person)
    event_services.book_seat(session, person, channel="phone_desk", actor="test", now=NOW)
    db.session.flush()
    return person


def test_a_corrected_phone_number_gets_the_queued_reminder(ctx, create_session, create_person):
    person = _booked(create_session, create_person, phone="090-1111-2222")
    old, = _reminders(person)
    services.update_person(person, {"phone": "0466-25-9876"}, consent_method="phone_staff",
                           actor="test", now=NOW)
    cancelled, new = _reminders(person)
    assert cancelled.id == old.id and cancelled.state == MessageState.CANCELLED
    assert (new.state, new.channel, new.address, new.due_dt, new.topic, new.topic_id,
            new.not_after) == (MessageState.QUEUED, MessageChannel.VOICE, "+81466259876",
                               old.due_dt, old.topic, old.topic_id, old.not_after)


def test_withdrawn_consent_stops_the_queued_reminder(ctx, create_session, create_person):
    person = _booked(create_session, create_person)
    services.update_person(person, {"consent": False}, consent_method="phone_staff",
                           actor="test", now=NOW)
    assert [message.state for message in _reminders(person)] == [MessageState.CANCELLED]


def test_a_change_of_name_leaves_the_messages_alone(ctx, create_session, create_person):
    person = _booked(create_session, create_person)
    old, = _reminders(person)
    services.update_person(person, {"name": "佐藤 けい子"}, consent_method="phone_staff",
                           actor="test", now=NOW)
    assert _reminders(person) == [old] and old.state == MessageState.QUEUED


def _copies(proxy):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.proxy_id == proxy.id)
                              .order_by(OutboxMessage.id)).all()


def test_a_proxy_withdrawing_consent_stops_their_queued_copies(ctx, create_session,
                                                              create_person):
    person = create_person()
    proxy = services.add_proxy(person, {"name": "佐藤 一郎", "relation": "family",
                                        "phone": "090-9876-5432", "wants_copies": True},
                               consent_method="phone_staff", actor="test", now=NOW)
    event_services.book_seat(create_session(), person, channel="phone_desk", actor="test",
                             now=NOW)
    db.session.flush()
    assert _copies(proxy) and {copy.state for copy in _copies(proxy)} == {MessageState.QUEUED}
    own = [message.id for message in _reminders(person) if message.proxy_id is None]

    services.update_proxy(proxy, {"name": "佐藤 一郎", "relation": "family",
                                  "phone": "090-9876-5432", "wants_copies": False},
                          consent_method="phone_staff", actor="test", now=NOW)

    assert {copy.state for copy in _copies(proxy)} == {MessageState.CANCELLED}
    assert {message.state for message in _reminders(person)
            if message.id in own} == {MessageState.QUEUED}  # the person's own stay
