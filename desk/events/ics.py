"""A booking's calendar file (RFC 5545), built with `icalendar`.

One VEVENT per booking with a stable UID (`booking-<id>@<host of DESK_PUBLIC_URL>`), so
that a calendar which imports the file again updates the event instead of adding a
second one. SEQUENCE is the session's change counter plus the booking's own
(`EventSession.sequence` + `Booking.sequence`), each raised by the services with every
change, so every change (a new time, a promotion from the waiting list, a cancellation,
a reinstatement), even two within one second, carries a higher SEQUENCE than the one
before. Times are written in Asia/Tokyo with its VTIMEZONE; a booking holding a
reserved slot of a consultation session runs from its slot's start to its end. The
texts follow the reader's language.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vGeo

from desk.core.timeutil import to_local
from desk.core.web import public_url_for
from desk.events.bookings import waitlist_position
from desk.events.models import BookingStatus, SessionStatus
from desk.events.slots import slot_range

PRODID = "-//desk//booking calendar//JA"
ALARM_BEFORE = timedelta(hours=1)
MEDIA_TYPE = "text/calendar; charset=utf-8"


def booking_uid(booking):
    host = urlsplit(current_app.config["DESK_PUBLIC_URL"]).hostname or "desk"
    return f"booking-{booking.id}@{host}"


def last_change(booking):
    session = booking.session
    moments = (session.updated_dt, booking.created_dt, booking.booked_dt, booking.cancelled_dt)
    return max(moment for moment in moments if moment is not None)


def sequence(booking):
    return booking.session.sequence + booking.sequence


def is_cancelled(booking):
    return (booking.status == BookingStatus.CANCELLED
            or booking.session.status == SessionStatus.CANCELLED)


def _status(booking):
    if is_cancelled(booking):
        return "CANCELLED"
    return "CONFIRMED" if booking.status == BookingStatus.BOOKED else "TENTATIVE"


def _summary(booking):
    title = booking.session.display_title
    if is_cancelled(booking):
        return _("Cancelled: %(title)s", title=title)
    if booking.status == BookingStatus.WAITLISTED:
        return _("%(title)s (waiting list)", title=title)
    return title


def _description(booking, page_url):
    session = booking.session
    lines = []
    if is_cancelled(booking):
        lines.append(_("This booking is cancelled."))
    elif booking.status == BookingStatus.WAITLISTED:
        lines.append(_("You are number %(position)d on the waiting list. We will tell you "
                       "if a seat becomes free.", position=waitlist_position(booking)))
    lines.append(_("Booking code: %(code)s", code=booking.display_code))
    lines.append(_("Seats: %(seats)d", seats=booking.seats))
    if session.program is not None and session.program.display_what_to_bring:
        lines.append(_("What to bring: %(items)s", items=session.program.display_what_to_bring))
    lines.append(_("Your booking (to check or cancel it): %(url)s", url=page_url))
    lines.append(_("Questions or cancelling by phone: the desk, %(phone)s",
                   phone=current_app.config["DESK_DESK_PHONE"]))
    return "\n".join(lines)


def _location(venue):
    return _("%(venue)s, %(address)s", venue=venue.display_name, address=venue.address)


def _alarm(booking):
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("%(title)s starts in one hour.",
                               title=booking.session.display_title))
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


def booking_event(booking, *, now):
    session = booking.session
    page_url = public_url_for("public.booking", token=booking.token)
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("last-modified", last_change(booking).astimezone(UTC))
    event.add("sequence", sequence(booking))
    # a reserved visitor's event is their slot, not the whole consultation session
    start_dt, end_dt = slot_range(booking) or (session.start_dt, session.end_dt)
    event.add("dtstart", to_local(start_dt))
    event.add("dtend", to_local(end_dt))
    event.add("summary", _summary(booking))
    event.add("location", _location(session.venue))
    if session.venue.latitude is not None and session.venue.longitude is not None:
        event.add("geo", vGeo((session.venue.latitude, session.venue.longitude)))
    event.add("description", _description(booking, page_url))
    event.add("url", page_url)
    event.add("status", _status(booking))
    event.add("transp", "OPAQUE")
    if not is_cancelled(booking):
        event.add_component(_alarm(booking))
    return event


def booking_calendar(booking, *, now):
    """The calendar file of one booking, as bytes (UTF-8, CRLF line ends)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(booking_event(booking, now=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
