"""One-time links and codes that set a password: invitations and password resets.

An `AccountLink` is made for one user and one purpose (invite, reset) and travels by
one channel:
- e-mail: a link holding a long random secret (`secrets.token_urlsafe(32)`); its
  sha256 is stored;
- SMS: a six-digit code, typed on a page together with the phone number. Six digits
  are far too few to be unique across all codes ever issued, so what is stored is the
  sha256 of "code:<user id>:<code>": a code is only ever looked for among the links of
  the account the phone number belongs to, and a user's own links never share a hash.

How long a link works (VALIDITY): an invitation by e-mail 7 days, by SMS 24 hours; a
password reset by e-mail 2 hours, by SMS 1 hour. An SMS waits out the quiet hours
(DESK_QUIET_HOURS), so an SMS code's time starts when the quiet hours end, not when it
was asked for at night.

A new link of a user and purpose retires the older ones still usable (their expiry is
set to now); using any link retires every other usable link of the user. A code allows
AccountLink.MAX_ATTEMPTS wrong tries, then it is dead. The plain secret is never logged
nor stored here: it goes once into the outbox message that carries it.

Setting a password through a link also clears a login lock-out (the person proved they
hold the address), records the login moment (an invited account counts as activated
from then on) and ends every session opened with the old password (the session
fingerprint depends on the password hash, desk.auth.access).

Password reset by link or code is for volunteer accounts: their messages go through the
outbox to the volunteer's profile (desk.volunteers.accounts.plan_reset). Staff accounts
(admins, coordinators) have no volunteer profile to reach; an administrator helps them.
Asking for a reset always gets the same answer, whether or not the account exists, and
a reset is planned at most once per RESEND_AFTER for an account.
"""

import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, Role, User, hash_token
from desk.auth.services import check_password_rules, find_user_by_email, hash_password
from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import DeskError, ValidationError
from desk.core.phone import DASHES, parse_phone
from desk.extensions import db
from desk.notify.models import MessageChannel, MessageState, MessageTemplate, OutboxMessage
from desk.notify.quiet import quiet_until

VALIDITY = {
    (LinkPurpose.INVITE, LinkChannel.EMAIL): timedelta(days=7),
    (LinkPurpose.INVITE, LinkChannel.SMS): timedelta(hours=24),
    (LinkPurpose.RESET, LinkChannel.EMAIL): timedelta(hours=2),
    (LinkPurpose.RESET, LinkChannel.SMS): timedelta(hours=1),
}
TEMPLATES = {
    LinkPurpose.INVITE: MessageTemplate.ACCOUNT_INVITE,
    LinkPurpose.RESET: MessageTemplate.PASSWORD_RESET,
}
# a second reset for the same account within this time plans nothing (SMS bombing)
RESEND_AFTER = timedelta(minutes=5)
TOKEN_MAX = 100
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")


class LinkUnusable(DeskError):
    """The link is unknown, used, expired or replaced: the page says so (410 Gone)."""

    code = "link_unusable"
    status = 410


class CodeRefused(DeskError):
    """A phone number and code that do not open a usable link. The same error whether
    the number is unknown, the code wrong, expired or dead; wrong tries are counted, so
    the caller commits."""

    code = "code_refused"
    status = 422


def validity(purpose, channel):
    return VALIDITY[(LinkPurpose(purpose), LinkChannel(channel))]


