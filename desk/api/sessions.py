"""Sessions and series: list and read (public), create and change (bearer token).

Handlers read the request and call the service; the request commits once at its end,
and a DeskError from the service rolls everything back (desk.core.transaction,
desk.api.errors.handle_desk_error).
"""

from contextlib import contextmanager
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from desk.api import inputs
from desk.api.auth import api_user
from desk.api.errors import BadRequest
from desk.api.serializers import page_json, series_json, session_json
from desk.core.errors import DeskError, NotFoundError, ValidationError
from desk.core.timeutil import local_today, utcnow
from desk.core.web import json_response
from desk.events import queries, services
from desk.events.models import EventSession, SessionKind, SessionStatus, Venue
from desk.extensions import db

KINDS = tuple(kind.value for kind in SessionKind)
LIST_PARAMETERS = ("from", "to", "kind", "venue_id", "cursor", "limit")

SESSION_FIELDS = {
    "kind": inputs.CHOICE,
    "program_id": inputs.ID,
    "title": inputs.TEXT,
    "title_en": inputs.TEXT,
    "venue_id": inputs.ID,
    "starts_at": inputs.DATETIME,
    "ends_at": inputs.DATETIME,
    "capacity": inputs.NUMBER,
    "notes": inputs.TEXT,
    "notes_en": inputs.TEXT,
    "requesting_group": inputs.TEXT,
    "requesting_contact": inputs.TEXT,
    "slot_minutes": inputs.NUMBER,
}
SESSION_UPDATE_FIELDS = {**SESSION_FIELDS, "status": inputs.STATUS,
                         "cancel_reason": inputs.TEXT}
SERIES_FIELDS = {
    "kind": inputs.CHOICE,
    "program_id": inputs.ID,
    "title": inputs.TEXT,
    "title_en": inputs.TEXT,
    "venue_id": inputs.ID,
    "capacity": inputs.NUMBER,
    "notes": inputs.TEXT,
    "notes_en": inputs.TEXT,
    "rrule": inputs.TEXT,
    "start_date": inputs.DATE,
    "until_date": inputs.DATE,
    "start_time": inputs.TIME,
    "end_time": inputs.TIME,
    "skip_dates": inputs.DATES,
}
# The services name a session's times start_dt / end_dt; the JSON starts_at / ends_at.
JSON_TO_SERVICE_FIELDS = {"starts_at": "start_dt", "ends_at": "end_dt"}
SERVICE_TO_JSON_FIELDS = {service: name for name, service in JSON_TO_SERVICE_FIELDS.items()}
STATUS_FIELDS = ("status", "cancel_reason")


def _session_or_404(session_id):
    session = db.session.get(EventSession, session_id) if session_id < 2**31 else None
    if session is None:
        raise NotFoundError(_("There is no session with the id %(id)d.", id=session_id))
    return session


def _service_data(data):
    return {JSON_TO_SERVICE_FIELDS.get(name, name): value for name, value in data.items()
            if name not in STATUS_FIELDS}


@contextmanager
def _json_field_names():
    """A service's field errors under the names the JSON uses."""
    try:
        yield
    except DeskError as error:
        error.fields = {SERVICE_TO_JSON_FIELDS.get(name, name): message
                        for name, message in error.fields.items()}
        raise


def _created(session):
    return json_response(session_json(session), 201, headers={
        "Location": url_for("api.session", session_id=session.id)})


def list_sessions():
    inputs.check_query_names(LIST_PARAMETERS)
    first_day = inputs.query_date("from") or local_today()
    last_day = inputs.query_date("to")
    if last_day is not None and last_day < first_day:
        message = _("%(later)s must not be before %(earlier)s (%(earlier)s is today when it "
                    "is not given).", later="to", earlier="from")
        raise BadRequest(message, fields={"to": message}, code="invalid_query")
    kinds = inputs.query_choices("kind", KINDS)
    venue_id = inputs.query_id("venue_id")
    if venue_id is not None and db.session.get(Venue, venue_id) is None:
        message = _("There is no venue with the id %(id)d.", id=venue_id)
        raise BadRequest(message, fields={"venue_id": message}, code="invalid_query")
    after = inputs.query_cursor(datetime, int)
    limit = inputs.query_limit()
    found = queries.sessions_page(first_day, last_day, kinds=kinds, venue_id=venue_id,
                                  after=after, limit=limit + 1)
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        next_cursor = inputs.encode_cursor(page[-1].start_dt, page[-1].id)
    return json_response(page_json([session_json(session) for session in page], next_cursor))


def get_session(session_id):
    return json_response(session_json(_session_or_404(session_id)))


def create_session():
    data = inputs.check_fields(inputs.json_body(), SESSION_FIELDS)
    with _json_field_names():
        session = services.create_session(_service_data(data), actor=api_user(),
                                          now=utcnow())
    return _created(session)


def update_session(session_id):
    """Change fields and/or the status. A reinstatement comes first (a cancelled session
    cannot be changed), a cancellation or completion last; all or nothing."""
    session = _session_or_404(session_id)
    data = inputs.check_fields(inputs.json_body(), SESSION_UPDATE_FIELDS)
    status = data.get("status")
    if "cancel_reason" in data and status != SessionStatus.CANCELLED.value:
        message = _("Send %(field)s only together with %(pair)s.", field="cancel_reason",
                    pair='"status": "cancelled"')
        raise ValidationError(message, fields={"cancel_reason": message})
    actor, now = api_user(), utcnow()
    changes = _service_data(data)
    reinstating = status == SessionStatus.SCHEDULED.value
    with _json_field_names():
        if status is not None and reinstating:
            services.apply_session_status(session, status, None, actor=actor, now=now)
        if changes:
            services.update_session(session, changes, actor=actor, now=now)
        if status is not None and not reinstating:
            services.apply_session_status(session, status, data.get("cancel_reason"),
                                          actor=actor, now=now)
    return json_response(session_json(session))


def create_series():
    data = inputs.check_fields(inputs.json_body(), SERIES_FIELDS)
    series, report = services.create_series(data, actor=api_user(), now=utcnow())
    return json_response({"series": series_json(series),
                          "created": [session_json(session) for session in report.created]},
                         201)
