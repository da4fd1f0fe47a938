"""The calendar invitation that travels with a booking's e-mails (RFC 5546 iTIP).

Built from the booking's own calendar event (desk.events.ics.booking_event): the same
UID as the .ics behind the booking's secret link, so that the invitation, a later
change and the download all update one event. SEQUENCE rises with every change of the
session or the booking (ics.sequence); a cancelled booking or session goes out as
METHOD:CANCEL with STATUS:CANCELLED, everything else as METHOD:REQUEST (a place on the
waiting list as STATUS:TENTATIVE). ORGANIZER is the desk (DESK_MAIL_FROM), ATTENDEE the
recipient; no reply is asked for (RSVP=FALSE): people answer by phone or SMS.
"""

from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, vCalAddress

from desk.core.i18n import city_name
from desk.events import ics

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def method_for(booking):
    return CANCEL if ics.is_cancelled(booking) else REQUEST


def _address(email, name):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def _organizer():
    name, email = parseaddr(current_app.config["DESK_MAIL_FROM"])
    return _address(email or "desk@localhost", name or city_name())


def _attendee(email, name):
    attendee = _address(email, name)
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "FALSE"
    return attendee


def invitation(booking, *, recipient_email, recipient_name=None, now):
    """(method, calendar bytes) for one recipient of a booking's e-mail."""
    method = method_for(booking)
    event = ics.booking_event(booking, now=now)
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(recipient_email, recipient_name))
    calendar = Calendar()
    calendar.add("prodid", ics.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return method, calendar.to_ical()