def validity_hours(template, channel):
    """How many hours the link or code of an ACCOUNT_INVITE or PASSWORD_RESET message
    works (for the message text)."""
    purpose = next(purpose for purpose, value in TEMPLATES.items()
                   if value == MessageTemplate(template))
    return int(validity(purpose, LinkChannel(str(channel))).total_seconds() // 3600)


def _secret_hash(user_id, channel, secret):
    if LinkChannel(channel) == LinkChannel.EMAIL:
        return hash_token(secret)
    return hash_token(f"code:{user_id}:{secret}")


def _new_secret(channel):
    if LinkChannel(channel) == LinkChannel.EMAIL:
        return secrets.token_urlsafe(32)
    return f"{secrets.randbelow(10 ** AccountLink.CODE_DIGITS):0{AccountLink.CODE_DIGITS}d}"


def _usable_links(user_id, now, *, purpose=None, channel=None, lock=False):
    query = select(AccountLink).where(
        AccountLink.user_id == user_id, AccountLink.used_dt.is_(None),
        AccountLink.expires_dt > now, AccountLink.attempts < AccountLink.MAX_ATTEMPTS)
    if purpose is not None:
        query = query.where(AccountLink.purpose == purpose)
    if channel is not None:
        query = query.where(AccountLink.channel == channel)
    query = query.order_by(AccountLink.id)
    if lock:
        return list(lock_rows(db.session, query, of=AccountLink))
    return list(db.session.scalars(query))


def _retire(links, now):
    for link in links:
        link.expires_dt = now


def create_link(user, purpose, channel, *, now):
    """A new link for `user`: returns (link, plaintext secret). Older usable links of
    the same purpose stop working."""
    purpose, channel = LinkPurpose(purpose), LinkChannel(channel)
    _retire(_usable_links(user.id, now, purpose=purpose, lock=True), now)
    for _attempt in range(20):
        secret = _new_secret(channel)
        digest = _secret_hash(user.id, channel, secret)
        if db.session.scalar(select(AccountLink.id).where(
                AccountLink.secret_hash == digest)) is None:
            break
    else:  # pragma: no cover - twenty collisions in a row do not happen
        raise RuntimeError("could not find an unused secret")
    start = now
    if channel == LinkChannel.SMS:
        start = quiet_until(now, current_app.config["DESK_QUIET_HOURS"]) or now
    link = AccountLink(user_id=user.id, purpose=purpose, channel=channel, secret_hash=digest,
                       attempts=0, expires_dt=start + validity(purpose, channel),
                       created_dt=now)
    db.session.add(link)
    db.session.flush()
    return link, secret


def cancel_queued(volunteer_id, template, *, now):
    """Cancel a volunteer's invitation or reset messages not sent yet (an SMS waiting
    out the quiet hours): their secret is dead once a newer one exists."""
    messages = list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.volunteer_id == volunteer_id,
               OutboxMessage.template == MessageTemplate(template),
               OutboxMessage.state == MessageState.QUEUED)
        .with_for_update()))
    for message in messages:
        message.state = MessageState.CANCELLED
        message.secret = None
        message.updated_dt = now
    return len(messages)


# -- finding the link behind a page ------------------------------------------------------------

def _valid_token(token):
    return (isinstance(token, str) and 0 < len(token) <= TOKEN_MAX
            and _TOKEN_CHARACTERS.fullmatch(token) is not None)


def link_for_token(token, purpose, *, now, lock=False):
    """The usable e-mail link of `purpose` behind `token`, or None (unknown, used,
    expired, replaced, or its account is disabled: the page need not say which)."""
    if not _valid_token(token):
        return None
    query = select(AccountLink).where(
        AccountLink.secret_hash == hash_token(token),
        AccountLink.purpose == LinkPurpose(purpose), AccountLink.channel == LinkChannel.EMAIL)
    link = lock_rows(db.session, query, of=AccountLink).first() if lock else \
        db.session.scalar(query)
    if link is None or not link.is_usable(now) or not link.user.is_enabled:
        return None
    return link


