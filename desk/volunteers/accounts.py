"""Volunteers' login accounts: invitations, joining by link or code, reset messages.

A coordinator invites a volunteer by e-mail (a link) or by SMS (a six-digit code typed
on /volunteer/join with the phone number); the volunteer chooses their own password
there and is logged in. The one-time links themselves (validity, hashing, tries,
retiring older ones) are desk.auth.reset's; how their messages travel is
desk.volunteers.passwords'.

`invite_volunteer` decides:
- the volunteer must be active and reachable by the chosen channel: e-mail needs an
  address, SMS a mobile number (a landline cannot receive the code);
- the account (desk.auth User, role volunteer) is created at the first invitation, with
  the profile's e-mail address and phone number as its logins and an unusable random
  password, and linked to the profile (Volunteer.user_id). A later invitation reuses it
  while it is not activated, bringing its e-mail address and phone number up to date;
- an e-mail address or phone number that already belongs to another account is refused
  with a message naming it (the coordinator corrects the profile or asks an
  administrator): logins are unique and never taken over;
- an account counts as activated once a link has been used or it has logged in; an
  activated volunteer is not invited again (they use "Forgot your password?"), nor is
  one whose account an administrator disabled;
- one outbox message carries the secret; an earlier invitation's message still waiting
  (an SMS in the quiet hours) is cancelled, and its link stops working.
"""

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.auth import reset
from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, Role, User
from desk.auth.services import hash_password
from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import ConflictError, ValidationError
from desk.core.phone import display_phone
from desk.extensions import db
from desk.notify import optout
from desk.notify.models import MessageChannel
from desk.volunteers import notices, passwords
from desk.volunteers.models import Volunteer

USER_FIELDS = ("email", "phone", "display_name", "role")


@dataclass(frozen=True)
class Invitation:
    user: User
    link: AccountLink
    message: object  # the OutboxMessage that carries the link or code


@dataclass(frozen=True)
class AccountState:
    """What the coordinators' volunteer page says about the login account."""

    state: str  # none, invited, active, disabled
    user: User | None
    link: AccountLink | None  # the invitation that still works, if any
    can_email: bool
    can_sms: bool


def is_activated(user, used_links=None):
    """Whether the person has set a password: they logged in, or a link of theirs was
    used (`used_links`: the ids of the users whose link was used, when the caller looked
    them up for a whole list)."""
    if user.last_login_dt is not None:
        return True
    if used_links is not None:
        return user.id in used_links
    return db.session.scalar(select(AccountLink.id).where(
        AccountLink.user_id == user.id, AccountLink.used_dt.is_not(None)).limit(1)) is not None


def state_of(user, used_links=None):
    """The login account's state: none, disabled, active (is_activated) or invited."""
    if user is None:
        return "none"
    if not user.is_enabled:
        return "disabled"
    return "active" if is_activated(user, used_links) else "invited"


def account_state(volunteer, *, now):
    user = volunteer.user
    state = state_of(user)
    usable = None
    if state == "invited":
        links = db.session.scalars(select(AccountLink).where(
            AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.INVITE)
            .order_by(AccountLink.id.desc())).all()
        usable = next((link for link in links if link.is_usable(now)), None)
    return AccountState(state, user, usable, bool(volunteer.email),
                        notices.sms_address(volunteer) is not None)


def account_states(volunteers):
    """{volunteer id: state} for a list (the coordinators' volunteer list), in one
    query."""
    user_ids = [volunteer.user_id for volunteer in volunteers if volunteer.user_id]
    used = set(db.session.scalars(select(AccountLink.user_id).where(
        AccountLink.user_id.in_(user_ids), AccountLink.used_dt.is_not(None)))) \
        if user_ids else set()
    return {volunteer.id: state_of(volunteer.user, used) for volunteer in volunteers}


def _channel(raw):
    try:
        return LinkChannel(raw)
    except ValueError:
        message = _("Choose how to send the invitation: by e-mail or by SMS.")
        raise ValidationError(message, fields={"channel": message}) from None


def _check_reachable(volunteer, channel):
    if channel == LinkChannel.EMAIL and not volunteer.email:
        message = _("%(name)s has no e-mail address. Add one to the profile, or send the "
                    "invitation by SMS.", name=volunteer.name)
        raise ValidationError(message, fields={"channel": message})
    if channel == LinkChannel.SMS:
        mobile = notices.sms_address(volunteer)
        if mobile is None:
            message = _("%(name)s has no mobile phone number, and an SMS cannot reach a "
                        "landline. Send the invitation by e-mail, or add a mobile number "
                        "to the profile.", name=volunteer.name)
            raise ValidationError(message, fields={"channel": message})
        if optout.is_opted_out(mobile, MessageChannel.SMS):
            message = _("The number %(phone)s asked not to receive SMS from the desk. Send "
                        "the invitation by e-mail.", phone=display_phone(mobile))
            raise ValidationError(message, fields={"channel": message})


