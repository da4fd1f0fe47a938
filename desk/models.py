"""Imports every model so that the metadata (and Alembic) knows all tables."""

from desk.auth.models import AccountLink, ApiToken, User
from desk.consults.models import ConsultTopic, DeskPresence, Ticket, Visit
from desk.core.accesslog import AccessEntry, AccessObject
from desk.core.audit import AuditEntry
from desk.core.districts import District
from desk.events.models import (
    Booking,
    EventSession,
    Program,
    SeatOffer,
    SeriesSkip,
    SessionSeries,
    Venue,
    WaitlistFollowUp,
)
from desk.kiosk.models import KioskDevice
from desk.notify.models import OptOut, OutboxMessage, SmsReply
from desk.people.models import Person, ProxyContact
from desk.phone.models import PhoneCall
from desk.reports.models import KpiTarget, SurveyEntry
from desk.volunteers.models import (
    Availability,
    Shift,
    ShiftAssignment,
    ShiftSkill,
    Volunteer,
    VolunteerSkill,
)

__all__ = ["AccessEntry", "AccessObject", "AccountLink", "ApiToken", "Availability", "ConsultTopic", "DeskPresence", "KpiTarget", "AuditEntry", "Booking", "SeatOffer", "District", "EventSession", "KioskDevice",
           "OptOut", "OutboxMessage", "Person", "PhoneCall", "Program", "ProxyContact", "SeriesSkip",
           "SessionSeries", "Shift", "SurveyEntry", "ShiftAssignment", "ShiftSkill", "SmsReply", "Ticket",
           "User", "Venue", "Visit", "Volunteer", "VolunteerSkill", "WaitlistFollowUp"]
