"""The OpenAPI 3.1 document of API v1, served at /api/v1/openapi.json.

Written as Python data; enumerations and length limits come from the models, so they
cannot drift from what the services accept. tests/api/ checks that every /api/v1 route
is described here and that every response the tests receive validates against it.
Descriptions are for developers and stay in English.
"""

from flask import current_app

from desk.api.inputs import DEFAULT_LIMIT, MAX_LIMIT
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.core.web import json_response
from desk.events.models import (
    MAX_CAPACITY,
    Attendance,
    Booking,
    Device,
    EventSession,
    Level,
    SeriesStatus,
    SessionKind,
    SessionSeries,
    SessionStatus,
    Topic,
)
from desk.events.slots import SLOT_MINUTES_MAX, SLOT_MINUTES_MIN
from desk.people.models import AgeBand, Person
from desk.reports.metrics import METRICS, UNITS
from desk.reports.services import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN

API_VERSION = "1.0.0"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def _enum(enum_cls, description):
    return {"type": "string", "enum": [member.value for member in enum_cls],
            "description": description}


def _object(properties, *, required=None, description=None):
    schema = {"type": "object", "properties": properties,
              "required": list(properties) if required is None else required,
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _text(max_length, description, *, nullable=True):
    schema = {"type": ["string", "null"] if nullable else "string", "maxLength": max_length,
              "description": description}
    return schema


def _json(schema_name, description):
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _error(description):
    return _json("Error", description)


def _response_ref(name):
    return {"$ref": f"#/components/responses/{name}"}


LOCAL_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$"

BOOKING_CODE = {"type": "string", "pattern": r"^\d{8}$",
                "description": "The booking code: 8 digits, shown and read out as 4-4 "
                               "(2741-0386).", "examples": ["27410386"]}
ACTIVE_STATUS = {"type": "string", "enum": ["booked", "waitlisted"],
                 "description": "booked: the seats are reserved; waitlisted: on the "
                                "waiting list (see waitlist_position)."}
WAITLIST_POSITION = {"type": ["integer", "null"], "minimum": 1,
                     "description": "1 for the first on the waiting list; null when booked."}
SEATS = {"type": "integer", "minimum": 1, "maximum": Booking.MAX_SEATS,
         "description": "The person and their companions."}

BOOKING_SCHEMAS = {
    "BookingCreate": _object({
        "name": {"type": "string", "maxLength": Person.NAME_MAX,
                 "description": "The attending person's name in kanji (as written)."},
        "kana": {"type": "string", "maxLength": Person.KANA_MAX,
                 "description": "Its reading in hiragana or katakana (any width)."},
        "phone": {"type": "string", "maxLength": 30,
                  "description": "A Japanese phone number in any common form "
                                 "(090-1234-5678, ０９０１２３４５６７８, +81 90 ...)."},
        "seats": {"type": ["integer", "null"], "minimum": 1, "maximum": Booking.MAX_SEATS,
                  "description": "1 (default) to 3: the person and up to two companions."},
        "consent": {"type": ["boolean", "null"],
                    "description": "true: the person agrees to reminders (SMS, call or "
                                   "e-mail). Default false."},
        "email": _text(Person.EMAIL_MAX, "Optional e-mail address."),
        "district": {"type": ["integer", "string", "null"],
                     "description": "Optional: the district's id (see the venues' "
                                    "district) or its exact name, in Japanese or English."},
        "age_band": _nullable(_enum(AgeBand, "Optional age band.")),
    }, required=["name", "kana", "phone"],
        description="Who books. A person with the same phone and kana is the same "
                    "person; nothing stored about them is shown or changed."),
    "Booking": _object({
        "code": {**BOOKING_CODE, "type": ["string", "null"], "description": (
            "The booking code: 8 digits, shown and read out as 4-4 (2741-0386). null "
            "when the person already had a booking for this session (status 200): its "
            "details are then sent again to the person's own phone or e-mail, so that "
            "knowing someone's phone and kana is not enough to learn their code.")},
        "status": ACTIVE_STATUS,
        "waitlist_position": WAITLIST_POSITION,
        "session_id": {"type": "integer"},
        "seats": SEATS,
        "slot_start": {**_nullable(_ref("LocalDateTime")), "description": (
            "The reserved time of a booked place at a consultation session with slots "
            "(the visitor is served from then); null otherwise, and while waitlisted.")},
    }, description="A booking as its booker sees it."),
    "BookingCancel": _object({
        "phone": {"type": "string", "maxLength": 30,
                  "description": "The phone number of the person or of the family member "
                                 "who booked for them."},
    }, required=["phone"]),
    "BookingMove": _object({
        "session_id": {"type": "integer", "description": (
            "The session to move to. A resident (no token): another date of the same "
            "program; a coordinator's or admin's token: any session that takes bookings.")},
        "phone": {"type": ["string", "null"], "maxLength": 30, "description": (
            "Without a token: the phone number of the person or of the family member who "
            "booked for them (required). Ignored with a token.")},
        "waitlist": {"type": ["boolean", "null"], "description": (
            "true: when the session is full, go onto its waiting list, giving up the seat "
            "held now (the person agreed to this). Default false: a full session is "
            "refused (code session_full) and nothing changes.")},
    }, required=["session_id"]),
    "MovedBooking": _object({
        "code": {**BOOKING_CODE, "description": "The same booking code as before the move."},
        "status": ACTIVE_STATUS,
        "waitlist_position": WAITLIST_POSITION,
        "session_id": {"type": "integer", "description": "The session it is for now."},
        "seats": SEATS,
        "slot_start": {**_nullable(_ref("LocalDateTime")), "description": (
            "The reserved time at a consultation session with slots; null otherwise.")},
        "moved_from_session_id": {"type": "integer",
                                  "description": "The session it was for before."},
    }, description="The booking after its move: same code, same seats."),
    "CancelAccepted": _object({
        "message": {"type": "string", "description": "The same text whatever happened."},
    }),
    "RosterEntry": _object({
        "code": BOOKING_CODE,
        "name": {"type": "string"},
        "kana": {"type": "string", "description": "Full-width katakana."},
        "phone": {"type": ["string", "null"], "description": "E.164 (+819012345678)."},
        "seats": SEATS,
        "status": ACTIVE_STATUS,
        "attendance": _nullable(_enum(Attendance, "Checked in: attended or no_show.")),
        "waitlist_position": WAITLIST_POSITION,
    }, description="A booking on a session's roster (for coordinators and admins)."),
    "Roster": _object({
        "items": {"type": "array", "items": _ref("RosterEntry"),
                  "description": "Booked seats in kana order, then the waiting list."},
        "next": {"type": "null", "description": "Always null: a roster is one page."},
    }),
    "AttendanceUpdate": _object({
        "attendance": _nullable(_enum(Attendance, "null clears the mark.")),
    }),
}

KPI_SCHEMAS = {
    "KpiMetric": _object({
        "key": {"type": "string", "enum": [metric.key for metric in METRICS],
                "description": "The metric's key, as in docs/kpi.md."},
        "label": {"type": "string", "description": "Its name in the Accept-Language."},
        "unit": {"type": "string", "enum": list(UNITS),
                 "description": "count, percent (0-100), hours or score (mean of 1-5)."},
        "description": {"type": "string",
                        "description": "The exact definition, in the Accept-Language."},
        "value": {"type": ["number", "null"],
                  "description": "The figure of the period; null for a rate or mean with "
                                 "nothing to divide by."},
        "target": {"type": ["number", "null"],
                   "description": "The fiscal year's target (目標値) for the whole year; "
                                  "null when none is set or the period spans two fiscal "
                                  "years."},
        "achievement": _nullable(_object({
            "rate": {"type": ["number", "null"],
                     "description": "The achievement rate in percent (100: the target "
                                    "exactly; where less is better, target / actual); "
                                    "null for a figure of 0 where less is better."},
            "met": {"type": "boolean", "description": "Whether the target is met."},
            "status": {"type": "string",
                       "enum": ["achieved", "met_so_far", "not_yet", "missed"],
                       "description": "achieved or missed once the fiscal year is over; "
                                      "during it a count that reached its target is "
                                      "achieved, others are met_so_far or not_yet."},
            "label": {"type": "string", "description": "The status in words, in the "
                                                       "Accept-Language."},
        }, description="How the figure stands against its target, for a whole fiscal "
                       "year with a target set; null otherwise.")),
    }),
    "KpiReport": _object({
        "from": _ref("Date"),
        "to": _ref("Date"),
        "fiscal_year": {"type": ["integer", "null"],
                        "description": "The fiscal year (FY2025 = 令和7年度, 2025-04-01 to "
                                       "2026-03-31) the period lies in and whose targets "
                                       "are given; null when it spans two."},
        "metrics": {"type": "array", "items": _ref("KpiMetric"),
                    "description": "Every metric, in the dashboard's order."},
    }, description="KPI figures of a period against the fiscal year's targets."),
}

SCHEMAS = {
    "Error": _object({
        "error": _object({
            "code": {"type": "string", "description": (
                "A machine word: bad_request, invalid_query, unsupported_media_type, "
                "unauthorized, invalid_token, forbidden, not_found, method_not_allowed, "
                "invalid (a field is wrong; see fields), booking_refused (a booking rule "
                "said no), booking_closed, conflict, busy (try again), too_large, "
                "rate_limited, server_error.")},
            "message": {"type": "string",
                        "description": "Translated into the request's Accept-Language "
                                       "(ja or en; ja by default)."},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Field or parameter name (as the JSON spells it) "
                                      "-> what is wrong with it. Empty when the error "
                                      "is not about particular fields."},
        }),
    }, description="Every error, whatever the status."),
    "LocalDateTime": {
        "type": "string", "format": "date-time", "pattern": LOCAL_DATETIME_PATTERN,
        "description": "ISO 8601 in Japan Standard Time, always with the +09:00 offset.",
        "examples": ["2026-12-03T10:00:00+09:00"],
    },
    "InputDateTime": {
        "type": "string", "format": "date-time",
        "description": "ISO 8601 with an offset (any offset; Z for UTC). Stored in UTC, "
                       "answered in +09:00.",
        "examples": ["2026-12-03T10:00:00+09:00", "2026-12-03T01:00:00Z"],
    },
    "Date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
             "description": f"A date (YYYY-MM-DD) from {DATE_MIN} to {DATE_MAX}.",
             "examples": ["2026-12-03"]},
    "Time": {"type": "string", "pattern": r"^\d{2}:\d{2}$",
             "description": "A wall-clock time in JST (HH:MM).", "examples": ["10:00"]},
    "SessionKind": _enum(SessionKind, "class: smartphone class (スマホ講座); outreach_class: "
                                      "held on request for a group (出張講座); "
                                      "awareness_event: 啓発イベント; consultation: "
                                      "walk-in consultation desk (相談会)."),
    "SessionStatus": _enum(SessionStatus, "scheduled, cancelled (with cancel_reason) or "
                                          "completed (held)."),
    "Program": _object({
        "id": {"type": "integer"},
        "title": {"type": "string", "description": "Japanese title."},
        "title_kana": {"type": "string", "description": "Kana reading of the title."},
        "title_en": {"type": ["string", "null"], "description": "English title."},
        "topic": _enum(Topic, "What the class teaches."),
        "level": _enum(Level, "For whom."),
        "device": _enum(Device, "Which smartphones."),
    }, description="The curriculum item a class follows."),
    "VenueSummary": _object({
        "id": {"type": "integer"},
        "name": {"type": "string", "description": "Japanese name."},
        "name_en": {"type": ["string", "null"], "maxLength": 200,
                    "description": "English name (romanised at least); null: none given."},
        "short_name": {"type": "string", "maxLength": 8,
                       "description": "The name used in SMS."},
    }),
    "District": _object({
        "id": {"type": "integer"},
        "name": {"type": "string", "description": "Japanese name."},
        "name_kana": {"type": "string"},
        "name_en": {"type": ["string", "null"], "maxLength": 50,
                    "description": "English name (romanised at least); null: none given."},
    }, description="地区: a district of the city."),
    "Venue": _object({
        "id": {"type": "integer"},
        "name": {"type": "string", "description": "Japanese name."},
        "name_kana": {"type": "string"},
        "name_en": {"type": ["string", "null"], "maxLength": 200,
                    "description": "English name (romanised at least); null: none given."},
        "short_name": {"type": "string", "maxLength": 8},
        "short_name_en": {"type": ["string", "null"], "maxLength": 20,
                          "description": "The name used in English SMS; null: the "
                                         "English name is used."},
        "address": {"type": "string"},
        "district": _nullable(_ref("District")),
        "phone": {"type": ["string", "null"],
                  "description": "The venue's own phone number (E.164, e.g. +81466441111)."},
        "accessibility_notes": {"type": ["string", "null"]},
        "accessibility_notes_en": {"type": ["string", "null"],
                                   "description": "The accessibility notes in English."},
        "default_capacity": {"type": "integer", "minimum": 0, "maximum": MAX_CAPACITY},
        "latitude": {"type": ["number", "null"]},
        "longitude": {"type": ["number", "null"]},
        "is_active": {"type": "boolean",
                      "description": "false: no longer used for new sessions."},
    }),
    "Session": _object({
        "id": {"type": "integer"},
        "kind": _ref("SessionKind"),
        "title": {"type": "string",
                  "description": "The title to show: the session's own title, else its "
                                 "program's, else the kind's name; for Accept-Language: en "
                                 "the English one where there is one."},
        "title_en": {"type": ["string", "null"], "maxLength": EventSession.TITLE_EN_MAX,
                     "description": "The session's own title in English; null: none "
                                    "given."},
        "program": _nullable(_ref("Program")),
        "venue": _ref("VenueSummary"),
        "starts_at": _ref("LocalDateTime"),
        "ends_at": _ref("LocalDateTime"),
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY,
                     "description": "Seats; null where the kind takes no bookings."},
        "status": _ref("SessionStatus"),
        "cancel_reason": {"type": ["string", "null"]},
        "series_id": {"type": ["integer", "null"],
                      "description": "The series that generated the session, if any."},
        "requesting_group": {"type": ["string", "null"],
                             "description": "The group that asked for an outreach class; "
                                            "null for other kinds."},
        "notes": {"type": ["string", "null"]},
        "notes_en": {"type": ["string", "null"],
                     "description": "The notes in English; null: none given."},
        "slot_minutes": {"type": ["integer", "null"], "minimum": SLOT_MINUTES_MIN,
                         "maximum": SLOT_MINUTES_MAX, "description": (
                             "Consultation sessions only: the length of a reserved slot. "
                             "The session then offers `capacity` slots one after another "
                             "from its start (no more than fit before its end), bookable "
                             "one person each; null: walk-ins only.")},
    }, description="A class, outreach class, awareness event or consultation session."),
    "Series": _object({
        "id": {"type": "integer"},
        "kind": _ref("SessionKind"),
        "title": {"type": "string",
                  "description": "As a session's title, in the reader's language."},
        "title_en": {"type": ["string", "null"], "maxLength": SessionSeries.TITLE_EN_MAX,
                     "description": "The series' own title in English; null: none given."},
        "program": _nullable(_ref("Program")),
        "venue": _ref("VenueSummary"),
        "rrule": {"type": "string", "description": "RFC 5545 RRULE value, e.g. "
                                                   "FREQ=MONTHLY;BYDAY=2TU,4TU."},
        "start_date": _ref("Date"),
        "until_date": _ref("Date"),
        "start_time": _ref("Time"),
        "end_time": _ref("Time"),
        "skip_dates": {"type": "array", "items": _ref("Date")},
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY},
        "status": _enum(SeriesStatus, "active or cancelled."),
        "cancel_reason": {"type": ["string", "null"]},
        "notes": {"type": ["string", "null"]},
        "notes_en": {"type": ["string", "null"],
                     "description": "The notes in English; null: none given."},
    }, description="A recurring series; it generates real sessions."),
    "SessionList": _object({
        "items": {"type": "array", "items": _ref("Session")},
        "next": {"type": ["string", "null"],
                 "description": "Pass as `cursor` for the next page; null on the last."},
    }),
    "VenueList": _object({
        "items": {"type": "array", "items": _ref("Venue")},
        "next": {"type": ["string", "null"]},
    }),
    "SeriesCreated": _object({
        "series": _ref("Series"),
        "created": {"type": "array", "items": _ref("Session"),
                    "description": "The sessions the series generated."},
    }),
    "SessionCreate": _object({
        "kind": _ref("SessionKind"),
        "program_id": {"type": ["integer", "null"],
                       "description": "Required for class and outreach_class."},
        "title": _text(EventSession.TITLE_MAX, "Own title; required for an awareness event "
                                               "without a program."),
        "title_en": _text(EventSession.TITLE_EN_MAX, "The own title in English, for "
                                                     "English readers; needs title."),
        "venue_id": {"type": "integer"},
        "starts_at": _ref("InputDateTime"),
        "ends_at": _ref("InputDateTime"),
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY,
                     "description": "Seats; a class without it gets the venue's default."},
        "notes": _text(EventSession.NOTES_MAX, "Shown with the session."),
        "notes_en": _text(EventSession.NOTES_MAX, "The notes in English; needs notes."),
        "requesting_group": _text(EventSession.GROUP_MAX,
                                  "Required for an outreach class (ignored for others)."),
        "requesting_contact": _text(EventSession.CONTACT_MAX,
                                    "Contact of the requesting group (outreach classes "
                                    "only). Stored for coordinators, never answered by "
                                    "the API."),
        "slot_minutes": {"type": ["integer", "null"], "minimum": SLOT_MINUTES_MIN,
                         "maximum": SLOT_MINUTES_MAX, "description": (
                             "Consultation sessions only: the length of a reserved slot. "
                             "The session then offers `capacity` slots one after another "
                             "from its start (no more than fit before its end), bookable "
                             "one person each; null: walk-ins only.")},
    }, required=["kind", "venue_id", "starts_at", "ends_at"],
        description="A new session. The end must be after the start, at most 12 hours."),
    "SessionUpdate": _object({
        "kind": _ref("SessionKind"),
        "program_id": {"type": ["integer", "null"]},
        "title": _text(EventSession.TITLE_MAX, "Own title (null: use the program's)."),
        "title_en": _text(EventSession.TITLE_EN_MAX, "The own title in English, for "
                                                     "English readers; needs title."),
        "venue_id": {"type": "integer"},
        "starts_at": _ref("InputDateTime"),
        "ends_at": _ref("InputDateTime"),
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY},
        "notes": _text(EventSession.NOTES_MAX, "Shown with the session."),
        "notes_en": _text(EventSession.NOTES_MAX, "The notes in English; needs notes."),
        "requesting_group": _text(EventSession.GROUP_MAX, "Outreach classes only."),
        "requesting_contact": _text(EventSession.CONTACT_MAX, "Outreach classes only."),
        "slot_minutes": {"type": ["integer", "null"], "minimum": SLOT_MINUTES_MIN,
                         "maximum": SLOT_MINUTES_MAX, "description": (
                             "Consultation sessions only: the length of a reserved slot. "
                             "The session then offers `capacity` slots one after another "
                             "from its start (no more than fit before its end), bookable "
                             "one person each; null: walk-ins only.")},
        "status": {**_ref("SessionStatus"), "description": (
            "cancelled needs cancel_reason and a session not yet held; completed needs a "
            "session that has started; scheduled reinstates a cancelled session that is "
            "still to come.")},
        "cancel_reason": _text(EventSession.REASON_MAX, 'Only with "status": "cancelled".',
                               nullable=False),
    }, required=[], description="Only the fields sent change; the rest keep their values. "
                                "A session of a series becomes a one-off change."),
    "SeriesCreate": _object({
        "kind": {**_ref("SessionKind"), "description": "Not outreach_class (held on "
                                                        "request, one at a time)."},
        "program_id": {"type": ["integer", "null"], "description": "Required for class."},
        "title": _text(SessionSeries.TITLE_MAX, "Own title for each session."),
        "title_en": _text(SessionSeries.TITLE_EN_MAX, "Its English title, for English "
                                                      "readers; needs title."),
        "venue_id": {"type": "integer"},
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY},
        "notes": _text(SessionSeries.NOTES_MAX, "Shown with each session."),
        "notes_en": _text(SessionSeries.NOTES_MAX, "The notes in English; needs notes."),
        "rrule": {"type": "string", "maxLength": SessionSeries.RRULE_MAX,
                  "description": "RFC 5545 RRULE value without DTSTART, UNTIL or COUNT; "
                                 "FREQ DAILY, WEEKLY, MONTHLY or YEARLY.",
                  "examples": ["FREQ=MONTHLY;BYDAY=2TU,4TU", "FREQ=WEEKLY;BYDAY=TH"]},
        "start_date": _ref("Date"),
        "until_date": {**_ref("Date"), "description": "The last date (inclusive); at most "
                                                      "three years after start_date."},
        "start_time": _ref("Time"),
        "end_time": _ref("Time"),
        "skip_dates": {"type": ["array", "null"], "items": _ref("Date"),
                       "maxItems": SessionSeries.MAX_OCCURRENCES,
                       "description": "Dates the rule gives but no session is wanted."},
    }, required=["kind", "venue_id", "rrule", "start_date", "until_date", "start_time",
                 "end_time"],
        description=f"The rule must give from 1 to {SessionSeries.MAX_OCCURRENCES} dates "
                    "between start_date and until_date (JST)."),
    **BOOKING_SCHEMAS,
    **KPI_SCHEMAS,
}

