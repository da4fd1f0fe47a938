"""Imports every model so that the metadata (and Alembic) knows all tables."""

from desk.auth.models import ApiToken, User
from desk.core.audit import AuditEntry
from desk.events.models import (
    Booking,
    District,
    EventSession,
    Program,
    SeriesSkip,
    SessionSeries,
    Venue,
)
from desk.kiosk.models import KioskDevice
from desk.notify.models import OptOut, OutboxMessage, SmsReply
from desk.people.models import Person, ProxyContact

__all__ = ["ApiToken", "AuditEntry", "Booking", "District", "EventSession", "KioskDevice",
           "OptOut", "OutboxMessage", "Person", "Program", "ProxyContact", "SeriesSkip",
           "SessionSeries", "SmsReply", "User", "Venue"]
