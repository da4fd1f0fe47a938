"""The URL table of JSON API v1.

Reading is public; every writing route needs a coordinator's or an admin's bearer token
(desk.api.auth.require_token, installed for the whole blueprint). The blueprint is
exempt from CSRF because cookies never authorise anything here.
"""

from flask import Blueprint

from desk.api import auth, openapi, sessions, venues
from desk.api.errors import handle_desk_error
from desk.core.errors import DeskError
from desk.extensions import csrf

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
    ("/venues", "venues", venues.list_venues, ["GET"]),
    ("/openapi.json", "openapi", openapi.document, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