def _check_logins_free(volunteer, own):
    """The profile's e-mail address and phone number must not log in to another
    account."""
    own_id = own.id if own is not None else None
    if volunteer.email:
        query = select(User).where(func.lower(User.email) == volunteer.email.lower())
        if own_id is not None:
            query = query.where(User.id != own_id)
        other = db.session.scalar(query)
        if other is not None:
            raise ConflictError(_(
                "The e-mail address %(email)s already belongs to another account "
                "(%(account)s). Correct the volunteer's e-mail address, or ask an "
                "administrator.", email=volunteer.email, account=other.display_name))
    if volunteer.phone:
        query = select(User).where(User.phone == volunteer.phone)
        if own_id is not None:
            query = query.where(User.id != own_id)
        other = db.session.scalar(query)
        if other is not None:
            raise ConflictError(_(
                "The phone number %(phone)s already belongs to another account "
                "(%(account)s). Correct the volunteer's phone number, or ask an "
                "administrator.", phone=display_phone(volunteer.phone),
                account=other.display_name))


def _account(volunteer, *, actor):
    """The volunteer's not yet activated account, made or brought up to date."""
    user = volunteer.user
    _check_logins_free(volunteer, user)
    if user is None:
        user = User(email=volunteer.email, phone=volunteer.phone,
                    display_name=volunteer.name[:User.NAME_MAX], role=Role.VOLUNTEER,
                    password_hash=hash_password(secrets.token_urlsafe(32)), is_enabled=True)
        db.session.add(user)
        db.session.flush()
        volunteer.user_id = user.id
        volunteer.user = user
        audit.record("user.create", user, actor=actor, after=audit.snapshot(user, USER_FIELDS),
                     note="volunteer invitation")
        return user
    before = audit.snapshot(user, USER_FIELDS)
    user.email = volunteer.email
    user.phone = volunteer.phone
    user.display_name = volunteer.name[:User.NAME_MAX]
    after = audit.snapshot(user, USER_FIELDS)
    if after != before:
        db.session.flush()
        audit.record("user.update", user, actor=actor, before=before, after=after,
                     note="volunteer invitation")
    return user


def invite_volunteer(volunteer, channel, *, actor, now):
    """Invite a volunteer to set their password, by e-mail link or SMS code (see the
    module's docstring); returns an Invitation. Raises ValidationError or
    ConflictError with a message for the coordinator; nothing changes then."""
    channel = _channel(channel)
    # two coordinators (or a double click) inviting at once: the second waits, then
    # sees the account the first one made
    lock_rows(db.session, select(Volunteer).where(Volunteer.id == volunteer.id),
              of=Volunteer).one()
    if not volunteer.is_active:
        raise ValidationError(_("%(name)s is marked inactive. Make the profile active "
                                "before inviting.", name=volunteer.name))
    user = volunteer.user
    if user is not None and not user.is_enabled:
        raise ConflictError(_("The account of %(name)s is disabled. An administrator can "
                              "enable it again.", name=volunteer.name))
    if user is not None and is_activated(user):
        raise ConflictError(_("%(name)s already has an account. If they forgot their "
                              "password, they can set a new one on the page “Forgot your "
                              "password?”.", name=volunteer.name))
    _check_reachable(volunteer, channel)
    user = _account(volunteer, actor=actor)
    link, message = passwords.plan_link_message(user, volunteer, LinkPurpose.INVITE,
                                                channel, now=now, actor=actor)
    audit.record("volunteer.invite", volunteer, actor=actor,
                 after={"channel": channel, "address": message.address, "user_id": user.id,
                        "expires_dt": link.expires_dt}, now=now)
    return Invitation(user, link, message)


def accept_invite_link(token, password, *, now):
    """Set the first password with an invitation link; returns the user (to log in)."""
    return reset.use_token(token, password, purpose=LinkPurpose.INVITE, now=now)


def accept_invite_code(phone, code, password, *, now):
    """Set the first password with the phone number and the SMS code; returns the
    user. A wrong code is counted (reset.CodeRefused keeps its changes)."""
    return passwords.use_code(phone, code, password, purpose=LinkPurpose.INVITE, now=now)
