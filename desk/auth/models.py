"""Accounts (admin, coordinator, volunteer) and API bearer tokens."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.timeutil import utcnow
from desk.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"


STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR)
SESSION_TOKEN_LENGTH = 32


def new_session_token():
    """A random value for User.session_token (hex)."""
    return secrets.token_hex(SESSION_TOKEN_LENGTH // 2)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    EMAIL_MAX = 254
    NAME_MAX = 100
    PASSWORD_MIN = 10
    PASSWORD_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    # a volunteer invited by SMS may have a phone number (E.164) and no e-mail address
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # part of every login session's id (desk.auth.access): a new value ends every session
    # of the account, in every browser (logout, a new password, a new role)
    session_token: Mapped[str] = mapped_column(String(SESSION_TOKEN_LENGTH),
                                               default=new_session_token)

    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("failed_login_count >= 0", name="failed_login_count"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="login"),
    )

    @property
    def is_active(self):
        return self.is_enabled

    @property
    def is_staff(self):
        return self.role in STAFF_ROLES

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def has_role(self, *roles):
        return self.role in roles

    @property
    def login_name(self):
        """What the person types to log in: the e-mail address, else the phone number."""
        from desk.core.phone import display_phone

        return self.email or display_phone(self.phone)

    @property
    def audit_label(self):
        return self.login_name

    def is_locked(self, now):
        return self.locked_until_dt is not None and self.locked_until_dt > now

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


def hash_token(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    NAME_MAX = 100
    PREFIX_LENGTH = 10

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="tokens", lazy="joined")

    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    @property
    def is_revoked(self):
        return self.revoked_dt is not None


class LinkPurpose(enum.StrEnum):
    INVITE = "invite"  # a new volunteer sets their first password
    RESET = "reset"  # a forgotten password


class LinkChannel(enum.StrEnum):
    EMAIL = "email"  # a link with a long secret
    SMS = "sms"  # a six-digit code, typed with the phone number


class AccountLink(db.Model):
    """A one-time way to set a password: an e-mailed link or an SMS code.

    Only a hash of the secret is kept; the plain secret travels once, in the outbox
    message that carries it (whose copy is wiped when it has been handed over). A code
    allows MAX_ATTEMPTS wrong tries; a newer link of the same purpose replaces older ones.
    """

    __tablename__ = "account_links"

    MAX_ATTEMPTS = 5
    CODE_DIGITS = 6

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "purpose"))
    channel: Mapped[LinkChannel] = mapped_column(enum_column(LinkChannel, "channel"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_account_links_user_id", "user_id"),
    )

    def is_usable(self, now):
        return (self.used_dt is None and self.expires_dt > now
                and self.attempts < self.MAX_ATTEMPTS)