def parse_code(raw):
    """'123456', '123 456', '１２３-４５６' -> '123456'; None when it is not six digits."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)
    for character in (*DASHES, " ", "\u3000"):
        text = text.replace(character, "")
    if len(text) != AccountLink.CODE_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return text


def users_for_phone(e164):
    """Accounts a phone number (E.164) stands for: the account that logs in with it, and
    the account of a volunteer whose profile holds it (the coordinator may have
    corrected the number after the invitation)."""
    from desk.volunteers.models import Volunteer

    return list(db.session.scalars(
        select(User).outerjoin(Volunteer, Volunteer.user_id == User.id)
        .where(or_(User.phone == e164, Volunteer.phone == e164))
        .order_by(User.id).distinct()))


def user_for_login(raw):
    """The account for an e-mail address or a phone number someone typed (for the
    'forgot' page), or None. ValidationError when it is neither."""
    text = (raw or "").strip()
    if "@" in text:
        from desk.auth.services import normalise_email

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


def _login_error():
    message = _("Enter an e-mail address, or a phone number such as 090-1234-5678.")
    return ValidationError(message, fields={"login": message})


# -- using a link ------------------------------------------------------------------------------

def _consume(link, password, *, now):
    user = link.user
    user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until_dt = None
    user.last_login_dt = now
    link.used_dt = now
    _retire([other for other in _usable_links(user.id, now, lock=True) if other.id != link.id],
            now)
    action = "user.activate" if link.purpose == LinkPurpose.INVITE else "user.password_reset"
    audit.record(action, user, actor=user,
                 after={"purpose": link.purpose, "channel": link.channel, "link_id": link.id},
                 note="password set with a one-time link" if link.channel == LinkChannel.EMAIL
                 else "password set with a one-time SMS code")
    db.session.flush()
    return user


def use_token(token, password, *, purpose, now):
    """Set the password of the account behind an e-mailed link; returns the user.
    LinkUnusable when the link no longer works, ValidationError for a weak password
    (nothing changed in either case)."""
    link = link_for_token(token, purpose, now=now, lock=True)
    if link is None:
        raise LinkUnusable(_("This link can no longer be used."))
    check_password_rules(password)
    return _consume(link, password, now=now)


def code_error():
    message = _("The phone number and the code do not match, or the code is no longer "
                "valid.")
    return CodeRefused(message, fields={"code": message})


def use_code(phone_raw, code_raw, password, *, purpose, now):
    """Set the password of the account a phone number and an SMS code open; returns
    the user.

    A phone number or code that cannot be one, or a weak password, is a
    ValidationError (no try counted). Otherwise a mismatch raises CodeRefused after
    counting a wrong try on the number's usable links of `purpose` (the caller commits
    that); the answer is the same whether or not the number belongs to anyone."""
    errors = {}
    phone = parse_phone(phone_raw)
    if phone is None:
        errors["phone"] = _("Enter a phone number, for example 090-1234-5678.")
    code = parse_code(code_raw)
    if code is None:
        errors["code"] = _("Enter the 6-digit code from the SMS.")
    try:
        check_password_rules(password)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(next(iter(errors.values())), fields=errors)
    links = []
    for user in users_for_phone(phone.e164):
        if user.is_enabled:
            links.extend(_usable_links(user.id, now, purpose=LinkPurpose(purpose),
                                       channel=LinkChannel.SMS, lock=True))
    for link in links:
        if hmac.compare_digest(link.secret_hash, _secret_hash(link.user_id, LinkChannel.SMS,
                                                              code)):
            return _consume(link, password, now=now)
    for link in links:
        link.attempts += 1
    db.session.flush()
    raise code_error()


# -- asking for a reset ------------------------------------------------------------------------

def request_reset(login_raw, *, now):
    """Plan a password reset for the account an e-mail address or phone number
    belongs to; returns the outbox message, or None when nothing was planned (no such
    account, a staff account, a disabled one, no way to reach it, or one was planned
    less than RESEND_AFTER ago). The caller answers the same in every case.

    Someone who typed an e-mail address gets a link by e-mail, someone who typed a
    phone number a code by SMS; when the profile cannot be reached that way the other
    way is used."""
    user, typed = user_for_login(login_raw)
    if user is None or not user.is_enabled or user.role != Role.VOLUNTEER:
        return None
    recent = db.session.scalar(select(AccountLink.id).where(
        AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.RESET,
        AccountLink.created_dt > now - RESEND_AFTER).limit(1))
    if recent is not None:
        return None
    from desk.volunteers.accounts import plan_reset

    return plan_reset(user, typed, now=now)


def plan_link_message(user, volunteer, purpose, channel, *, now, actor):
    """Make a link for `user` and plan the one outbox message that carries it to
    `volunteer`; (link, message). The caller checked that the channel can reach them."""
    from desk.volunteers import notices

    template = TEMPLATES[LinkPurpose(purpose)]
    link, secret = create_link(user, purpose, channel, now=now)
    cancel_queued(volunteer.id, template, now=now)
    message = notices.plan(template, volunteer, due=now, now=now,
                           channel=MessageChannel(str(channel)), secret=secret)
    if message is None:  # pragma: no cover - the caller checked the channel
        raise ValidationError(_("This way of sending cannot reach the volunteer."))
    db.session.flush()
    audit.record("user.link", user, actor=actor,
                 after={"purpose": link.purpose, "channel": link.channel,
                        "expires_dt": link.expires_dt, "message_id": message.id})
    return link, message
