"""A kiosk device: a tablet or PC at a venue, allowed to show classes and book.

Staff create the kiosk; it gets a one-time setup code (8 digits, valid for a few
minutes). Typing the code on the device binds it: the device receives a long secret
token in a cookie. Only hashes of the code and of the token are stored. Revoking the
kiosk ends the device's access at once.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime
from desk.core.timeutil import utcnow
from desk.extensions import db


class KioskDevice(db.Model):
    __tablename__ = "kiosk_devices"

    NAME_MAX = 100
    HASH_LENGTH = 64

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # the pending setup code (HMAC-SHA256) and when it stops working
    setup_code_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True)
    setup_expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the secret in the bound device's cookie
    token_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    bound_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue = relationship("Venue", lazy="joined")
    created_by = relationship("User")

    __table_args__ = (
        CheckConstraint("(setup_code_hash IS NULL) = (setup_expires_dt IS NULL)",
                        name="setup_code_expires"),
        CheckConstraint("token_hash IS NULL OR bound_dt IS NOT NULL", name="bound_dt"),
        CheckConstraint("revoked_dt IS NULL OR (token_hash IS NULL "
                        "AND setup_code_hash IS NULL)", name="revoked_cleared"),
        Index("ix_kiosk_devices_venue_id", "venue_id"),
    )

    @property
    def is_revoked(self):
        return self.revoked_dt is not None

    @property
    def is_bound(self):
        return self.token_hash is not None

    def setup_pending(self, now):
        return self.setup_code_hash is not None and self.setup_expires_dt > now

    @property
    def actor_label(self):
        """How the device appears as the actor in the audit log (it is not a user)."""
        return f"kiosk {self.id}"

    def __repr__(self):
        return f"<KioskDevice {self.id} venue={self.venue_id}>"
