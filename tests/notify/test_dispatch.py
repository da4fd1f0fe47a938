"""The dispatcher's rules, one message at a time: claim, send and record; quiet hours,
never after the start, opt-out, backoff, permanent errors and the landline fallback,
stale claims and reconciliation. The channel is a fake that counts every hand-over."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.core.timeutil import local_datetime, to_local
from desk.events.notices import BookingTemplate
from desk.events.services import book_seat, cancel_booking
from desk.extensions import db
from desk.notify import dispatch, optout, queries, tasks
from desk.notify.channels.base import OutcomeUnknown, PermanentError, TransientError
from desk.notify.models import (
    CODE_INTERNAL,
    CODE_OPTED_OUT,
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    OutboxMessage,
)
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall


def jst(day, hour, minute=0):
    return local_datetime(day, time(hour, minute))


@pytest.fixture
def backend(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_SMS_RATE_PER_SECOND", 0)
    monkeypatch.setitem(app.config, "DESK_QUIET_HOURS", (time(21), time(8)))
    fake = install(app, FakeBackend())
    yield fake
    uninstall(app)


@pytest.fixture
def booking(ctx, create_session, create_person):
    """A booking for 3 December 10:00 JST, made on 23 November 10:00 JST: a confirmation
    by SMS due at once, and a reminder due 2 December 10:00."""
    session = create_session()
    result = book_seat(session, create_person(), channel="phone_desk", actor="test", now=NOW)
    db.session.commit()
    return result.booking


def messages_of(booking, template=None):
    query = select(OutboxMessage).where(OutboxMessage.topic == "booking",
                                        OutboxMessage.topic_id == booking.id)
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    db.session.expire_all()
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def confirmation(booking):
    (message,) = messages_of(booking, BookingTemplate.BOOKING_CONFIRMED)
    return message


# -- the normal path ----------------------------------------------------------------------

def test_dispatch_sends_a_due_message_once_and_records_it(backend, booking):
    outcomes = dispatch.dispatch_due(now=NOW)
    message = confirmation(booking)
    assert outcomes == {MessageState.SENT: 1}
    assert backend.sends == {message.id: 1}
    assert backend.contents[message.id] == f"booking_confirmed #{message.id}"
    assert message.state == MessageState.SENT
    assert message.provider_id == f"FAKE{message.id}"
    assert (message.attempts, message.claimed_dt, message.sent_dt) == (1, NOW, NOW)
    # the reminder is not due yet, and a second round finds nothing
    assert dispatch.dispatch_due(now=NOW) == {}
    assert backend.sends.total() == 1
    (reminder,) = messages_of(booking, BookingTemplate.REMINDER)
    assert reminder.state == MessageState.QUEUED and reminder.attempts == 0


def test_dispatch_records_the_log_backends_logged_state(backend, booking):
    backend.state = "logged"
    dispatch.dispatch_due(now=NOW)
    assert confirmation(booking).state == MessageState.LOGGED


def test_the_reminder_goes_at_its_due_time(backend, booking):
    due = jst(datetime(2026, 12, 2).date(), 10)
    dispatch.dispatch_due(now=due - timedelta(seconds=1))
    (reminder,) = messages_of(booking, BookingTemplate.REMINDER)
    assert reminder.state == MessageState.QUEUED
    dispatch.dispatch_due(now=due)
    (reminder,) = messages_of(booking, BookingTemplate.REMINDER)
    assert reminder.state == MessageState.SENT and reminder.sent_dt == due


def test_a_cancelled_booking_sends_its_cancellation_and_nothing_else(backend, booking):
    dispatch.dispatch_due(now=NOW)
    cancel_booking(booking, actor="test", now=NOW)
    db.session.commit()
    dispatch.dispatch_due(now=jst(datetime(2026, 12, 2).date(), 10))
    states = {message.template: message.state for message in messages_of(booking)}
    assert states == {BookingTemplate.BOOKING_CONFIRMED: MessageState.SENT,
                      BookingTemplate.BOOKING_CANCELLED: MessageState.SENT,
                      BookingTemplate.REMINDER: MessageState.CANCELLED}
    assert backend.sends.total() == 2


# -- quiet hours ---------------------------------------------------------------------------

@pytest.mark.parametrize(("clock", "until"), [
    ((22, 30), (1, 8, 0)),  # the evening: to 08:00 the next morning
    ((21, 0), (1, 8, 0)),  # quiet hours start at 21:00 sharp
    ((23, 59), (1, 8, 0)),
    ((0, 0), (0, 8, 0)),  # after midnight: to 08:00 the same day
    ((7, 59), (0, 8, 0)),
])
def test_sms_due_in_quiet_hours_waits_for_their_end(backend, booking, clock, until):
    message = confirmation(booking)
    now = jst(to_local(NOW).date(), *clock)
    message.due_dt = now
    db.session.commit()
    assert dispatch.dispatch_due(now=now) == {}
    message = confirmation(booking)
    days, hour, minute = until
    assert message.state == MessageState.QUEUED
    assert message.due_dt == jst(to_local(NOW).date() + timedelta(days=days), hour, minute)
    assert message.attempts == 0 and backend.sends.total() == 0
    # deferred, not dropped: it goes when the quiet hours end
    dispatch.dispatch_due(now=message.due_dt)
    assert confirmation(booking).state == MessageState.SENT


@pytest.mark.parametrize("clock", [(8, 0), (12, 0), (20, 59)])
def test_sms_outside_quiet_hours_goes_at_once(backend, booking, clock):
    now = jst(to_local(NOW).date(), *clock)
    confirmation(booking).due_dt = now
    db.session.commit()
    dispatch.dispatch_due(now=now)
    assert confirmation(booking).state == MessageState.SENT


def test_email_may_arrive_in_quiet_hours(backend, booking):
    message = confirmation(booking)
    message.channel = MessageChannel.EMAIL
    message.address = "keiko@example.jp"
    db.session.commit()
    dispatch.dispatch_due(now=jst(to_local(NOW).date(), 23))
    assert confirmation(booking).state == MessageState.SENT


def test_quiet_hours_off_send_at_night(app, backend, booking, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_QUIET_HOURS", None)
    dispatch.dispatch_due(now=jst(to_local(NOW).date(), 23))
    assert confirmation(booking).state == MessageState.SENT


def test_voice_calls_wait_out_quiet_hours_too(backend, booking):
    message = confirmation(booking)
    message.channel = MessageChannel.VOICE
    db.session.commit()
    now = jst(to_local(NOW).date(), 21, 30)
    dispatch.dispatch_due(now=now)
    assert confirmation(booking).state == MessageState.QUEUED


# -- never after the start -----------------------------------------------------------------

def test_nothing_is_sent_after_its_session_started(backend, booking):
    start = booking.session.start_dt
    dispatch.dispatch_due(now=start)
    messages = messages_of(booking)
    assert {message.state for message in messages} == {MessageState.CANCELLED}
    assert {message.error_code for message in messages} == {CODE_SESSION_STARTED}
    assert backend.sends.total() == 0


def test_a_message_deferred_past_the_start_is_cancelled_not_sent(ctx, backend, create_session,
                                                                 create_person):
    """A class at 07:30: messages due at 22:00 the evening before wait for 08:00, which
    is after the start: then they are cancelled, not sent."""
    session = create_session(start=time(7, 30), end=time(9))
    booking = book_seat(session, create_person(), channel="phone_desk", actor="test",
                        now=NOW).booking
    db.session.commit()
    evening = session.start_dt - timedelta(hours=9, minutes=30)  # 22:00 JST the day before
    for message in messages_of(booking):
        message.due_dt = evening
    db.session.commit()
    dispatch.dispatch_due(now=evening)
    assert {m.due_dt for m in messages_of(booking)} == {jst(to_local(evening).date()
                                                            + timedelta(days=1), 8)}
    dispatch.dispatch_due(now=jst(to_local(evening).date() + timedelta(days=1), 8))
    assert {m.state for m in messages_of(booking)} == {MessageState.CANCELLED}
    assert backend.sends.total() == 0


# -- opted-out numbers ---------------------------------------------------------------------

def test_an_opted_out_number_is_never_messaged(backend, booking):
    message = confirmation(booking)
    optout.opt_out(message.address, channel=message.channel, source="sms_reply", actor="test",
                   now=NOW)
    db.session.commit()
    dispatch.dispatch_due(now=NOW)
    message = confirmation(booking)
    assert message.state == MessageState.CANCELLED and message.error_code == CODE_OPTED_OUT
    assert backend.sends.total() == 0


def test_opting_back_in_lets_messages_through(backend, booking):
    address, channel = confirmation(booking).address, confirmation(booking).channel
    optout.opt_out(address, channel=channel, source="staff", actor="test", now=NOW)
    assert optout.opt_out(address, channel=channel, source="staff", actor="test",
                          now=NOW).source == "staff"
    assert optout.opt_in(address, channel=channel, actor="test", now=NOW) is True
    assert optout.opt_in(address, channel=channel, actor="test", now=NOW) is False
    db.session.commit()
    assert not optout.is_opted_out(address, channel)
    dispatch.dispatch_due(now=NOW)
    assert confirmation(booking).state == MessageState.SENT
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "opt_outs").order_by(AuditEntry.id)).all()
    assert actions == ["notify.opt_out", "notify.opt_in"]


# -- errors --------------------------------------------------------------------------------

def test_transient_errors_back_off_exponentially_then_fail(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [TransientError("HTTP 429", code="20429")
                                  for _ in range(dispatch.MAX_ATTEMPTS)]
    now = NOW
    waits = []
    for attempt in range(1, dispatch.MAX_ATTEMPTS):
        assert dispatch.dispatch_due(now=now) == {MessageState.QUEUED: 1}
        message = confirmation(booking)
        assert message.state == MessageState.QUEUED and message.attempts == attempt
        assert message.error_code == "20429" and message.last_error == "HTTP 429"
        waits.append(message.due_dt - now)
        assert dispatch.dispatch_due(now=message.due_dt - timedelta(seconds=1)) == {}
        now = message.due_dt
    assert waits == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16)]
    assert dispatch.dispatch_due(now=now) == {MessageState.FAILED: 1}
    message = confirmation(booking)
    assert message.state == MessageState.FAILED and message.attempts == dispatch.MAX_ATTEMPTS
    assert message.error_code == "20429"
    assert backend.sends.total() == 0
    assert message in queries.needing_decision()


def test_backoff_is_capped():
    assert dispatch.backoff(1) == timedelta(minutes=1)
    assert dispatch.backoff(3) == timedelta(minutes=4)
    assert dispatch.backoff(20) == dispatch.BACKOFF_CAP


def test_a_transient_error_then_success_sends_once(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [TransientError("timeout")]
    dispatch.dispatch_due(now=NOW)
    dispatch.dispatch_due(now=NOW + timedelta(minutes=1))
    message = confirmation(booking)
    assert message.state == MessageState.SENT and message.attempts == 2
    assert message.last_error is None and message.error_code is None
    assert backend.sends == {message.id: 1}


def test_a_permanent_error_fails_with_its_code_and_is_listed(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [PermanentError("invalid number", code=21211)]
    assert dispatch.dispatch_due(now=NOW) == {MessageState.FAILED: 1}
    message = confirmation(booking)
    assert (message.state, message.error_code) == (MessageState.FAILED, "21211")
    assert queries.needing_decision() == [message]
    assert dispatch.dispatch_due(now=NOW + timedelta(days=1)) == {}


@pytest.mark.parametrize("code", ["21614", "21635", "30006"])
def test_a_landline_refusing_sms_gets_one_voice_call_instead(backend, booking, code):
    message = confirmation(booking)
    backend.script[message.id] = [PermanentError("not a mobile", code=code)]
    dispatch.dispatch_due(now=NOW)
    sms, call = messages_of(booking, BookingTemplate.BOOKING_CONFIRMED)
    assert (sms.state, sms.error_code) == (MessageState.FAILED, code)
    assert call.channel == MessageChannel.VOICE and call.replaces_id == sms.id
    assert call.address == sms.address and call.person_id == sms.person_id
    assert call.state == MessageState.SENT  # the same round sent it
    assert backend.sends == {call.id: 1}
    # once: the reminder refused the same way gets its own call, a second refusal of the
    # confirmation would not get another
    assert dispatch.plan_voice_fallback(sms, now=NOW) is None


def test_opted_out_at_the_provider_opts_the_number_out(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [PermanentError("unsubscribed", code="21610")]
    dispatch.dispatch_due(now=NOW)
    assert optout.is_opted_out(message.address, "sms")
    due = jst(datetime(2026, 12, 2).date(), 10)
    dispatch.dispatch_due(now=due)
    (reminder,) = messages_of(booking, BookingTemplate.REMINDER)
    assert (reminder.state, reminder.error_code) == (MessageState.CANCELLED, CODE_OPTED_OUT)
    assert backend.sends.total() == 0


def test_an_unexpected_error_during_the_hand_over_makes_the_outcome_unknown(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [ConnectionResetError("peer reset the connection")]
    assert dispatch.dispatch_due(now=NOW) == {MessageState.UNKNOWN: 1}
    message = confirmation(booking)
    assert message.state == MessageState.UNKNOWN
    assert "ConnectionResetError" in message.last_error
    # never re-sent by itself
    dispatch.dispatch_due(now=NOW + timedelta(hours=1))
    assert confirmation(booking).state == MessageState.UNKNOWN
    assert queries.needing_decision() == [confirmation(booking)]


def test_a_request_without_an_answer_makes_the_outcome_unknown(backend, booking):
    message = confirmation(booking)
    backend.script[message.id] = [OutcomeUnknown("read timed out", code="timeout")]
    assert dispatch.dispatch_due(now=NOW) == {MessageState.UNKNOWN: 1}
    message = confirmation(booking)
    assert (message.state, message.error_code) == (MessageState.UNKNOWN, "timeout")


def test_a_message_that_cannot_be_rendered_fails_without_reaching_the_provider(app, backend,
                                                                             booking):
    def broken(message):
        raise KeyError("template")

    install(app, backend, render=broken)
    dispatch.dispatch_due(now=NOW)
    message = confirmation(booking)
    assert (message.state, message.error_code) == (MessageState.FAILED, CODE_INTERNAL)
    assert backend.sends.total() == 0


def test_a_late_result_does_not_overwrite_a_coordinators_decision(app, backend, booking):
    """The dispatcher records conditionally on its own claim: a row that moved on
    (another claim, a decision) keeps what it has."""
    message = confirmation(booking)
    (claim,) = dispatch.claim_due(now=NOW, limit=1)
    db.session.execute(OutboxMessage.__table__.update()
                       .where(OutboxMessage.id == message.id)
                       .values(state=MessageState.DELIVERED))
    db.session.commit()
    assert dispatch.send_batch([claim], dispatch.channels_for(app),
                               lambda: NOW) == [MessageState.SENT]
    assert confirmation(booking).state == MessageState.DELIVERED


# -- stale claims and reconciliation -------------------------------------------------------

def test_a_stale_claim_becomes_unknown_and_is_settled_when_the_provider_has_it(backend,
                                                                              booking):
    message = confirmation(booking)
    (claim,) = dispatch.claim_due(now=NOW, limit=1)
    backend.sends[message.id] += 1  # the provider got it; the dispatcher died before recording
    assert tasks.mark_stale_claims(now=NOW + timedelta(minutes=5)) == []
    assert confirmation(booking).state == MessageState.SENDING
    stale, settled = tasks.sweep(now=NOW + tasks.CLAIM_TIMEOUT)
    assert stale == [message.id] and settled == [message.id]
    message = confirmation(booking)
    assert message.state == MessageState.SENT and message.provider_id == f"FAKE{message.id}"
    assert message.sent_dt == NOW and claim.attempts == 1


def test_a_stale_claim_the_provider_does_not_know_stays_unknown_and_listed(backend, booking):
    message = confirmation(booking)
    dispatch.claim_due(now=NOW, limit=1)
    tasks.sweep(now=NOW + tasks.CLAIM_TIMEOUT)
    message = confirmation(booking)
    assert message.state == MessageState.UNKNOWN
    assert queries.needing_decision() == [message]
    # not sent again by any later round
    tasks.run_pass(now=NOW + timedelta(hours=2))
    assert confirmation(booking).state == MessageState.UNKNOWN and backend.sends.total() == 0


def test_without_a_lookup_unknown_messages_wait_for_a_coordinator(backend, booking):
    backend.can_look_up = False
    dispatch.claim_due(now=NOW, limit=1)
    backend.sends[confirmation(booking).id] += 1
    tasks.sweep(now=NOW + tasks.CLAIM_TIMEOUT)
    assert confirmation(booking).state == MessageState.UNKNOWN


def test_the_batch_holds_what_the_cap_lets_out_in_about_a_second():
    assert dispatch.batch_size({"DESK_SMS_RATE_PER_SECOND": 0}) == dispatch.BATCH_MAX
    assert dispatch.batch_size({"DESK_SMS_RATE_PER_SECOND": 1}) == 1
    assert dispatch.batch_size({"DESK_SMS_RATE_PER_SECOND": 0.2}) == 1
    assert dispatch.batch_size({"DESK_SMS_RATE_PER_SECOND": 4}) == 4
    assert dispatch.batch_size({"DESK_SMS_RATE_PER_SECOND": 500}) == dispatch.BATCH_MAX
