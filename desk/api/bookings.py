"""Bookings: book a seat and cancel one (public, rate-limited), a session's roster and
attendance (a coordinator's or an admin's bearer token).

Phone numbers travel in JSON bodies only, never in URLs or query strings. Cancelling
by code and phone answers 202 whether or not such a booking exists
(desk.events.public_booking), so the endpoint tells nobody who booked.
"""

from contextlib import contextmanager

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from desk.api import inputs
from desk.api.auth import api_user, optional_token_user, staff_token_required
from desk.api.serializers import booking_json, page_json, roster_entry_json
from desk.api.sessions import _session_or_404
from desk.core.districts import all_districts
from desk.core.errors import DeskError, NotFoundError, ValidationError
from desk.core.timeutil import utcnow
from desk.core.web import json_response
from desk.events import bookings, public_booking, queries, services
from desk.events.models import Attendance, BookingChannel

DISTRICT = inputs.Field(("integer", "string", "null"),
                        _l("Enter the district's id or its name."))
BOOKING_FIELDS = {
    "name": inputs.TEXT,
    "kana": inputs.TEXT,
    "phone": inputs.TEXT,
    "seats": inputs.NUMBER,
    "consent": inputs.BOOLEAN,
    "email": inputs.TEXT,
    "district": DISTRICT,
    "age_band": inputs.CHOICE,
}
CANCEL_FIELDS = {"phone": inputs.TEXT}
MOVE_FIELDS = {"session_id": inputs.ID, "phone": inputs.TEXT, "waitlist": inputs.BOOLEAN}
ATTENDANCE_FIELDS = {"attendance": inputs.CHOICE}
ATTENDANCE_VALUES = (*(member.value for member in Attendance), None)
# The people services name these name_kana and district_id.
JSON_TO_SERVICE_FIELDS = {"kana": "name_kana", "district": "district_id"}
SERVICE_TO_JSON_FIELDS = {service: name for name, service in JSON_TO_SERVICE_FIELDS.items()}


@contextmanager
def _json_field_names():
    """A service's field errors under the names the JSON uses."""
    try:
        yield
    except DeskError as error:
        error.fields = {SERVICE_TO_JSON_FIELDS.get(name, name): message
                        for name, message in error.fields.items()}
        raise


def _district_id(value):
    """An id as it is; a name (Japanese or English) -> its district's id (an unknown
    name is left for the service to refuse)."""
    if isinstance(value, str):
        name = value.strip()
        return next((district.id for district in all_districts()
                     if name in (district.name, district.name_en)), value)
    return value


def _booking_values(data):
    values = {JSON_TO_SERVICE_FIELDS.get(name, name): value for name, value in data.items()}
    values["district_id"] = _district_id(data.get("district"))
    if values.get("seats") is None:
        values["seats"] = 1
    values["language"] = str(get_locale())
    return values


def _booking_by_code_or_404(code):
    booking = bookings.booking_by_code(public_booking.parse_booking_code(code))
    if booking is None:
        raise NotFoundError(_("There is no booking with this code."))
    return booking


def create_booking(session_id):
    # the 404 check locks the session for the booking (desk.events.bookings.lock_session)
    session = bookings.locked_session(session_id) if session_id < 2**31 else None
    if session is None:
        raise NotFoundError(_("There is no session with the id %(id)d.", id=session_id))
    data = inputs.check_fields(inputs.json_body(), BOOKING_FIELDS)
    with _json_field_names():
        result = public_booking.book_online(
            session, _booking_values(data), channel=BookingChannel.API, now=utcnow(),
            request_key=request.headers.get("Idempotency-Key") or None)
    return json_response(
        booking_json(result.booking, result.waitlist_position, reveal=result.reveal),
        201 if result.created else 200)


def cancel_booking(code):
    data = inputs.check_fields(inputs.json_body(), CANCEL_FIELDS)
    public_booking.cancel_by_code(code, data.get("phone"), channel=BookingChannel.API,
                                  now=utcnow())
    return json_response({"message": _("If a booking with this code and this phone number "
                                       "exists and could still be cancelled, it is now "
                                       "cancelled.")}, 202)


def move_booking(code):
    """A resident moves their booking with its code and phone (same program only); a
    coordinator's or admin's token moves it by the code alone, to any session."""
    user = optional_token_user()
    data = inputs.check_fields(inputs.json_body(), MOVE_FIELDS)
    result = public_booking.move_by_code(
        code, data, channel=BookingChannel.API, actor=user or str(BookingChannel.API),
        now=utcnow(), staff=user is not None)
    return json_response({**booking_json(result.booking, result.waitlist_position),
                          "moved_from_session_id": result.old_session.id})


def _roster(session):
    """Booked seats in kana order, then the waiting list in its order (the staff's
    roster, desk.events.queries.roster, without the cancelled bookings)."""
    listed = queries.roster(session)
    return [(booking, None) for booking in listed.booked] + [
        (booking, position) for position, booking in enumerate(listed.waitlisted, start=1)]


@staff_token_required
def roster(session_id):
    session = _session_or_404(session_id)
    return json_response(page_json([roster_entry_json(booking, position)
                                    for booking, position in _roster(session)], None))


def set_attendance(code):
    booking = _booking_by_code_or_404(code)
    data = inputs.check_fields(inputs.json_body(), ATTENDANCE_FIELDS)
    value = data.get("attendance")
    if "attendance" not in data or value not in ATTENDANCE_VALUES:
        message = _("Choose one of the options.") if "attendance" in data else _(
            "This field is required.")
        raise ValidationError(message, fields={"attendance": message})
    services.set_attendance(booking, value, actor=api_user(), now=utcnow())
    return json_response(roster_entry_json(booking, bookings.waitlist_position(booking)))
