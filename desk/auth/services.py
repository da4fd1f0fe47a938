"""Account operations: create users, log in with a temporary lock-out, passwords, API tokens.

Services flush but never commit; the request (desk.core.transaction) or the CLI commits once.
"""

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from desk.auth.models import ApiToken, Role, User, hash_token, new_session_token
from desk.core import audit, records
from desk.core.db import lock_rows
from desk.core.errors import DeskError, NotFoundError, ValidationError
from desk.extensions import db

TOKEN_PREFIX = "desk_"
USER_AUDIT_FIELDS = ("email", "display_name", "role", "is_enabled", "locked_until_dt")
# A hash to compare against when the e-mail is unknown, so that the answer takes
# as long as for a real account.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _hash(password):
    return generate_password_hash(password, method=current_app.config["DESK_PASSWORD_HASH_METHOD"])


def hash_password(password):
    """The stored form of a password (for desk.auth.reset and invitations)."""
    return _hash(password)


class LoginError(DeskError):
    """Refused: the failure (counted towards the lock-out) is kept all the same."""

    code = "login_failed"
    status = 401
    keeps_changes = True


def normalise_email(raw):
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationError(
            _("Enter a valid e-mail address."),
            fields={"email": _("Enter a valid e-mail address.")},
        ) from None


def check_password_rules(password, field="password"):
    if len(password or "") < User.PASSWORD_MIN:
        message = _("The password must have at least %(count)d characters.",
                    count=User.PASSWORD_MIN)
        raise ValidationError(message, fields={field: message})
    if len(password) > User.PASSWORD_MAX:
        message = _("The password can have at most %(count)d characters.",
                    count=User.PASSWORD_MAX)
        raise ValidationError(message, fields={field: message})


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def find_user_for_login(login):
    """The account for what someone typed to log in: an e-mail address, or a phone
    number in any Japanese format (full-width, dashes, +81), matched against the
    account's phone number (E.164)."""
    from desk.core.phone import parse_phone

    text = (login or "").strip()
    if not text or len(text) > User.EMAIL_MAX:
        return None
    if "@" in text:
        return find_user_by_email(text)
    phone = parse_phone(text)
    if phone is None:
        return None
    return db.session.scalar(select(User).where(User.phone == phone.e164))


def create_user(email, password, *, role, display_name=None, actor):
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(_("Unknown role."), fields={"role": _("Unknown role.")}) from None
    check_password_rules(password)
    display_name = (display_name or "").strip() or email.split("@")[0]
    if len(display_name) > User.NAME_MAX:
        message = _("At most %(count)d characters.", count=User.NAME_MAX)
        raise ValidationError(message, fields={"display_name": message})
    if find_user_by_email(email) is not None:
        message = _("An account with this e-mail address already exists.")
        raise ValidationError(message, fields={"email": message})
    return records.create(User, {"email": email, "display_name": display_name, "role": role,
                                 "password_hash": _hash(password)},
                          action="user.create", fields=USER_AUDIT_FIELDS, actor=actor)


def authenticate(login, password, *, now):
    """The user for this e-mail address or phone number and password, or LoginError.

    After DESK_LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for
    DESK_LOGIN_LOCKOUT_MINUTES; while locked even the right password is refused. A
    LoginError keeps its changes, so that failures are counted.

    The account's row is locked once the password is checked, and the lock-out read
    under it, so that attempts at the same moment count one after the other: N wrong
    passwords at once count N, and lock the account at the limit.
    """
    generic = _("The e-mail address or phone number, or the password, is wrong.")
    user = find_user_for_login(login)
    if user is None or not user.is_enabled:
        check_password_hash(_DUMMY_HASH, password or "")
        raise LoginError(generic)
    is_right = check_password_hash(user.password_hash, password or "")
    user = lock_rows(db.session, select(User).where(User.id == user.id)).one()
    if user.is_locked(now):
        raise LoginError(_("Too many failed attempts. Please try again in %(minutes)d minutes.",
                           minutes=_minutes_left(user, now)))
    if not is_right:
        user.failed_login_count += 1
        if user.failed_login_count >= current_app.config["DESK_LOGIN_MAX_FAILURES"]:
            user.failed_login_count = 0
            user.locked_until_dt = now + timedelta(
                minutes=current_app.config["DESK_LOGIN_LOCKOUT_MINUTES"])
            audit.record("user.lock", user, actor=None,
                         after={"locked_until_dt": user.locked_until_dt},
                         note="too many failed logins", now=now)
            raise LoginError(_("Too many failed attempts. Please try again in %(minutes)d "
                               "minutes.", minutes=_minutes_left(user, now)))
        raise LoginError(generic)
    user.failed_login_count = 0
    user.locked_until_dt = None
    user.last_login_dt = now
    return user


