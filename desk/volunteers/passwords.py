"""Volunteers' one-time links and codes: how they travel, forgotten passwords, and the
phone numbers an SMS code is typed with.

desk.auth.reset makes, checks and uses the links themselves (validity, hashing, tries,
retiring older ones). What is about volunteers is here:
- `plan_link_message`: a new link for an account and the one outbox message that
  carries its secret to the volunteer's profile (by e-mail a link, by SMS a code). An
  SMS waits out the quiet hours (DESK_QUIET_HOURS), so an SMS code's time starts when
  they end, not when it was asked for at night. An earlier message of the same kind
  still waiting is cancelled: its secret is dead once a newer one exists.
- `request_reset` ("Forgot your password?"): for volunteer accounts only. Staff accounts
  (admins, coordinators) have no volunteer profile to reach; an administrator helps
  them. Asking always gets the same answer, whether or not the account exists, and a
  reset is planned at most once per RESEND_AFTER for an account. Someone who typed an
  e-mail address gets a link by e-mail, someone who typed a phone number a code by SMS;
  when the profile cannot be reached that way the other way is used.
- `users_for_phone` / `use_code`: a code is typed with a phone number, which stands for
  the account that logs in with it and for the account whose volunteer profile holds it
  (a coordinator may have corrected the number after the invitation).
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from desk.auth import reset
from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, Role, User
from desk.auth.services import check_password_rules, find_user_by_email, normalise_email
from desk.core import audit
from desk.core.errors import ValidationError
from desk.core.phone import parse_phone
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import MessageChannel
from desk.notify.quiet import quiet_until
from desk.volunteers import notices
from desk.volunteers.models import Volunteer
from desk.volunteers.notices import ACCOUNT_TOPIC, AccountTemplate

TEMPLATES = {
    LinkPurpose.INVITE: AccountTemplate.ACCOUNT_INVITE,
    LinkPurpose.RESET: AccountTemplate.PASSWORD_RESET,
}
# a second reset for the same account within this time plans nothing (SMS bombing)
RESEND_AFTER = timedelta(minutes=5)


def validity_hours(template, channel):
    """How many hours the link or code of an invitation or password reset message works
    (for the message text)."""
    purpose = next(purpose for purpose, value in TEMPLATES.items() if value == template)
    return int(reset.validity(purpose, LinkChannel(str(channel))).total_seconds() // 3600)


# -- who a phone number or a login stands for -------------------------------------------------

def users_for_phone(e164):
    """Accounts a phone number (E.164) stands for: the account that logs in with it, and
    the account of a volunteer whose profile holds it."""
    return list(db.session.scalars(
        select(User).outerjoin(Volunteer, Volunteer.user_id == User.id)
        .where(or_(User.phone == e164, Volunteer.phone == e164))
        .order_by(User.id).distinct()))


def _login_error():
    message = _("Enter an e-mail address, or a phone number such as 090-1234-5678.")
    return ValidationError(message, fields={"login": message})


def user_for_login(raw):
    """(the account for an e-mail address or a phone number someone typed, or None; the
    channel that was typed). ValidationError when it is neither."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            email = normalise_email(text)
        except ValidationError:
            raise _login_error() from None
        return find_user_by_email(email), LinkChannel.EMAIL
    phone = parse_phone(text)
    if phone is None:
        raise _login_error()
    users = users_for_phone(phone.e164)
    exact = [user for user in users if user.phone == phone.e164]
    return (exact or users or [None])[0], LinkChannel.SMS


def use_code(phone_raw, code_raw, password, *, purpose, now):
    """Set the password of the account a phone number and an SMS code open; returns
    the user.

    A phone number or code that cannot be one, or a weak password, is a
    ValidationError (no try counted). Otherwise a mismatch raises reset.CodeRefused
    after counting a wrong try on the number's usable links of `purpose` (kept: the
    error keeps its changes); the answer is the same whether or not the number belongs
    to anyone."""
    errors = {}
    phone = parse_phone(phone_raw)
    if phone is None:
        errors["phone"] = _("Enter a phone number, for example 090-1234-5678.")
    code = reset.parse_code(code_raw)
    if code is None:
        errors["code"] = _("Enter the 6-digit code from the SMS.")
    try:
        check_password_rules(password)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(next(iter(errors.values())), fields=errors)
    return reset.use_code(users_for_phone(phone.e164), code, password, purpose=purpose,
                          now=now)


# -- the messages that carry a secret ---------------------------------------------------------

def plan_link_message(user, volunteer, purpose, channel, *, now, actor):
    """Make a link for `user` and plan the one outbox message that carries it to
    `volunteer`; (link, message). The caller checked that the channel can reach them."""
    template = TEMPLATES[LinkPurpose(purpose)]
    start = now
    if LinkChannel(channel) == LinkChannel.SMS:
        start = quiet_until(now, current_app.config["DESK_QUIET_HOURS"]) or now
    link, secret = reset.create_link(user, purpose, channel, now=now, start=start)
    # an earlier message of this kind still waiting carries a secret that is dead now
    planning.cancel_queued(ACCOUNT_TOPIC, [user.id], now=now, templates=[template])
    message = notices.plan(template, volunteer, due=now, now=now,
                           channel=MessageChannel(str(channel)), secret=secret)
    if message is None:  # pragma: no cover - the caller checked the channel
        raise ValidationError(_("This way of sending cannot reach the volunteer."))
    db.session.flush()
    audit.record("user.link", user, actor=actor,
                 after={"purpose": link.purpose, "channel": link.channel,
                        "expires_dt": link.expires_dt, "message_id": message.id})
    return link, message


# -- forgotten passwords ----------------------------------------------------------------------

def plan_reset(user, typed, *, now):
    """Plan a reset message for a volunteer's account: by SMS when a phone number was
    typed and the profile has a mobile, by e-mail when an address was typed and the
    profile has one, else the other way. None when the account has no profile or the
    profile cannot be reached."""
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    if volunteer is None:
        return None
    ways = [LinkChannel.SMS, LinkChannel.EMAIL]
    if LinkChannel(typed) == LinkChannel.EMAIL:
        ways.reverse()
    reachable = {LinkChannel.SMS: notices.sms_address(volunteer) is not None,
                 LinkChannel.EMAIL: bool(volunteer.email)}
    channel = next((way for way in ways if reachable[way]), None)
    if channel is None:
        return None
    _link, message = plan_link_message(user, volunteer, LinkPurpose.RESET, channel,
                                       now=now, actor="web")
    return message


def request_reset(login_raw, *, now):
    """Plan a password reset for the account an e-mail address or phone number
    belongs to; returns the outbox message, or None when nothing was planned (no such
    account, a staff account, a disabled one, no way to reach it, or one was planned
    less than RESEND_AFTER ago). The caller answers the same in every case."""
    user, typed = user_for_login(login_raw)
    if user is None or not user.is_enabled or user.role != Role.VOLUNTEER:
        return None
    recent = db.session.scalar(select(AccountLink.id).where(
        AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.RESET,
        AccountLink.created_dt > now - RESEND_AFTER).limit(1))
    if recent is not None:
        return None
    return plan_reset(user, typed, now=now)
