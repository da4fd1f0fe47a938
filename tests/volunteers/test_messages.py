"""Messages to volunteers: every shift template in Japanese and English (exact SMS
texts, segments, e-mail subjects), the one-time secrets of invitations, and the way the
dispatcher sends what the shift services plan: the reminder the day before, once, never
after the shift started; changes and cancellations (a coordinator's, a session's, the
typhoon broadcast's)."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.errors import ConflictError
from desk.core.timeutil import local_datetime
from desk.events import broadcast
from desk.events import services as event_services
from desk.extensions import db
from desk.notify import dispatch, replies, tasks
from desk.notify import services as notify_services
from desk.notify.channels.base import PermanentError, TransientError
from desk.notify.content import render
from desk.notify.models import (
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    OutboxMessage,
    ReplyAction,
)
from desk.notify.segments import count_segments
from desk.volunteers import notices, services
from desk.volunteers.notices import AccountTemplate, ShiftTemplate
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall

PUBLIC_URL = "https://desk.example.jp"
DESK_PHONE = "0466-25-1111"
DAY = date(2026, 12, 3)  # a Thursday; NOW is 23 November 10:00 JST
REMINDER_DUE = local_datetime(date(2026, 12, 2), time(17))


@pytest.fixture
def settings(ctx, monkeypatch):
    for name, value in {"DESK_PUBLIC_URL": PUBLIC_URL, "DESK_DESK_PHONE": DESK_PHONE,
                        "DESK_MUNICIPALITY_NAME": "藤沢市", "DESK_SHIFT_REMINDER_TIME": time(17),
                        "DESK_QUIET_HOURS": (time(21), time(8)),
                        "DESK_SMS_RATE_PER_SECOND": 0}.items():
        monkeypatch.setitem(ctx.config, name, value)
    return ctx


@pytest.fixture
def shift(settings, create_venue, create_program, create_session, create_shift):
    """Reception from 9:30, before the class (10:00-11:30) at 辻堂 on 3 December."""
    venue = create_venue(name="辻堂公民館", short_name="辻堂", address="神奈川県藤沢市辻堂1-2-3")
    program = create_program(title="スマホ入門", title_en="Smartphone basics")
    session = create_session(venue_id=venue.id, program_id=program.id, day=DAY)
    return create_shift(session, role="reception", places=3, start_time="09:30",
                        skills=["line"], notes="受付表を持参")


@pytest.fixture
def backend(app):
    """Counts every hand-over; the messages are rendered for real."""
    fake = install(app, FakeBackend(), render=render)
    yield fake
    uninstall(app)


def sign_up(shift, volunteer, now=NOW):
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=now)
    db.session.commit()
    return assignment


def outbox(volunteer, template=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient_kind == "volunteer",
                                        OutboxMessage.recipient_id == volunteer.id)
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def message_for(volunteer, shift, template, channel="sms", locale="ja"):
    message = notices.plan(ShiftTemplate(template), volunteer, shift=shift, due=NOW, now=NOW,
                           channel=MessageChannel(channel))
    message.locale = locale
    db.session.flush()
    return message


@pytest.fixture
def on_shift(shift, create_volunteer):
    volunteer = create_volunteer(name="山本 和夫", skills=["line"])
    sign_up(shift, volunteer)
    return volunteer


# -- SMS texts ---------------------------------------------------------------------------

PLACE = {"ja": "12月3日(木)9:30-11:30 辻堂 スマホ入門 受付",
         "en": "Thu, Dec 3 09:30-11:30 辻堂 Smartphone basics, Reception"}
SMS = {
    ("ja", "shift_reminder"): f"【藤沢市】シフト確認 {PLACE['ja']} 問合せ{DESK_PHONE}",
    ("ja", "shift_changed"): f"【藤沢市】シフト決定・変更 {PLACE['ja']} 問合せ{DESK_PHONE}",
    ("ja", "shift_cancelled"): f"【藤沢市】シフト中止 {PLACE['ja']} 問合せ{DESK_PHONE}",
    ("ja", "shift_cover"): f"【藤沢市】応援募集 {PLACE['ja']} 参加できる方は{DESK_PHONE}へ",
    ("en", "shift_reminder"):
        f"藤沢市: reminder of your shift {PLACE['en']}. Questions: {DESK_PHONE}",
    ("en", "shift_changed"):
        f"藤沢市: your shift, new or changed: {PLACE['en']}. Questions: {DESK_PHONE}",
    ("en", "shift_cancelled"):
        f"藤沢市: shift cancelled, no need to come: {PLACE['en']}. Questions: {DESK_PHONE}",
    ("en", "shift_cover"): "藤沢市: can you help? Thu, Dec 3 09:30-11:30 辻堂 Smartphone basics "
                           f"needs a volunteer (Reception). Please call {DESK_PHONE}",
}


@pytest.mark.parametrize(("locale", "template"), sorted(SMS))
def test_shift_sms_snapshot(on_shift, shift, locale, template):
    if template == "shift_cancelled":
        services.cancel_shift(shift, actor="test", now=NOW)
    body = render(message_for(on_shift, shift, template, locale=locale), now=NOW).sms_body
    assert body == SMS[(locale, template)]
    assert count_segments(body).segments == (1 if locale == "ja" else 2)
    assert "http" not in body


def test_taken_off_a_shift_sms(on_shift, shift):
    (assignment,) = shift.active_assignments
    services.remove_from_shift(assignment, actor="test", now=NOW)
    (message,) = outbox(on_shift, ShiftTemplate.SHIFT_CANCELLED)
    assert render(message, now=NOW).sms_body == \
        f"【藤沢市】シフト担当解除 {PLACE['ja']} 問合せ{DESK_PHONE}"
    message.locale = "en"
    assert render(message, now=NOW).sms_body == \
        f"藤沢市: you are off the shift {PLACE['en']}. Questions: {DESK_PHONE}"


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_sms_names_the_place_as_fully_as_fits(settings, monkeypatch, create_venue,
                                              create_program, create_session, create_shift,
                                              create_volunteer, locale):
    """The longest short name, a long title, the demo city's name and the longest role:
    the title gives way to the kind of session, then to nothing; Japanese stays in one
    segment, English in two."""
    monkeypatch.setitem(settings.config, "DESK_MUNICIPALITY_NAME", "藤沢市（デモ）")
    venue = create_venue(short_name="湘南台市民センタ")
    program = create_program(title="長" * 40, title_en="A rather long class title " * 3)
    session = create_session(venue_id=venue.id, program_id=program.id, day=DAY,
                             start=time(13, 30), end=time(15))
    shift = create_shift(session, role="assistant")
    volunteer = create_volunteer(language=locale)
    sign_up(shift, volunteer)
    for template in notices.SHIFT_TEMPLATES:
        body = render(message_for(volunteer, shift, template, locale=locale), now=NOW).sms_body
        assert count_segments(body).segments == (1 if locale == "ja" else 2), body
        assert "湘南台市民センタ" in body and DESK_PHONE in body and "13:30-15:00" in body
        assert "長長" not in body and "long class" not in body


# -- e-mail --------------------------------------------------------------------------------

SUBJECTS = {
    ("ja", "shift_reminder"): "シフトのお知らせ：スマホ入門（12月3日(木)）",
    ("ja", "shift_changed"): "シフトの決定・変更：スマホ入門（12月3日(木)）",
    ("ja", "shift_cancelled"): "シフト中止：スマホ入門（12月3日(木)）",
    ("ja", "shift_cover"): "応援のお願い：スマホ入門（12月3日(木)）",
    ("en", "shift_reminder"): "Shift reminder: Smartphone basics, Thu, Dec 3",
    ("en", "shift_changed"): "Your shift: Smartphone basics, Thu, Dec 3",
    ("en", "shift_cancelled"): "Shift cancelled: Smartphone basics, Thu, Dec 3",
    ("en", "shift_cover"): "Can you help? Smartphone basics, Thu, Dec 3",
}


@pytest.mark.parametrize(("locale", "template"), sorted(SUBJECTS))
def test_shift_email(on_shift, shift, locale, template):
    if template == "shift_cancelled":
        event_services.cancel_session(shift.session, "台風のため", actor="test", now=NOW)
    content = render(message_for(on_shift, shift, template, channel="email", locale=locale),
                     now=NOW)
    assert content.email_subject == SUBJECTS[(locale, template)]
    assert content.ics is None and content.sms_body is None
    page = f"{PUBLIC_URL}/volunteer/shifts/{shift.id}"
    text = content.email_text
    for expected in (page, "山本 和夫", "辻堂公民館", "神奈川県藤沢市辻堂1-2-3", "受付表を持参",
                     "LINE", DESK_PHONE, "藤沢市"):
        assert expected in text, expected
    assert ("9:30-11:30" if locale == "ja" else "09:30-11:30") in text
    assert ("受付" if locale == "ja" else "Reception") in text
    assert "\n\n\n" not in text
    assert f'href="{page}"' in content.email_html
    assert f'<html lang="{locale}">' in content.email_html
    if template == "shift_cancelled":
        assert "台風のため" in text and "台風のため" in content.email_html


def test_email_html_escapes_what_people_typed(on_shift, shift):
    shift.notes = "<script>alert(1)</script>"
    on_shift.name = "<b>山本</b>"
    content = render(message_for(on_shift, shift, "shift_reminder", channel="email"), now=NOW)
    assert "<script>" not in content.email_html and "<b>山本" not in content.email_html
    assert "&lt;script&gt;" in content.email_html and "&lt;b&gt;山本" in content.email_html


# -- invitations and resets ------------------------------------------------------------------

def secret_message(volunteer, template, channel, secret="s3cret-Token_123456789"):
    message = notices.plan(AccountTemplate(template), volunteer, due=NOW, now=NOW,
                           channel=MessageChannel(channel), secret=secret)
    db.session.flush()
    return message


@pytest.mark.parametrize(("template", "channel", "hours", "expected"), [
    ("account_invite", "email", 168, f"{PUBLIC_URL}/volunteer/join/s3cret-Token_123456789"),
    ("account_invite", "sms", 24, f"{PUBLIC_URL}/volunteer/join"),
    ("password_reset", "email", 2, f"{PUBLIC_URL}/password/reset/s3cret-Token_123456789"),
    ("password_reset", "sms", 1, f"{PUBLIC_URL}/password/reset"),
])
def test_secret_messages_carry_the_secret(settings, create_volunteer, template, channel, hours,
                                          expected):
    volunteer = create_volunteer(language="en")
    content = render(secret_message(volunteer, template, channel), now=NOW)
    text = content.sms_body or content.email_text
    assert expected in text
    if channel == "sms":
        assert "s3cret-Token_123456789" in text and f"{hours} h" in text
    else:
        assert content.ics is None and expected in content.email_html


def test_what_cannot_be_written_any_more_is_refused(on_shift, shift, create_volunteer):
    reminder = message_for(on_shift, shift, "shift_reminder")
    voice = message_for(on_shift, shift, "shift_changed")
    voice.channel = MessageChannel.VOICE
    invite = secret_message(create_volunteer(), "account_invite", "email", secret=None)
    cases = {voice: "no_voice", invite: "no_secret"}
    for message, code in cases.items():
        with pytest.raises(PermanentError) as error:
            render(message, now=NOW)
        assert error.value.code == code
    # a reminder for a place given back, or for a shift that was deleted
    (assignment,) = shift.active_assignments
    services.withdraw_from_shift(assignment, actor="test", now=NOW)
    with pytest.raises(PermanentError) as error:
        render(reminder, now=NOW)
    assert error.value.code == "not_on_shift"
    reminder.topic_id = None
    db.session.flush()
    db.session.expire(reminder)
    with pytest.raises(PermanentError) as error:
        render(reminder, now=NOW)
    assert error.value.code == "no_shift"


# -- what the dispatcher sends ----------------------------------------------------------------

def test_reminder_goes_out_the_day_before_once(backend, on_shift, shift):
    (reminder,) = outbox(on_shift)
    assert (reminder.template, reminder.channel, reminder.due_dt) == (
        ShiftTemplate.SHIFT_REMINDER, MessageChannel.SMS, REMINDER_DUE)
    assert dispatch.dispatch_due(now=REMINDER_DUE - timedelta(minutes=1)) == {}
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {MessageState.SENT: 1}
    assert dispatch.dispatch_due(now=REMINDER_DUE + timedelta(hours=2)) == {}
    assert backend.sends == {reminder.id: 1}
    assert backend.contents[reminder.id].sms_body == render(reminder, now=NOW).sms_body
    assert "9:30-11:30 辻堂" in backend.contents[reminder.id].sms_body
    (reminder,) = outbox(on_shift)
    assert reminder.state == MessageState.SENT and reminder.sent_dt == REMINDER_DUE


def test_no_reminder_once_the_shift_has_started(backend, on_shift, shift):
    """The dispatcher was down until after 9:30: the reception shift has begun (the class
    itself only starts at 10:00), so the reminder is dropped, not sent late."""
    assert dispatch.dispatch_due(now=shift.start_dt + timedelta(minutes=5)) == {}
    (reminder,) = outbox(on_shift)
    assert reminder.state == MessageState.CANCELLED
    assert reminder.error_code == CODE_SESSION_STARTED
    assert backend.sends.total() == 0


def test_a_call_for_cover_goes_out_while_the_shift_runs(backend, shift, create_volunteer):
    volunteer = create_volunteer(skills=["line"])
    during = shift.start_dt + timedelta(minutes=45)  # the class has started too
    services.request_cover(shift, actor="test", now=during)
    db.session.commit()
    (cover,) = outbox(volunteer)
    assert dispatch.dispatch_due(now=during) == {MessageState.SENT: 1}
    assert "9:30-11:30 辻堂" in backend.contents[cover.id].sms_body
    # one planned after the shift's end is dropped
    late = notices.plan(ShiftTemplate.SHIFT_COVER, volunteer, shift=shift,
                        due=during, now=during)
    db.session.commit()
    assert dispatch.dispatch_due(now=shift.end_dt) == {}
    db.session.refresh(late)
    assert late.state == MessageState.CANCELLED


def test_moving_a_shift_tells_the_volunteer_and_plans_the_reminder_again(
        backend, on_shift, shift):
    (old_reminder,) = outbox(on_shift)
    later = NOW + timedelta(hours=1)
    services.update_shift(shift, {"role": "reception", "places": 3, "start_time": "13:00",
                                  "end_time": "15:00", "skills": ["line"]},
                          actor="test", now=later)
    db.session.commit()
    messages = outbox(on_shift)
    assert [(message.template, message.state) for message in messages] == [
        (ShiftTemplate.SHIFT_REMINDER, MessageState.CANCELLED),
        (ShiftTemplate.SHIFT_CHANGED, MessageState.QUEUED),
        (ShiftTemplate.SHIFT_REMINDER, MessageState.QUEUED)]
    assert messages[0].id == old_reminder.id
    changed, reminder = messages[1], messages[2]
    assert changed.due_dt == later and reminder.due_dt == REMINDER_DUE
    assert dispatch.dispatch_due(now=later) == {MessageState.SENT: 1}
    assert "13:00-15:00 辻堂 スマホ入門" in backend.contents[changed.id].sms_body
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {MessageState.SENT: 1}
    assert set(backend.sends) == {changed.id, reminder.id}
    assert "13:00-15:00" in backend.contents[reminder.id].sms_body


@pytest.mark.parametrize("how", ["session", "typhoon"])
def test_cancelling_the_session_tells_every_volunteer_on_its_shifts(
        backend, shift, create_shift, create_volunteer, how):
    lead = create_shift(shift.session, role="lead", places=1)
    by_sms = create_volunteer(skills=["line"])
    by_email = create_volunteer(skills=["line"], message_channel="email", language="en")
    leader = create_volunteer()
    gave_back = create_volunteer(skills=["line"])
    for volunteer in (by_sms, by_email, gave_back):
        sign_up(shift, volunteer)
    sign_up(lead, leader)
    services.withdraw_from_shift(outbox_assignment(shift, gave_back), actor="test", now=NOW)
    db.session.commit()
    later = NOW + timedelta(hours=2)
    if how == "session":
        event_services.cancel_session(shift.session, "台風のため", actor="test", now=later)
    else:
        broadcast.cancel_day(DAY, "台風のため", actor="test", now=later)
    db.session.commit()
    told = {}
    for volunteer in (by_sms, by_email, leader, gave_back):
        cancelled = outbox(volunteer, ShiftTemplate.SHIFT_CANCELLED)
        told[volunteer.id] = [(message.channel, message.state) for message in cancelled]
        # no reminder is left to go out
        assert all(message.state == MessageState.CANCELLED
                   for message in outbox(volunteer, ShiftTemplate.SHIFT_REMINDER))
    assert told == {by_sms.id: [(MessageChannel.SMS, MessageState.QUEUED)],
                    by_email.id: [(MessageChannel.EMAIL, MessageState.QUEUED)],
                    leader.id: [(MessageChannel.SMS, MessageState.QUEUED)],
                    gave_back.id: []}
    assert dispatch.dispatch_due(now=later) == {MessageState.SENT: 3}
    (email,) = outbox(by_email, ShiftTemplate.SHIFT_CANCELLED)
    assert backend.contents[email.id].email_subject == SUBJECTS[("en", "shift_cancelled")]
    assert "台風のため" in backend.contents[email.id].email_text
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {}


def outbox_assignment(shift, volunteer):
    db.session.expire_all()
    return next(row for row in shift.assignments if row.volunteer_id == volunteer.id)


def test_a_volunteer_who_wants_no_messages_gets_none(backend, shift, create_volunteer):
    volunteer = create_volunteer(skills=["line"], message_channel="none")
    sign_up(shift, volunteer)
    services.update_shift(shift, {"role": "reception", "places": 3, "start_time": "10:00",
                                  "skills": ["line"]}, actor="test", now=NOW)
    event_services.cancel_session(shift.session, "台風のため", actor="test", now=NOW)
    db.session.commit()
    assert outbox(volunteer) == []
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {}


# -- the one-time secret ------------------------------------------------------------------------

def test_an_invitation_secret_is_wiped_once_sent(settings, create_volunteer):
    """With the log backend (no provider configured): recorded as logged, secret gone."""
    volunteer = create_volunteer()
    message = secret_message(volunteer, "account_invite", "email")
    db.session.commit()
    assert dispatch.dispatch_due(now=NOW) == {MessageState.LOGGED: 1}
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.state == MessageState.LOGGED and message.secret is None
    assert db.session.scalar(select(OutboxMessage.secret)
                             .where(OutboxMessage.id == message.id)) is None


def test_a_secret_is_kept_for_a_retry_and_wiped_by_any_outcome(settings, backend,
                                                               create_volunteer):
    volunteer = create_volunteer()
    retried = secret_message(volunteer, "account_invite", "sms", secret="111111")
    refused = secret_message(volunteer, "password_reset", "sms", secret="222222")
    db.session.commit()
    backend.script[retried.id] = [TransientError("busy", code="20429")]
    backend.script[refused.id] = [PermanentError("invalid number", code="21211")]
    dispatch.dispatch_due(now=NOW)
    db.session.expire_all()
    assert (retried.state, retried.secret) == (MessageState.QUEUED, "111111")
    assert (refused.state, refused.secret) == (MessageState.FAILED, None)
    # a coordinator cannot send it again: the code is gone
    with pytest.raises(ConflictError):
        notify_services.resolve_message(refused, "sent_again", actor="test", now=NOW)
    assert dispatch.dispatch_due(now=NOW + timedelta(hours=1)) == {MessageState.SENT: 1}
    db.session.expire_all()
    assert (retried.state, retried.secret) == (MessageState.SENT, None)
    assert "111111" in backend.contents[retried.id].sms_body


def test_a_stale_claim_loses_its_secret(settings, create_volunteer):
    message = secret_message(create_volunteer(), "account_invite", "sms", secret="333333")
    db.session.commit()
    assert [claim.id for claim in dispatch.claim_due(now=NOW, limit=5)] == [message.id]
    tasks.mark_stale_claims(now=NOW + tasks.CLAIM_TIMEOUT)
    db.session.expire_all()
    assert (message.state, message.secret) == (MessageState.UNKNOWN, None)


# -- the rest of desk.notify with volunteer rows --------------------------------------------------

def test_a_volunteer_sms_refused_as_a_landline_plans_no_call(backend, on_shift, shift):
    (reminder,) = outbox(on_shift)
    backend.script[reminder.id] = [PermanentError("landline", code="21614")]
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {MessageState.FAILED: 1}
    assert [message.channel for message in outbox(on_shift)] == [MessageChannel.SMS]
    assert db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.channel == MessageChannel.VOICE)) is None


def test_a_failed_shift_message_can_be_sent_again_to_the_current_number(backend, on_shift,
                                                                          shift):
    (reminder,) = outbox(on_shift)
    backend.script[reminder.id] = [PermanentError("unreachable", code="30003")]
    dispatch.dispatch_due(now=REMINDER_DUE)
    services.update_volunteer(on_shift, {"phone": "090-7777-1234"}, actor="test", now=NOW)
    notify_services.resolve_message(reminder, "sent_again", actor="test", now=REMINDER_DUE)
    db.session.commit()
    assert (reminder.state, reminder.address) == (MessageState.QUEUED, "+819077771234")
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {MessageState.SENT: 1}
    # once the shift has started it would not help any more
    backend.script[reminder.id] = []
    reminder.state, reminder.resolution = MessageState.FAILED, None
    db.session.commit()
    with pytest.raises(ConflictError):
        notify_services.resolve_message(reminder, "sent_again", actor="test",
                                        now=shift.start_dt)


def test_a_reply_to_a_shift_sms_touches_no_booking(backend, on_shift, shift, create_person):
    from desk.events.services import book_seat

    # the volunteer is also booked on a class with the same mobile number
    person = create_person(phone=on_shift.phone)
    booking = book_seat(shift.session, person, channel="phone_desk", actor="test",
                        now=NOW).booking
    db.session.commit()
    # the booking's messages went out first; the shift reminder is the latest SMS
    assert dispatch.dispatch_due(now=REMINDER_DUE - timedelta(hours=1)).total() == 2
    assert dispatch.dispatch_due(now=REMINDER_DUE) == {MessageState.SENT: 1}
    text = replies.handle_sms(on_shift.phone, "1", provider_id="SMreply1",
                              now=REMINDER_DUE + timedelta(minutes=5))
    db.session.commit()
    assert DESK_PHONE in text
    db.session.expire_all()
    assert booking.confirmation.value != "confirmed"
    reply = db.session.scalar(select(replies.SmsReply).where(
        replies.SmsReply.provider_id == "SMreply1"))
    assert reply.action == ReplyAction.HELP and reply.topic == "shift"


def test_the_outbox_page_shows_volunteer_rows(client, login, create_user, on_shift, shift):
    login(client, create_user())
    response = client.get("/staff/notify/messages")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "山本 和夫" in page
    assert f"/staff/volunteers/{on_shift.id}" in page
    assert "スマホ入門" in page
    (reminder,) = outbox(on_shift)
    assert reminder.recipient_kind == "volunteer"
    reminder.state, reminder.error_code = MessageState.FAILED, "not_on_shift"
    db.session.commit()
    page = client.get("/staff/notify/messages/attention").get_data(as_text=True)
    assert "山本 和夫" in page and "スマホ入門" in page