def _minutes_left(user, now):
    return max(1, int((user.locked_until_dt - now).total_seconds() // 60) + 1)


def end_sessions(user):
    """End every login session of the account, in every browser: its session token
    changes, so the id an old session cookie holds no longer loads it (desk.auth.access).
    Logging out, a new password (changed, reset or set by someone else) and a new role
    call it."""
    user.session_token = new_session_token()
    db.session.flush()
    return user


def change_password(user, current_password, new_password, *, actor):
    if not check_password_hash(user.password_hash, current_password or ""):
        message = _("The current password is wrong.")
        raise ValidationError(message, fields={"current_password": message})
    check_password_rules(new_password, field="new_password")
    user.password_hash = _hash(new_password)
    end_sessions(user)
    audit.record("user.password", user, actor=actor, note="password changed")
    return user


def set_password(user, new_password, *, actor):
    """An administrator sets a new password for someone who forgot theirs (staff
    accounts have no SMS or e-mail reset): it ends the account's sessions and lifts a
    lock-out; the person should change it after logging in."""
    check_password_rules(new_password)
    user.password_hash = _hash(new_password)
    user.failed_login_count = 0
    user.locked_until_dt = None
    end_sessions(user)
    audit.record("user.password", user, actor=actor, note="password set by an administrator")
    return user


def update_user(user, *, display_name, role, is_enabled, actor):
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(_("Unknown role."), fields={"role": _("Unknown role.")}) from None
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > User.NAME_MAX:
        message = _("Enter a name of at most %(count)d characters.", count=User.NAME_MAX)
        raise ValidationError(message, fields={"display_name": message})
    if actor is not None and not isinstance(actor, str) and actor.id == user.id and (
            role != user.role or not is_enabled):
        raise ValidationError(_("You cannot change your own role or disable your own account."))
    if role != user.role or not is_enabled:
        end_sessions(user)
    user.display_name = display_name
    user.role = role
    user.is_enabled = bool(is_enabled)
    audit.record("user.update", user, actor=actor, before=before,
                 after=audit.snapshot(user, USER_AUDIT_FIELDS))
    return user


def unlock_user(user, *, actor):
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    user.locked_until_dt = None
    user.failed_login_count = 0
    audit.record("user.unlock", user, actor=actor, before=before,
                 after=audit.snapshot(user, USER_AUDIT_FIELDS))
    return user


def create_token(user, *, name, actor):
    """A new API token for `user`: returns (token, plaintext). Only the hash is kept."""
    name = (name or "").strip() or "api"
    if len(name) > ApiToken.NAME_MAX:
        message = _("At most %(count)d characters.", count=ApiToken.NAME_MAX)
        raise ValidationError(message, fields={"name": message})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plaintext),
                     prefix=plaintext[:ApiToken.PREFIX_LENGTH])
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", token, actor=actor,
                 after={"user": user.email, "name": name, "prefix": token.prefix})
    return token, plaintext


def revoke_token(token_id, *, now, actor):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(_("No such token."))
    if token.revoked_dt is None:
        token.revoked_dt = now
        audit.record("token.revoke", token, actor=actor,
                     after={"user": token.user.email, "name": token.name,
                            "prefix": token.prefix}, now=now)
    return token


def user_for_token(plaintext, *, now):
    """The enabled user a bearer token belongs to, or None (unknown or revoked)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.is_revoked or not token.user.is_enabled:
        return None
    token.last_used_dt = now
    return token.user
