"""Invitations: a coordinator invites a volunteer by e-mail link or SMS code, the
volunteer chooses a password and is logged in (desk/volunteers/accounts.py,
desk/auth/reset.py, desk/volunteers/account_views.py)."""

import unicodedata
from datetime import time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from desk.auth import reset
from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, Role, User, hash_token
from desk.auth.services import LoginError, authenticate
from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, ValidationError
from desk.core.phone import display_phone
from desk.core.timeutil import local_datetime, utcnow
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.notify.segments import count_segments
from desk.volunteers import accounts
from desk.volunteers.models import Volunteer
from desk.volunteers.notices import AccountTemplate
from tests.fixtures.factories import NOW

NEW_PASSWORD = "seven-purple-lanterns"
ENGLISH = {"Accept-Language": "en"}  # ja is the default; the assertions read English text


def _messages(volunteer_id, template=AccountTemplate.ACCOUNT_INVITE):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_kind == "volunteer", OutboxMessage.recipient_id == volunteer_id,
        OutboxMessage.template == template)
        .order_by(OutboxMessage.id)).all()


def _invite(volunteer, channel, now=None):
    invitation = accounts.invite_volunteer(volunteer, channel, actor="test", now=now or NOW)
    db.session.commit()
    return invitation


def _other_format(e164):
    """'+818050000012' typed as '０８０ ５０００ ００１２' (full-width, spaced)."""
    national = display_phone(e164).replace("-", " ")
    return unicodedata.normalize("NFKC", national).translate(
        {ord(digit): chr(ord(digit) + 0xFEE0) for digit in "0123456789"})


# -- the service -------------------------------------------------------------------------------

def test_invite_by_email_plans_one_message_with_its_secret(ctx, create_volunteer):
    volunteer = create_volunteer(message_channel="sms")
    invitation = _invite(volunteer, "email")
    rows = _messages(volunteer.id)
    assert len(rows) == 1
    message = rows[0]
    assert message.template == AccountTemplate.ACCOUNT_INVITE
    assert message.channel == MessageChannel.EMAIL  # the coordinator's choice wins
    assert message.address == volunteer.email
    assert message.state == MessageState.QUEUED and message.due_dt == NOW
    assert message.secret and len(message.secret) >= 40
    link = db.session.get(AccountLink, invitation.link.id)
    assert link.purpose == LinkPurpose.INVITE and link.channel == LinkChannel.EMAIL
    assert link.secret_hash == hash_token(message.secret) != message.secret
    assert link.expires_dt == NOW + timedelta(days=7)
    user = db.session.get(User, invitation.user.id)
    assert db.session.get(Volunteer, volunteer.id).user_id == user.id
    assert (user.role, user.email, user.phone) == (Role.VOLUNTEER, volunteer.email,
                                                   volunteer.phone)
    assert user.display_name == volunteer.name
    with pytest.raises(LoginError):  # nobody knows the random password
        authenticate(volunteer.email, "", now=NOW)
    # the audit log knows about the invitation, never the secret
    entries = db.session.scalars(select(AuditEntry)).all()
    assert "volunteer.invite" in {entry.action for entry in entries}
    assert not any(message.secret in str((entry.before, entry.after, entry.note))
                   for entry in entries)


def test_invite_by_sms_sends_a_six_digit_code_valid_24_hours(ctx, create_volunteer):
    volunteer = create_volunteer()
    invitation = _invite(volunteer, "sms")
    message = _messages(volunteer.id)[0]
    assert message.channel == MessageChannel.SMS and message.address == volunteer.phone
    assert len(message.secret) == 6 and message.secret.isdigit()
    assert invitation.link.expires_dt == NOW + timedelta(hours=24)
    # the code's hash is tied to the account: six digits alone are not unique
    assert invitation.link.secret_hash != hash_token(message.secret)


def test_sms_code_time_starts_after_the_quiet_hours(ctx, create_volunteer):
    volunteer = create_volunteer()
    night = local_datetime(NOW.date(), time(22))
    invitation = _invite(volunteer, "sms", now=night)
    morning = local_datetime(NOW.date() + timedelta(days=1), time(8))
    assert invitation.link.expires_dt == morning + timedelta(hours=24)