PARAMETERS = {
    "from": {"name": "from", "in": "query", "schema": _ref("Date"),
             "description": "First date (JST, inclusive) on which sessions start. "
                            "Default: today in JST."},
    "to": {"name": "to", "in": "query", "schema": _ref("Date"),
           "description": "Last date (JST, inclusive): a session at 23:30 JST on this "
                          "date is included. Default: no end."},
    "kind": {"name": "kind", "in": "query", "style": "form", "explode": True,
             "schema": {"type": "array", "items": _ref("SessionKind")},
             "description": "Only these kinds: repeat the parameter (kind=class&"
                            "kind=consultation) or separate with commas."},
    "venue_id": {"name": "venue_id", "in": "query",
                 "schema": {"type": "integer", "minimum": 1},
                 "description": "Only sessions at this venue (400 when no such venue)."},
    "cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"},
               "description": "The `next` value of the previous page, unchanged."},
    "limit": {"name": "limit", "in": "query",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                         "default": DEFAULT_LIMIT},
              "description": f"Items per page, 1 to {MAX_LIMIT}."},
    "session_id": {"name": "session_id", "in": "path", "required": True,
                   "schema": {"type": "integer"}},
    "code": {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "The booking code: 27410386 or 2741-0386."},
}

RESPONSES = {
    "BadRequest": _error("The request cannot be read: malformed JSON, a body that is not "
                         "an object, or a query parameter that is unknown or has an "
                         "unknown value (code invalid_query, with fields)."),
    "Unauthorized": {
        **_error("No bearer token (code unauthorized), or an unknown or revoked one "
                 "(code invalid_token)."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"},
                                         "description": 'Bearer realm="desk"'}},
    },
    "Forbidden": _error("The token belongs to a volunteer: only coordinators and admins "
                        "may change the schedule."),
    "NotFound": _error("No such session."),
    "TooLarge": _error("The body is larger than 1 MiB."),
    "UnsupportedMediaType": _error("The body was not sent as application/json."),
    "Invalid": _error("A field is wrong (unknown field, wrong JSON type, or a rule of the "
                      "schedule); `fields` says which and why. Nothing was changed."),
    "Error": _error("Any other error, in the same shape."),
    "BookingClosedOrBusy": _error(
        "The session cannot be booked any more (code booking_closed): cancelled, over, "
        "held, or online booking has closed (DESK_BOOKING_CLOSES_MINUTES before the "
        "start). Or the session was busy (code busy, as in Busy): nothing was changed; "
        "try again."),
    "Busy": _error("Busy (code busy): someone else was changing the same session, shift or "
                   "booking, and desk waited DESK_LOCK_TIMEOUT_SECONDS for them. Nothing "
                   "was changed; send the same request again (with the same "
                   "Idempotency-Key, where the operation takes one)."),
    "BookingInvalid": _error("A field is wrong (code invalid, see fields), a booking rule "
                             "says no (code booking_refused: a party larger than the "
                             "session's seats, a session that takes no bookings), or the "
                             "Idempotency-Key was sent before with another session or "
                             "other details (code request_key_reused). Nothing was "
                             "changed."),
    "NoBooking": _error("No booking with this code."),
    "NoBookingToMove": _error("No booking with this code (with a token), or none with this "
                              "code together with this phone number (without)."),
    "MoveRefused": _error(
        "A field is wrong (code invalid, see fields: session_id, phone, waitlist), or the "
        "move is refused and nothing changed: same_session, session_full (ask again with "
        "waitlist true to join its waiting list), session_cancelled, session_started, "
        "already_booked (the person has a booking there), other_program (without a "
        "token), booking_cancelled, booking_started (the booking's own session has "
        "started), attendance_recorded, not_bookable (the session takes no bookings, "
        "the party does not fit its capacity, or online booking for it has closed)."),
    "RateLimited": _error("Too many requests from this address in a short time (code "
                          "rate_limited); try again a minute later."),
}

