"""Accounts (admin, coordinator, volunteer) and API bearer tokens."""

import enum
import hashlib
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


class User(UserMixin, db.Model):
    __tablename__ = "users"

    EMAIL_MAX = 254
    NAME_MAX = 100
    PASSWORD_MIN = 10
    PASSWORD_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("failed_login_count >= 0", name="failed_login_count"),)

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
    def audit_label(self):
        return self.email

    def is_locked(self, now):
        return self.locked_until_dt is not None and self.locked_until_dt > now

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role}>"


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
