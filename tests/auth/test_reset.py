"""Forgotten passwords (desk/auth/reset.py, desk/volunteers/passwords.py and
account_views.py) and logging in with a phone number (desk/auth/services.py)."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.auth import reset
from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, Role, User
from desk.auth.services import LoginError, authenticate
from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime, utcnow
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.notify.segments import count_segments
from desk.volunteers import accounts, passwords
from desk.volunteers import services as volunteer_services
from desk.volunteers.notices import AccountTemplate
from tests.fixtures.factories import NOW, PASSWORD

NEW_PASSWORD = "a-fresh-river-stone"
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ENGLISH = {"Accept-Language": "en"}  # ja is the default; the assertions read English text


@pytest.fixture
def member(ctx):
    """A volunteer who joined: (volunteer, user) with PASSWORD as password, mobile
    080-4321-8765 and an e-mail address."""
    volunteer = volunteer_services.create_volunteer(
        {"name": "中村 陽子", "name_kana": "なかむら ようこ", "affiliation": "student",
         "phone": "080-4321-8765", "email": "yoko@example.jp", "message_channel": "sms"},
        actor="test", now=NOW)
    accounts.invite_volunteer(volunteer, "email", actor="test", now=NOW - timedelta(days=1))
    secret = _rows(volunteer.id, AccountTemplate.ACCOUNT_INVITE)[0].secret
    user = reset.use_token(secret, PASSWORD, purpose=LinkPurpose.INVITE,
                           now=NOW - timedelta(days=1))
    db.session.commit()
    return volunteer, user


def _rows(volunteer_id, template=AccountTemplate.PASSWORD_RESET):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_kind == "volunteer", OutboxMessage.recipient_id == volunteer_id,
        OutboxMessage.template == template)
        .order_by(OutboxMessage.id)).all()


def _resets():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == AccountTemplate.PASSWORD_RESET)).all()


# -- logging in with a phone number ------------------------------------------------------------

@pytest.mark.parametrize("typed", ["080-4321-8765", "08043218765", "+81 80 4321 8765",
                                   "０８０－４３２１－８７６５"])
def test_login_by_phone_number_in_any_format(ctx, member, typed):
    _volunteer, user = member
    assert authenticate(typed, PASSWORD, now=NOW) == user


def test_login_by_phone_keeps_the_generic_error_and_the_lock_out(ctx, member):
    _volunteer, user = member
    messages = set()
    for typed in ("080-4321-8765", "090-0000-0000", "not a phone"):
        with pytest.raises(LoginError) as caught:
            authenticate(typed, "wrong-password-1", now=NOW)
        messages.add(caught.value.message)
    assert len(messages) == 1
    for _try in range(ctx.config["DESK_LOGIN_MAX_FAILURES"] - 1):
        with pytest.raises(LoginError):
            authenticate("080-4321-8765", "wrong-password-1", now=NOW)
    assert db.session.get(User, user.id).locked_until_dt is not None


def test_login_page_takes_a_phone_number_and_offers_a_reset(client, ctx, member):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    response = client.post("/login", data={"email": "080 4321 8765", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/volunteer"


# -- the service -------------------------------------------------------------------------------

def test_reset_by_email_plans_a_link(ctx, member):
    volunteer, user = member
    message = passwords.request_reset("Yoko@Example.jp", now=NOW)
    db.session.commit()
    assert (message.channel, message.address) == (MessageChannel.EMAIL, volunteer.email)
    assert message.template == AccountTemplate.PASSWORD_RESET and message.secret
    link = db.session.scalar(select(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.RESET))
    assert link.channel == LinkChannel.EMAIL
    assert link.expires_dt == NOW + timedelta(hours=2)


def test_reset_by_phone_plans_an_sms_code(ctx, member):
    volunteer, _user = member
    message = passwords.request_reset("080-4321-8765".translate(FULL_WIDTH), now=NOW)
    assert (message.channel, message.address) == (MessageChannel.SMS, volunteer.phone)
    assert len(message.secret) == 6


def test_reset_falls_back_to_the_way_that_reaches_the_volunteer(ctx, member):
    volunteer, _user = member
    volunteer.phone = "0466-25-1234"  # a landline now: no SMS
    volunteer.phone_kind = "landline"
    db.session.commit()
    message = passwords.request_reset("080-4321-8765", now=NOW)
    assert (message.channel, message.address) == (MessageChannel.EMAIL, volunteer.email)


def test_reset_is_not_planned_twice_within_minutes(ctx, member):
    assert passwords.request_reset("yoko@example.jp", now=NOW) is not None
    assert passwords.request_reset("080-4321-8765", now=NOW + timedelta(minutes=1)) is None
    assert passwords.request_reset("yoko@example.jp", now=NOW + timedelta(minutes=6)) is not None
    db.session.commit()
    # the newer request retired the older link
    links = db.session.scalars(select(AccountLink).where(
        AccountLink.purpose == LinkPurpose.RESET).order_by(AccountLink.id)).all()
    later = NOW + timedelta(minutes=7)
    assert [link.is_usable(later) for link in links] == [False, True]


def test_reset_plans_nothing_for_unknown_staff_or_disabled_accounts(ctx, member,
                                                                    create_user):
    _volunteer, user = member
    staff = create_user(Role.COORDINATOR, email="staff@city.example.jp")
    assert passwords.request_reset("nobody@example.jp", now=NOW) is None
    assert passwords.request_reset("090-1111-0000", now=NOW) is None
    assert passwords.request_reset(staff.email, now=NOW) is None
    user.is_enabled = False
    db.session.commit()
    assert passwords.request_reset("yoko@example.jp", now=NOW) is None
    assert _resets() == []
    with pytest.raises(ValidationError):
        passwords.request_reset("neither", now=NOW)


def test_sms_reset_code_time_starts_after_the_quiet_hours(ctx, member):
    _volunteer, user = member
    night = local_datetime(NOW.date(), time(23, 30))
    passwords.request_reset("080-4321-8765", now=night)
    link = db.session.scalar(select(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.RESET))
    morning = local_datetime(NOW.date() + timedelta(days=1), time(8))
    assert link.expires_dt == morning + timedelta(hours=1)


def test_resetting_clears_a_lock_out(ctx, member):
    volunteer, user = member
    user.locked_until_dt = NOW + timedelta(minutes=10)
    db.session.commit()
    message = passwords.request_reset("080-4321-8765", now=NOW)
    passwords.use_code(volunteer.phone, message.secret, NEW_PASSWORD,
                       purpose=LinkPurpose.RESET, now=NOW)
    db.session.commit()
    assert authenticate("080-4321-8765", NEW_PASSWORD, now=NOW) == user
    with pytest.raises(LoginError):
        authenticate("080-4321-8765", PASSWORD, now=NOW)


def test_reset_code_is_not_an_invitation_code(ctx, member):
    volunteer, _user = member
    message = passwords.request_reset("080-4321-8765", now=NOW)
    with pytest.raises(reset.CodeRefused):
        accounts.accept_invite_code(volunteer.phone, message.secret, NEW_PASSWORD, now=NOW)


def test_reset_messages_render_with_their_secret(ctx, member):
    volunteer, _user = member
    volunteer.language = "en"
    db.session.commit()
    sms = render(passwords.request_reset("080-4321-8765", now=NOW), now=NOW)
    assert "/password/reset" in sms.sms_body and "valid 1 h" in sms.sms_body
    assert count_segments(sms.sms_body).segments <= 2  # English text, Japanese city name
    message = passwords.request_reset("yoko@example.jp", now=NOW + timedelta(minutes=10))
    email = render(message, now=NOW)
    assert f"/password/reset/{message.secret}" in email.email_text
    assert 'href="http://' in email.email_html and message.secret in email.email_html
    assert "2 hours" in email.email_text and email.email_subject


# -- the pages ---------------------------------------------------------------------------------

def test_forgot_and_reset_by_email_link(app, client, ctx, member, login):
    volunteer, user = member
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/volunteer").status_code == 200
    response = client.post("/password/forgot", data={"login": "yoko@example.jp"})
    assert response.status_code == 200
    (message,) = _resets()
    url = f"/password/reset/{message.secret}"
    page = client.get(url)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    weak = client.post(url, data={"password": "short", "password_again": "short"})
    assert weak.status_code == 200
    done = client.post(url, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/volunteer"
    assert client.get("/volunteer").status_code == 200
    # the old password and the other device's session are gone; the link is used up
    assert other_device.get("/volunteer").status_code == 302
    db.session.expire_all()
    assert authenticate("yoko@example.jp", NEW_PASSWORD, now=utcnow()).id == user.id
    assert client.get(url).status_code == 410
    assert "Ask for a new link" in client.get(url, headers=ENGLISH).get_data(as_text=True)


def test_forgot_and_reset_by_sms_code(client, ctx, member):
    volunteer, user = member
    client.post("/password/forgot", data={"login": "+81-80-4321-8765"})
    (message,) = _resets()
    assert message.channel == MessageChannel.SMS and message.state == MessageState.QUEUED
    response = client.post("/password/reset", data={
        "phone": "０８０４３２１８７６５", "code": message.secret, "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/volunteer"
    db.session.expire_all()
    assert authenticate(volunteer.email, NEW_PASSWORD, now=utcnow()).id == user.id
    # used once only
    again = client.post("/password/reset", data={
        "phone": volunteer.phone, "code": message.secret, "password": "yet-another-secret",
        "password_again": "yet-another-secret"}, headers=ENGLISH)
    assert again.status_code == 200 and "do not match" in again.get_data(as_text=True)


def test_forgot_answers_the_same_for_an_unknown_address(app, ctx, member):
    bodies = []
    for typed in ("yoko@example.jp", "nobody@example.jp"):
        client = app.test_client()
        response = client.post("/password/forgot", data={"login": typed})
        assert response.status_code == 200
        bodies.append(response.get_data(as_text=True))
    assert bodies[0] == bodies[1]
    assert len(_resets()) == 1  # only for the real account


def test_forgot_refuses_what_is_neither_an_address_nor_a_number(client, ctx):
    response = client.post("/password/forgot", data={"login": "hello"})
    assert response.status_code == 200
    assert "field--error" in response.get_data(as_text=True)
    assert _resets() == []


def test_reset_pages_refuse_unknown_links_kindly(client, ctx, member):
    assert client.get("/password/reset/unknown-token").status_code == 410
    assert client.post("/password/reset/unknown-token", data={
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 410
    page = client.get("/password/forgot", headers=ENGLISH).get_data(as_text=True)
    assert "administrator" in page  # staff are told where to go
