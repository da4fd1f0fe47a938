"""The schedule's URL table: public pages and the coordinators' pages."""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.events import public_views, staff_views

public_bp = Blueprint("public", __name__)
public_bp.add_url_rule("/", "schedule", public_views.schedule)
public_bp.add_url_rule("/sessions/<int:session_id>", "session", public_views.session_detail)
public_bp.add_url_rule("/venues", "venues", public_views.venues)

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")
staff_bp.before_request(require_staff)

_STAFF_ROUTES = [
    ("/", "home", staff_views.home, ["GET"]),
    ("/sessions", "sessions", staff_views.sessions, ["GET"]),
    ("/sessions/new", "session_new", staff_views.session_new, ["GET", "POST"]),
    ("/sessions/<int:session_id>", "session_edit", staff_views.session_edit, ["GET", "POST"]),
    ("/sessions/<int:session_id>/cancel", "session_cancel", staff_views.session_cancel,
     ["GET", "POST"]),
    ("/sessions/<int:session_id>/reinstate", "session_reinstate", staff_views.session_reinstate,
     ["POST"]),
    ("/sessions/<int:session_id>/complete", "session_complete", staff_views.session_complete,
     ["POST"]),
    ("/series", "series_list", staff_views.series_list, ["GET"]),
    ("/series/new", "series_new", staff_views.series_new, ["GET", "POST"]),
    ("/series/<int:series_id>", "series_edit", staff_views.series_edit, ["GET", "POST"]),
    ("/series/<int:series_id>/cancel", "series_cancel", staff_views.series_cancel,
     ["GET", "POST"]),
    ("/venues", "venues", staff_views.venues, ["GET"]),
    ("/venues/new", "venue_new", staff_views.venue_new, ["GET", "POST"]),
    ("/venues/<int:venue_id>", "venue_edit", staff_views.venue_edit, ["GET", "POST"]),
    ("/programs", "programs", staff_views.programs, ["GET"]),
    ("/programs/new", "program_new", staff_views.program_new, ["GET", "POST"]),
    ("/programs/<int:program_id>", "program_edit", staff_views.program_edit, ["GET", "POST"]),
    ("/districts", "districts", staff_views.districts, ["GET", "POST"]),
    ("/districts/<int:district_id>", "district_edit", staff_views.district_edit,
     ["GET", "POST"]),
]
for rule, endpoint, view, methods in _STAFF_ROUTES:
    staff_bp.add_url_rule(rule, endpoint, view, methods=methods)
