"""Imports every model so that the metadata (and Alembic) knows all tables."""

from desk.auth.models import ApiToken, User
from desk.core.audit import AuditEntry
from desk.events.models import District, EventSession, Program, SeriesSkip, SessionSeries, Venue

__all__ = ["ApiToken", "AuditEntry", "District", "EventSession", "Program", "SeriesSkip",
           "SessionSeries", "User", "Venue"]
