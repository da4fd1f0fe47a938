"""A volunteer's personal calendar feed (RFC 5545), built with `icalendar`.

Calendar apps subscribe to it (`webcal://`, or the https address) and read it again
every hour (REFRESH-INTERVAL, X-PUBLISHED-TTL). It lists the volunteer's shifts from
queries.feed_assignments: one VEVENT per shift and volunteer whose UID never changes
(`shift-<shift id>-volunteer-<volunteer id>@<host of DESK_PUBLIC_URL>`; there is one
assignment row per shift and volunteer, even after withdrawing and signing up again),
with SEQUENCE = the assignment's `sequence`, which the services raise with every change
of time, place or status. A withdrawn, removed or cancelled place, a cancelled shift
and a cancelled session are STATUS:CANCELLED, so calendars drop or strike them.

Times are written in Asia/Tokyo with its VTIMEZONE. The texts follow the volunteer's
language. The feed holds nothing about attendees or other volunteers.
"""

import re
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from desk.core.i18n import city_name, force_locale
from desk.core.timeutil import to_local
from desk.core.web import public_url_for
from desk.extensions import db
from desk.volunteers import queries
from desk.volunteers.labels import role_label, skill_label
from desk.volunteers.models import AssignmentStatus, Volunteer

PRODID = "-//desk//volunteer shifts//JA"
REFRESH = timedelta(hours=1)
MEDIA_TYPE = "text/calendar; charset=utf-8"
# what desk.volunteers.models.new_feed_token makes (secrets.token_urlsafe)
TOKEN_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{16,{Volunteer.FEED_TOKEN_MAX}}}")


def _host():
    return urlsplit(current_app.config["DESK_PUBLIC_URL"]).hostname or "desk"


def shift_uid(assignment):
    return f"shift-{assignment.shift_id}-volunteer-{assignment.volunteer_id}@{_host()}"


def is_cancelled(assignment):
    """Whether the calendar should drop this shift: the volunteer no longer holds the
    place, or the shift or its session is cancelled."""
    return not assignment.is_active or assignment.shift.is_cancelled


def last_change(assignment):
    shift = assignment.shift
    return max(assignment.updated_dt, shift.updated_dt, shift.session.updated_dt)


def _listed(items):
    separator = "、" if _is_japanese() else ", "
    return separator.join(str(item) for item in items)


def _is_japanese():
    from flask_babel import get_locale

    return str(get_locale()) != "en"


def _summary(assignment):
    shift = assignment.shift
    summary = _("%(role)s · %(title)s", role=role_label(shift.role),
                title=shift.session.display_title)
    if is_cancelled(assignment):
        return _("Cancelled: %(title)s", title=summary)
    return summary


def _status_line(assignment):
    status = AssignmentStatus(assignment.status)
    if status == AssignmentStatus.WITHDRAWN:
        return _("You withdrew from this shift.")
    if status == AssignmentStatus.REMOVED:
        return _("A coordinator has taken you off this shift.")
    return _("This shift is cancelled.")


def _description(assignment, page_url):
    shift = assignment.shift
    lines = []
    if is_cancelled(assignment):
        lines.append(_status_line(assignment))
    lines.append(_("Role: %(role)s", role=role_label(shift.role)))
    if shift.required_skills:
        lines.append(_("Skills asked for: %(skills)s", skills=_listed(
            skill_label(skill) for skill in sorted(shift.required_skills))))
    if shift.notes:
        lines.append(_("Notes for the shift: %(notes)s", notes=shift.notes))
    lines.append(_("Your shift page: %(url)s", url=page_url))
    lines.append(_("Questions: the desk, %(phone)s",
                   phone=current_app.config["DESK_DESK_PHONE"]))
    return "\n".join(lines)


def shift_event(assignment):
    shift = assignment.shift
    venue = shift.session.venue
    page_url = public_url_for("volunteer.shift", shift_id=shift.id)
    changed = last_change(assignment).astimezone(UTC)
    event = Event()
    event.add("uid", shift_uid(assignment))
    # no METHOD: DTSTAMP is when the information was last revised (RFC 5545 3.8.7.2)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", assignment.sequence)
    event.add("dtstart", to_local(shift.start_dt))
    event.add("dtend", to_local(shift.end_dt))
    event.add("summary", _summary(assignment))
    event.add("location", _("%(venue)s, %(address)s", venue=venue.display_name,
                            address=venue.address))
    event.add("description", _description(assignment, page_url))
    event.add("url", page_url)
    event.add("status", "CANCELLED" if is_cancelled(assignment) else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if is_cancelled(assignment) else "OPAQUE")
    return event


def volunteer_feed(volunteer, *, now):
    """The feed of one volunteer, as bytes (UTF-8, CRLF line ends), in their language."""
    with force_locale(volunteer.language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = _("Shifts of %(name)s (%(city)s)", name=volunteer.name, city=city_name())
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", current_app.config["DESK_TIMEZONE"])
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for assignment in queries.feed_assignments(volunteer, now=now):
            calendar.add_component(shift_event(assignment))
        calendar.add_missing_timezones()
        return calendar.to_ical()


def volunteer_by_feed_token(feed_token):
    """The active volunteer whose feed `feed_token` opens, or None (unknown, renewed,
    or the volunteer is no longer active)."""
    if not feed_token or not TOKEN_PATTERN.fullmatch(feed_token):
        return None
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.feed_token == feed_token))
    if volunteer is None or not volunteer.is_active:
        return None
    return volunteer


def feed_url(feed_token):
    """The https address of a feed (at DESK_PUBLIC_URL)."""
    return public_url_for("volunteer_public.feed", feed_token=feed_token)


def webcal_url(feed_token):
    """The same address as webcal://, which calendar apps open as a subscription."""
    return "webcal://" + feed_url(feed_token).split("://", 1)[1]
