"""Coordinators decide about failed and unknown messages: "send again", "it arrived",
"I phoned the person" — each audit-logged, refused with a clear message when it no
longer makes sense, and never a 500. Plus the outbox overview page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, ValidationError
from desk.events.messages import booking_of
from desk.events.notices import BookingTemplate
from desk.events.services import book_seat, cancel_booking
from desk.extensions import db
from desk.notify import optout, queries, services
from desk.notify.models import MessageState, OutboxMessage, Resolution
from desk.people.services import update_person
from tests.fixtures.factories import NOW


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(Role.COORDINATOR, display_name="調整 花子")


@pytest.fixture
def staff_client(client, coordinator, login):
    login(client, coordinator)
    client.set_cookie("desk_locale", "en")
    return client


@pytest.fixture
def booking(ctx, create_session, create_person):
    session = create_session()
    result = book_seat(session, create_person(name="高橋 和子", name_kana="たかはし かずこ"),
                       channel="phone_desk", actor="test", now=NOW)
    db.session.commit()
    return result.booking


def _message(booking, state, template=BookingTemplate.BOOKING_CONFIRMED, error_code=None):
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.template == template))
    message.state = state
    message.error_code = error_code
    message.attempts = 1
    message.claimed_dt = NOW
    db.session.commit()
    return message


@pytest.fixture
def unknown(booking):
    return _message(booking, MessageState.UNKNOWN)


@pytest.fixture
def failed(booking):
    return _message(booking, MessageState.FAILED, BookingTemplate.REMINDER, error_code="21211")


def _decisions(message):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "notify.message_decision", AuditEntry.object_id == message.id)
    ).all()


# -- the service -----------------------------------------------------------------------------

def test_it_arrived_settles_an_unknown_message(unknown, coordinator):
    services.resolve_message(unknown, "arrived", actor=coordinator, now=NOW)
    db.session.commit()
    assert unknown.state == MessageState.DELIVERED
    assert (unknown.resolution, unknown.resolved_dt) == (Resolution.ARRIVED, NOW)
    assert queries.needing_decision() == []
    assert queries.recently_decided() == [unknown]
    (entry,) = _decisions(unknown)
    assert entry.actor_id == coordinator.id and entry.note == "arrived"
    assert (entry.before["state"], entry.after["state"]) == ("unknown", "delivered")


def test_send_again_queues_the_message_to_the_current_number(unknown, coordinator):
    person = unknown.person
    update_person(person, {"phone": "080-2345-6789"}, consent_method="phone_staff",
                  actor="test", now=NOW)
    db.session.commit()
    later = NOW + timedelta(hours=1)
    services.resolve_message(unknown, "sent_again", actor=coordinator, now=later)
    db.session.commit()
    assert (unknown.state, unknown.due_dt) == (MessageState.QUEUED, later)
    assert unknown.address == "+818023456789"
    assert unknown.resolution == Resolution.SENT_AGAIN and unknown.resolved_dt is None
    assert queries.needing_decision() == []
    # should it fail again, it is listed again, with the earlier decision shown
    unknown.state = MessageState.FAILED
    db.session.commit()
    assert queries.needing_decision() == [unknown]


def test_i_phoned_the_person_takes_a_failed_message_off_the_list(failed, coordinator):
    services.resolve_message(failed, "called", actor=coordinator, now=NOW)
    db.session.commit()
    assert failed.state == MessageState.FAILED  # the record stays true
    assert failed.resolution == Resolution.CALLED and failed.resolved_dt == NOW
    assert queries.needing_decision() == []


@pytest.mark.parametrize(("prepare", "decision", "error"), [
    (lambda message, now: None, "nonsense", ValidationError),
    (lambda message, now: None, "arrived", ConflictError),  # a failed message did not arrive
    (lambda message, now: setattr(message, "state", MessageState.SENT), "called",
     ConflictError),
    (lambda message, now: setattr(message, "resolved_dt", now), "called", ConflictError),
    (lambda message, now: optout.opt_out(message.address, channel=message.channel,
                                         source="staff", actor="test", now=now),
     "sent_again", ConflictError),
    (lambda message, now: cancel_booking(booking_of(message), actor="test", now=now),
     "sent_again", ConflictError),
])
def test_decisions_that_no_longer_make_sense_are_refused(failed, coordinator, prepare,
                                                        decision, error):
    prepare(failed, NOW)
    db.session.commit()
    before = (failed.state, failed.resolution, failed.due_dt)
    with pytest.raises(error):
        services.resolve_message(failed, decision, actor=coordinator, now=NOW)
    db.session.rollback()
    assert (failed.state, failed.resolution, failed.due_dt) == before
    assert _decisions(failed) == []


def test_send_again_is_refused_once_the_session_started(unknown, coordinator):
    with pytest.raises(ConflictError):
        services.resolve_message(unknown, "sent_again", actor=coordinator,
                                 now=booking_of(unknown).session.start_dt)


# -- the pages -------------------------------------------------------------------------------

def test_the_attention_page_lists_failed_and_unknown_messages(staff_client, unknown, failed):
    page = staff_client.get("/staff/notify/messages/attention").get_data(as_text=True)
    assert "高橋 和子" in page
    assert page.count('name="decision" value="sent_again"') == 2
    assert page.count('name="decision" value="arrived"') == 1  # only the unknown one
    assert "tel:+819" in page  # one tap to call the person


def test_deciding_from_the_page(staff_client, unknown):
    response = staff_client.post(f"/staff/notify/messages/{unknown.id}/decide",
                                 data={"decision": "arrived"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/notify/messages/attention")
    db.session.expire_all()
    assert unknown.state == MessageState.DELIVERED
    page = staff_client.get("/staff/notify/messages/attention").get_data(as_text=True)
    assert "flash--success" in page


@pytest.mark.parametrize("decision", ["", "drop_table", "arrived" * 100])
def test_bad_decisions_are_refused_without_a_500(staff_client, failed, decision):
    response = staff_client.post(f"/staff/notify/messages/{failed.id}/decide",
                                 data={"decision": decision}, follow_redirects=True)
    assert response.status_code == 200
    assert "flash--error" in response.get_data(as_text=True)
    db.session.expire_all()
    assert failed.state == MessageState.FAILED and failed.resolution is None


def test_deciding_about_a_missing_message_is_a_404(staff_client):
    assert staff_client.post("/staff/notify/messages/999999/decide",
                             data={"decision": "called"}).status_code == 404


def test_the_outbox_page_counts_and_filters_by_state(staff_client, failed):
    page = staff_client.get("/staff/notify/messages").get_data(as_text=True)
    assert "1 message needs your decision" in page
    filtered = staff_client.get("/staff/notify/messages?state=failed").get_data(as_text=True)
    assert "Invalid phone number" in filtered and "高橋 和子" in filtered
    assert staff_client.get("/staff/notify/messages?state=nonsense&page=x").status_code == 200
    assert queries.state_counts()[MessageState.FAILED] == 1