def test_sms_invite_for_a_landline_only_volunteer_is_refused(ctx, create_volunteer):
    volunteer = create_volunteer(phone="0466-25-1234", email=None, message_channel="none")
    with force_locale("en"), pytest.raises(ValidationError, match="mobile"):
        accounts.invite_volunteer(volunteer, "sms", actor="test", now=NOW)
    db.session.rollback()
    assert _messages(volunteer.id) == []
    assert db.session.get(Volunteer, volunteer.id).user_id is None


def test_email_invite_needs_an_address(ctx, create_volunteer):
    volunteer = create_volunteer(email=None)
    with force_locale("en"), pytest.raises(ValidationError, match="e-mail"):
        accounts.invite_volunteer(volunteer, "email", actor="test", now=NOW)


def test_unknown_channel_is_refused(ctx, create_volunteer):
    with pytest.raises(ValidationError):
        accounts.invite_volunteer(create_volunteer(), "pigeon", actor="test", now=NOW)


def test_invite_refuses_a_login_that_belongs_to_another_account(ctx, create_volunteer,
                                                                create_user):
    other = create_user(Role.COORDINATOR, email="taken@example.jp")
    volunteer = create_volunteer(email="Taken@example.jp")
    with pytest.raises(ConflictError, match="taken@example.jp"):
        accounts.invite_volunteer(volunteer, "sms", actor="test", now=NOW)
    db.session.rollback()
    other.phone = "+819011112222"
    db.session.commit()
    volunteer = create_volunteer(phone="090-1111-2222")
    with pytest.raises(ConflictError, match="090-1111-2222"):
        accounts.invite_volunteer(volunteer, "email", actor="test", now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_inviting_again_reuses_the_account_and_retires_the_first_link(ctx, create_volunteer):
    volunteer = create_volunteer()
    first = _invite(volunteer, "sms", now=local_datetime(NOW.date(), time(22)))
    first_message = _messages(volunteer.id)[0]
    assert first_message.state == MessageState.QUEUED  # waiting out the quiet hours
    volunteer.email = "new.address@example.jp"
    db.session.commit()
    second = _invite(volunteer, "email", now=NOW + timedelta(days=1))
    assert second.user.id == first.user.id
    assert db.session.get(User, first.user.id).email == "new.address@example.jp"
    rows = _messages(volunteer.id)
    assert [row.state for row in rows] == [MessageState.CANCELLED, MessageState.QUEUED]
    assert rows[0].secret is None
    assert not db.session.get(AccountLink, first.link.id).is_usable(NOW + timedelta(days=1))
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_activated_volunteer_is_not_invited_again(ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "email")
    reset.use_token(_messages(volunteer.id)[0].secret, NEW_PASSWORD,
                    purpose=LinkPurpose.INVITE, now=NOW)
    db.session.commit()
    with force_locale("en"), pytest.raises(ConflictError, match="already has an account"):
        accounts.invite_volunteer(volunteer, "sms", actor="test", now=NOW)


def test_inactive_volunteer_is_not_invited(ctx, create_volunteer):
    with force_locale("en"), pytest.raises(ValidationError, match="inactive"):
        accounts.invite_volunteer(create_volunteer(is_active=False), "email", actor="test",
                                  now=NOW)


def test_used_and_expired_links_are_refused(ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "email")
    secret = _messages(volunteer.id)[0].secret
    with pytest.raises(reset.LinkUnusable):
        reset.use_token(secret, NEW_PASSWORD, purpose=LinkPurpose.INVITE,
                        now=NOW + timedelta(days=7, seconds=1))
    # a weak password changes nothing: the link still works
    with pytest.raises(ValidationError):
        reset.use_token(secret, "short", purpose=LinkPurpose.INVITE, now=NOW)
    user = reset.use_token(secret, NEW_PASSWORD, purpose=LinkPurpose.INVITE, now=NOW)
    db.session.commit()
    assert authenticate(volunteer.email, NEW_PASSWORD, now=NOW) == user
    with pytest.raises(reset.LinkUnusable):
        reset.use_token(secret, "another-long-password", purpose=LinkPurpose.INVITE, now=NOW)
    # an invitation's link does not reset a password
    with pytest.raises(reset.LinkUnusable):
        reset.use_token(secret, "another-long-password", purpose=LinkPurpose.RESET, now=NOW)


def test_five_wrong_codes_kill_the_code(ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "sms")
    code = _messages(volunteer.id)[0].secret
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _try in range(AccountLink.MAX_ATTEMPTS):
        with pytest.raises(reset.CodeRefused):
            accounts.accept_invite_code(volunteer.phone, wrong, NEW_PASSWORD, now=NOW)
        db.session.commit()
    with pytest.raises(reset.CodeRefused):
        accounts.accept_invite_code(volunteer.phone, code, NEW_PASSWORD, now=NOW)


def test_code_answers_the_same_for_an_unknown_number(ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "sms")
    errors = []
    for phone in (volunteer.phone, "090-9999-8888"):
        with pytest.raises(reset.CodeRefused) as caught:
            accounts.accept_invite_code(phone, "000000", NEW_PASSWORD, now=NOW)
        errors.append((caught.value.message, caught.value.fields))
    assert errors[0] == errors[1]


def test_code_input_that_cannot_be_a_code_counts_no_try(ctx, create_volunteer):
    volunteer = create_volunteer()
    invitation = _invite(volunteer, "sms")
    with pytest.raises(ValidationError) as caught:
        accounts.accept_invite_code("12", "12ab", "short", now=NOW)
    assert set(caught.value.fields) == {"phone", "code", "password"}
    assert db.session.get(AccountLink, invitation.link.id).attempts == 0


def test_invite_messages_render_with_their_secret(ctx, create_volunteer):
    volunteer = create_volunteer(language="en")
    _invite(volunteer, "sms")
    sms = render(_messages(volunteer.id)[0], now=NOW)
    code = _messages(volunteer.id)[0].secret
    assert code in sms.sms_body and "/volunteer/join" in sms.sms_body
    assert "24 h" in sms.sms_body
    assert count_segments(sms.sms_body).segments <= 2  # English text, Japanese city name
    volunteer.message_channel = "email"
    db.session.commit()
    _invite(volunteer, "email")
    message = _messages(volunteer.id)[-1]
    email = render(message, now=NOW)
    assert f"/volunteer/join/{message.secret}" in email.email_text
    assert f"/volunteer/join/{message.secret}" in email.email_html
    assert "7 days" in email.email_text and volunteer.name in email.email_text
    assert email.email_subject


# -- the pages ---------------------------------------------------------------------------------

def test_following_the_link_sets_the_password_and_logs_in(client, ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "email", now=utcnow())
    secret = _messages(volunteer.id)[0].secret
    url = f"/volunteer/join/{secret}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert volunteer.email in page.get_data(as_text=True)
    # the two passwords differ: nothing happens
    response = client.post(url, data={"password": NEW_PASSWORD, "password_again": "other"})
    assert response.status_code == 200
    response = client.post(url, data={"password": NEW_PASSWORD,
                                      "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/volunteer"
    assert client.get("/volunteer").status_code == 200
    # the link is used up
    assert client.get(url).status_code == 410
    gone = client.post(url, data={"password": "x" * 12, "password_again": "x" * 12},
                       headers=ENGLISH)
    assert gone.status_code == 410
    assert "can no longer be used" in gone.get_data(as_text=True)
    db.session.expire_all()
    assert authenticate(volunteer.email, NEW_PASSWORD, now=utcnow()).id == volunteer.user_id


def test_unknown_and_expired_links_get_the_friendly_page(client, ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "email", now=utcnow() - timedelta(days=8))
    secret = _messages(volunteer.id)[0].secret
    for url in (f"/volunteer/join/{secret}", "/volunteer/join/not-a-real-token",
                "/volunteer/join/" + "x" * 300):
        response = client.get(url, headers=ENGLISH)
        assert response.status_code == 410, url
        assert "can no longer be used" in response.get_data(as_text=True)


def test_joining_by_code_with_the_phone_in_another_format(client, ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "sms", now=utcnow())
    code = _messages(volunteer.id)[0].secret
    typed = _other_format(volunteer.phone)
    assert typed != volunteer.phone
    wrong = client.post("/volunteer/join", data={
        "phone": typed, "code": f"{(int(code) + 1) % 1_000_000:06d}",
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, headers=ENGLISH)
    assert wrong.status_code == 200
    assert "do not match" in wrong.get_data(as_text=True)
    db.session.expire_all()
    link = db.session.scalar(select(AccountLink).where(
        AccountLink.user_id == volunteer.user_id))
    assert link.attempts == 1  # committed although the request failed
    response = client.post("/volunteer/join", data={
        "phone": typed, "code": f"{code[:3]} {code[3:]}",
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/volunteer"
    # and from now on the volunteer logs in with the phone number, in any format
    client.post("/logout")
    login = client.post("/login", data={"email": "+81" + volunteer.phone[3:],
                                        "password": NEW_PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == "/volunteer"


def test_join_code_page_answers_the_same_for_an_unknown_number(client, ctx, create_volunteer):
    volunteer = create_volunteer()
    _invite(volunteer, "sms", now=utcnow())
    bodies = []
    for phone in (volunteer.phone, "090-9999-8888"):
        response = client.post("/volunteer/join", data={
            "phone": phone, "code": "000000", "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        bodies.append(body.replace(display_phone(volunteer.phone), "090-9999-8888")
                      .replace(volunteer.phone, "090-9999-8888"))
    assert bodies[0] == bodies[1]


def test_coordinator_invites_from_the_volunteer_page(client, ctx, create_volunteer,
                                                     create_user, login):
    volunteer = create_volunteer()
    login(client, create_user(Role.COORDINATOR))
    page = client.get(f"/staff/volunteers/{volunteer.id}")
    assert f'action="/staff/volunteers/{volunteer.id}/invite"' in page.get_data(as_text=True)
    response = client.post(f"/staff/volunteers/{volunteer.id}/invite",
                           data={"channel": "sms"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/staff/volunteers/{volunteer.id}#account-heading")
    rows = _messages(volunteer.id)
    assert [(row.channel, row.address) for row in rows] == [(MessageChannel.SMS,
                                                             volunteer.phone)]
    client.get("/locale/en")
    page = client.get(f"/staff/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Not joined yet" in page and "Invite again" in page
    # no channel chosen: a message, nothing planned
    client.post(f"/staff/volunteers/{volunteer.id}/invite", data={})
    assert len(_messages(volunteer.id)) == 1


def test_invite_refusal_is_shown_to_the_coordinator(client, ctx, create_volunteer,
                                                    create_user, login):
    volunteer = create_volunteer(phone="0466-25-1234", message_channel="email")
    login(client, create_user(Role.COORDINATOR))
    response = client.post(f"/staff/volunteers/{volunteer.id}/invite",
                           data={"channel": "sms"}, follow_redirects=True)
    assert response.status_code == 200
    assert "flash--error" in response.get_data(as_text=True)
    assert _messages(volunteer.id) == []


def test_volunteer_cannot_invite(client, ctx, create_volunteer, create_user, login):
    volunteer = create_volunteer()
    login(client, create_user(Role.VOLUNTEER))
    assert client.post(f"/staff/volunteers/{volunteer.id}/invite",
                       data={"channel": "email"}).status_code == 403
    assert _messages(volunteer.id) == []


def test_the_list_and_the_volunteer_page_tell_the_same_account_state(ctx, create_volunteer,
                                                                      create_user):
    nobody = create_volunteer()
    invited, joined, logged_in, disabled = (create_volunteer() for _ in range(4))
    for volunteer in (invited, joined, logged_in, disabled):
        volunteer.user_id = create_user(Role.VOLUNTEER).id
    db.session.commit()
    link = _invite(joined, "email").link
    link.used_dt = utcnow()
    logged_in.user.last_login_dt = utcnow()
    disabled.user.is_enabled = False
    db.session.commit()
    volunteers = [nobody, invited, joined, logged_in, disabled]
    states = accounts.account_states(volunteers)
    assert [states[volunteer.id] for volunteer in volunteers] == [
        "none", "invited", "active", "active", "disabled"]
    assert states == {volunteer.id: accounts.account_state(volunteer, now=utcnow()).state
                      for volunteer in volunteers}
