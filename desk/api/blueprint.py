"""The URL table of JSON API v1.

Reading is public; every writing route needs a coordinator's or an admin's bearer token
(desk.api.auth.require_token, installed for the whole blueprint), except booking and
cancelling a seat, which residents do without an account (rate-limited); the roster
asks for a token although it is read. The blueprint is exempt from CSRF because cookies
never authorise anything here.
"""

from flask import Blueprint

from desk.api import auth, bookings, openapi, reports, sessions, venues
from desk.api.errors import handle_desk_error
from desk.core.errors import DeskError
from desk.events.public_booking import BOOK_RATE_LIMIT, CANCEL_LIMIT_SCOPE, CANCEL_RATE_LIMIT
from desk.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.before_request(auth.require_token)
bp.register_error_handler(DeskError, handle_desk_error)

_ROUTES = [
    ("/sessions", "sessions", sessions.list_sessions, ["GET"]),
    ("/sessions", "session_create", sessions.create_session, ["POST"]),
    ("/sessions/<int:session_id>", "session", sessions.get_session, ["GET"]),
    ("/sessions/<int:session_id>", "session_update", sessions.update_session, ["PATCH"]),
    ("/series", "series_create", sessions.create_series, ["POST"]),
    ("/sessions/<int:session_id>/bookings", "booking_create",
     limiter.limit(BOOK_RATE_LIMIT)(bookings.create_booking), ["POST"]),
    ("/sessions/<int:session_id>/roster", "session_roster", bookings.roster, ["GET"]),
    ("/bookings/<code>/cancel", "booking_cancel",
     limiter.shared_limit(CANCEL_RATE_LIMIT, scope=CANCEL_LIMIT_SCOPE)(bookings.cancel_booking),
     ["POST"]),
    ("/bookings/<code>/attendance", "booking_attendance", bookings.set_attendance, ["POST"]),
    ("/bookings/<code>/move", "booking_move",
     limiter.shared_limit(CANCEL_RATE_LIMIT, scope=CANCEL_LIMIT_SCOPE)(bookings.move_booking),
     ["POST"]),
    ("/venues", "venues", venues.list_venues, ["GET"]),
    ("/reports/kpi", "reports_kpi", reports.kpi, ["GET"]),
    ("/openapi.json", "openapi", openapi.document, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