_WRITE_ERRORS = {
    "400": _response_ref("BadRequest"),
    "401": _response_ref("Unauthorized"),
    "403": _response_ref("Forbidden"),
    "413": _response_ref("TooLarge"),
    "415": _response_ref("UnsupportedMediaType"),
    "409": _response_ref("Busy"),
    "422": _response_ref("Invalid"),
    "default": _response_ref("Error"),
}
_SECURITY = [{"bearerAuth": []}]


def _body(schema_name, example):
    return {"required": True, "content": {"application/json": {
        "schema": _ref(schema_name), "examples": {"example": {"value": example}}}}}


def _created(schema_name, description, *, location=False):
    response = _json(schema_name, description)
    if location:
        response["headers"] = {"Location": {"schema": {"type": "string"},
                                            "description": "The new session's URL."}}
    return response


PATHS = {
    "/sessions": {
        "get": {
            "operationId": "listSessions",
            "summary": "List sessions",
            "description": "Sessions starting from `from` to `to` (JST dates, inclusive), "
                           "ordered by start time, then id. Cancelled sessions are "
                           "included, with their status.",
            "tags": ["sessions"],
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in (
                "from", "to", "kind", "venue_id", "cursor", "limit")],
            "responses": {
                "200": _json("SessionList", "A page of sessions."),
                "400": _response_ref("BadRequest"),
                "default": _response_ref("Error"),
            },
        },
        "post": {
            "operationId": "createSession",
            "summary": "Create a session",
            "tags": ["sessions"],
            "security": _SECURITY,
            "requestBody": _body("SessionCreate", {
                "kind": "class", "program_id": 3, "venue_id": 1,
                "starts_at": "2026-12-03T10:00:00+09:00",
                "ends_at": "2026-12-03T11:30:00+09:00", "capacity": 12}),
            "responses": {
                "201": _created("Session", "The new session.", location=True),
                **_WRITE_ERRORS,
            },
        },
    },
    "/sessions/{session_id}": {
        "parameters": [{"$ref": "#/components/parameters/session_id"}],
        "get": {
            "operationId": "getSession",
            "summary": "Read a session",
            "tags": ["sessions"],
            "responses": {
                "200": _json("Session", "The session."),
                "404": _response_ref("NotFound"),
                "default": _response_ref("Error"),
            },
        },
        "patch": {
            "operationId": "updateSession",
            "summary": "Change a session or its status",
            "description": "Send only the fields to change. `status` moves the session: "
                           "cancelled (with cancel_reason), completed, or scheduled "
                           "(reinstate). All or nothing.",
            "tags": ["sessions"],
            "security": _SECURITY,
            "requestBody": _body("SessionUpdate", {"status": "cancelled",
                                                   "cancel_reason": "台風のため"}),
            "responses": {
                "200": _json("Session", "The session as it is now."),
                "404": _response_ref("NotFound"),
                **_WRITE_ERRORS,
            },
        },
    },
    "/series": {
        "post": {
            "operationId": "createSeries",
            "summary": "Create a recurring series and its sessions",
            "tags": ["series"],
            "security": _SECURITY,
            "requestBody": _body("SeriesCreate", {
                "kind": "class", "program_id": 3, "venue_id": 1,
                "rrule": "FREQ=MONTHLY;BYDAY=2TU,4TU", "start_date": "2026-04-01",
                "until_date": "2027-03-31", "start_time": "10:00", "end_time": "11:30",
                "capacity": 12, "skip_dates": ["2026-08-11"]}),
            "responses": {
                "201": _created("SeriesCreated", "The series and the sessions it created."),
                **_WRITE_ERRORS,
            },
        },
    },
    "/venues": {
        "get": {
            "operationId": "listVenues",
            "summary": "List venues",
            "description": "Every venue, in use or not (is_active), in kana order.",
            "tags": ["venues"],
            "parameters": [{"$ref": "#/components/parameters/cursor"},
                           {"$ref": "#/components/parameters/limit"}],
            "responses": {
                "200": _json("VenueList", "A page of venues."),
                "400": _response_ref("BadRequest"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/sessions/{session_id}/bookings": {
        "parameters": [
            {"$ref": "#/components/parameters/session_id"},
            {"name": "Idempotency-Key", "in": "header", "required": False,
             "schema": {"type": "string", "minLength": 8, "maxLength": 64},
             "description": "Optional: a random key of the client's choosing, new for "
                            "every booking. A request repeated with the same key and the "
                            "same session, person details and seats (a retry after a "
                            "timeout) returns the first request's booking, code included, "
                            "and books nothing more. The same key with another session "
                            "or other details is refused (422, request_key_reused) and "
                            "shows nothing of the first booking."},
        ],
        "post": {
            "operationId": "createBooking",
            "summary": "Book seats (public)",
            "description": "No token: residents book for themselves (or a family member "
                           "for them). Booked while seats are free, else waitlisted. "
                           "At a consultation session with reserved slots (slot_minutes) "
                           "a booking is for one person (seats 1) and takes the first "
                           "free slot (slot_start). "
                           "Booking again (same phone and kana) answers 200 with the "
                           "existing booking, unchanged, without its code (which is sent "
                           "again to the person's own phone). Error messages follow "
                           "Accept-Language, which is also the new person's language "
                           "for messages. Rate-limited per address.",
            "tags": ["bookings"],
            "requestBody": _body("BookingCreate", {
                "name": "佐藤 恵子", "kana": "さとう けいこ", "phone": "090-1234-5678",
                "seats": 1, "consent": True, "age_band": "70s"}),
            "responses": {
                "200": _json("Booking", "The person's existing booking for this session."),
                "201": _json("Booking", "The new booking."),
                "400": _response_ref("BadRequest"),
                "404": _response_ref("NotFound"),
                "409": _response_ref("BookingClosedOrBusy"),
                "413": _response_ref("TooLarge"),
                "415": _response_ref("UnsupportedMediaType"),
                "422": _response_ref("BookingInvalid"),
                "429": _response_ref("RateLimited"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/sessions/{session_id}/roster": {
        "parameters": [{"$ref": "#/components/parameters/session_id"}],
        "get": {
            "operationId": "getRoster",
            "summary": "A session's roster (token)",
            "description": "Active bookings with names and phone numbers: booked seats "
                           "in kana order, then the waiting list in its order. Needs a "
                           "coordinator's or admin's token although it only reads.",
            "tags": ["bookings"],
            "security": _SECURITY,
            "responses": {
                "200": _json("Roster", "The roster."),
                "401": _response_ref("Unauthorized"),
                "403": _response_ref("Forbidden"),
                "404": _response_ref("NotFound"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/bookings/{code}/cancel": {
        "parameters": [{"$ref": "#/components/parameters/code"}],
        "post": {
            "operationId": "cancelBooking",
            "summary": "Cancel a booking with its code and phone number (public)",
            "description": "No token. Answers 202 with the same message whether or not a "
                           "booking with this code and phone exists and whether or not it "
                           "could still be cancelled, so that nobody learns who booked. "
                           "Only a code or phone number of the wrong form gets 422. "
                           "Rate-limited per address, together with the web form.",
            "tags": ["bookings"],
            "requestBody": _body("BookingCancel", {"phone": "090-1234-5678"}),
            "responses": {
                "202": _json("CancelAccepted", "Cancelled if such a booking existed."),
                "400": _response_ref("BadRequest"),
                "409": _response_ref("Busy"),
                "413": _response_ref("TooLarge"),
                "415": _response_ref("UnsupportedMediaType"),
                "422": _response_ref("Invalid"),
                "429": _response_ref("RateLimited"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/bookings/{code}/attendance": {
        "parameters": [{"$ref": "#/components/parameters/code"}],
        "post": {
            "operationId": "setAttendance",
            "summary": "Check a booking in (token)",
            "description": "attended, no_show, or null to clear; from the day of the "
                           "session, for a booked seat.",
            "tags": ["bookings"],
            "security": _SECURITY,
            "requestBody": _body("AttendanceUpdate", {"attendance": "attended"}),
            "responses": {
                "200": _json("RosterEntry", "The booking as it is now."),
                "404": _response_ref("NoBooking"),
                **_WRITE_ERRORS,
            },
        },
    },
    "/bookings/{code}/move": {
        "parameters": [{"$ref": "#/components/parameters/code"}],
        "post": {
            "operationId": "moveBooking",
            "summary": "Move a booking to another session (public, or token)",
            "description": "In one transaction: the new seat is taken before the old one "
                           "is given up, the old session's waiting list moves up in "
                           "order, the booking keeps its code, seats, companions and "
                           "proxy contact, its calendar event keeps its UID with a higher "
                           "SEQUENCE, and the person gets one message with the old and "
                           "the new date (their reminders follow the new date). Without a "
                           "token: code and phone, same program only, rate-limited "
                           "together with cancelling. With a coordinator's or admin's "
                           "token: by code alone, to any session.",
            "tags": ["bookings"],
            "security": [{}, {"bearerAuth": []}],
            "requestBody": _body("BookingMove", {"session_id": 42, "phone": "090-1234-5678"}),
            "responses": {
                "200": _json("MovedBooking", "The booking at its new session."),
                "400": _response_ref("BadRequest"),
                "401": _response_ref("Unauthorized"),
                "403": _response_ref("Forbidden"),
                "404": _response_ref("NoBookingToMove"),
                "409": _response_ref("Busy"),
                "413": _response_ref("TooLarge"),
                "415": _response_ref("UnsupportedMediaType"),
                "422": _response_ref("MoveRefused"),
                "429": _response_ref("RateLimited"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/reports/kpi": {
        "get": {
            "operationId": "getKpiReport",
            "summary": "KPI figures with their targets (token)",
            "description": "Every metric of the KPI report for a fiscal year (`fy`) or "
                           "for local dates `from`/`to` (JST, inclusive; a missing `to` "
                           "is the end of the fiscal year of `from`, a missing `from` the "
                           "start of the fiscal year of `to`); nothing given: the current "
                           "fiscal year. `fy` together with `from`/`to` is refused (400). "
                           "Needs a coordinator's or admin's token although it only reads.",
            "tags": ["reports"],
            "security": _SECURITY,
            "parameters": [
                {"name": "fy", "in": "query",
                 "schema": {"type": "integer", "minimum": FISCAL_YEAR_MIN,
                            "maximum": FISCAL_YEAR_MAX},
                 "description": "The fiscal year by the calendar year it starts in: 2025 "
                                "is 2025-04-01 to 2026-03-31 (令和7年度)."},
                {"name": "from", "in": "query", "schema": _ref("Date"),
                 "description": "First local date (JST, inclusive) of the period."},
                {"name": "to", "in": "query", "schema": _ref("Date"),
                 "description": "Last local date (JST, inclusive) of the period."},
            ],
            "responses": {
                "200": _json("KpiReport", "The figures and targets."),
                "400": _response_ref("BadRequest"),
                "401": _response_ref("Unauthorized"),
                "403": _response_ref("Forbidden"),
                "default": _response_ref("Error"),
            },
        },
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApiDocument",
            "summary": "This document",
            "tags": ["meta"],
            "responses": {
                "200": {"description": "The OpenAPI 3.1 document.",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                "default": _response_ref("Error"),
            },
        },
    },
}


def build_document(public_url):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "desk API",
            "version": API_VERSION,
            "summary": "The schedule of a city's digital divide support desk.",
            "description": (
                "Smartphone classes, outreach classes, awareness events and consultation "
                "sessions. Reading is public; writing needs a coordinator's or an admin's "
                "bearer token (`desk create-token EMAIL`), except booking and cancelling "
                "a seat, which residents do without an account (rate-limited); a "
                "session's roster and the KPI report also need a token. Phone numbers travel in JSON bodies, "
                "never in URLs. Times are ISO 8601 with the "
                "+09:00 offset (any offset accepted on input); `from`/`to` are JST dates, "
                "inclusive. Lists are {\"items\": [...], \"next\": cursor or null}. "
                "Errors are {\"error\": {\"code\", \"message\", \"fields\"}}, with the "
                "message in the Accept-Language (ja or en)."),
        },
        "servers": [{"url": f"{public_url.rstrip('/')}/api/v1"}],
        "tags": [{"name": "sessions"}, {"name": "series"}, {"name": "venues"},
                 {"name": "bookings"}, {"name": "reports"}, {"name": "meta"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "desk_…",
                               "description": "A token from `desk create-token EMAIL` "
                                              "for a coordinator or admin account."},
            },
        },
    }


def document():
    return json_response(build_document(current_app.config["DESK_PUBLIC_URL"]))
