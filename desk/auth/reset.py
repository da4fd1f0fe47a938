"""One-time links and codes that set a password: invitations and password resets.

An `AccountLink` is made for one user and one purpose (invite, reset) and travels by
one channel:
- e-mail: a link holding a long random secret (`secrets.token_urlsafe(32)`); its
  sha256 is stored;
- SMS: a six-digit code, typed on a page together with the phone number. Six digits
  are far too few to be unique across all codes ever issued, so what is stored is the
  sha256 of "code:<user id>:<code>": a code is only ever looked for among the links of
  the accounts the phone number belongs to, and a user's own links never share a hash.

How long a link works (VALIDITY): an invitation by e-mail 7 days, by SMS 24 hours; a
password reset by e-mail 2 hours, by SMS 1 hour, counted from the `start` the caller
gives (the moment the message can arrive: an SMS waits out the quiet hours).

A new link of a user and purpose retires the older ones still usable (their expiry is
set to now); using any link retires every other usable link of the user. A code allows
AccountLink.MAX_ATTEMPTS wrong tries, then it is dead. The plain secret is never logged
nor stored here: the caller hands it once to whatever carries it.

Setting a password through a link also clears a login lock-out (the person proved they
hold the address), records the login moment (an invited account counts as activated
from then on) and ends every session opened with the old password (a new session
token, desk.auth.services.end_sessions).

Who gets links, how they travel and which phone numbers stand for an account belong
to the package that owns those accounts' profiles (volunteers: desk.volunteers.passwords).
"""

import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from desk.auth.models import AccountLink, LinkChannel, LinkPurpose, hash_token
from desk.auth.services import check_password_rules, end_sessions, hash_password
from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import DeskError
from desk.core.phone import DASHES
from desk.extensions import db

VALIDITY = {
    (LinkPurpose.INVITE, LinkChannel.EMAIL): timedelta(days=7),
    (LinkPurpose.INVITE, LinkChannel.SMS): timedelta(hours=24),
    (LinkPurpose.RESET, LinkChannel.EMAIL): timedelta(hours=2),
    (LinkPurpose.RESET, LinkChannel.SMS): timedelta(hours=1),
}
TOKEN_MAX = 100
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")


class LinkUnusable(DeskError):
    """The link is unknown, used, expired or replaced: the page says so (410 Gone)."""

    code = "link_unusable"
    status = 410


class CodeRefused(DeskError):
    """A phone number and code that do not open a usable link. The same error whether
    the number is unknown, the code wrong, expired or dead; wrong tries are counted, so
    the refusal keeps its changes."""

    code = "code_refused"
    status = 422
    keeps_changes = True


def validity(purpose, channel):
    return VALIDITY[(LinkPurpose(purpose), LinkChannel(channel))]


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


def create_link(user, purpose, channel, *, now, start=None):
    """A new link for `user`: returns (link, plaintext secret). Older usable links of
    the same purpose stop working. Its validity counts from `start` (default: now),
    the moment its message can reach the person."""
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
    link = AccountLink(user_id=user.id, purpose=purpose, channel=channel, secret_hash=digest,
                       attempts=0, expires_dt=(start or now) + validity(purpose, channel),
                       created_dt=now)
    db.session.add(link)
    db.session.flush()
    return link, secret


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


# -- using a link ------------------------------------------------------------------------------

def _consume(link, password, *, now):
    user = link.user
    user.password_hash = hash_password(password)
    end_sessions(user)
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


def use_code(users, code, password, *, purpose, now):
    """Set the password of the account whose usable SMS link of `purpose` holds `code`
    (a parsed code), among `users` (the accounts the typed phone number stands for);
    returns the user. The caller checked the password rules. A mismatch raises
    CodeRefused after counting a wrong try on every one of those links (kept: the
    error keeps its changes); the answer is the same whether or not the number belongs
    to anyone."""
    links = []
    for user in users:
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
