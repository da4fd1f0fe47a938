"""The consultation desk's URL table, in one place.

- `consults` (/consults): the desk's own pages, for the volunteers staffing a
  consultation session and for coordinators and admins. Anyone logged in reaches the
  views; each view checks desk.consults.queries.can_work_desk for its session (403
  otherwise). Anonymous visitors are sent to the login page.
- `consults_public` (/consults): the venue's public "now serving" display (no login,
  nothing personal).
- `consults_staff` (/staff/consults): coordinators' and admins' pages.
"""

from flask import Blueprint

from desk.auth.access import require_login, require_staff

# the desk: reception, the queue, serving (volunteers of the session and staff)
bp = Blueprint("consults", __name__, url_prefix="/consults")
bp.before_request(require_login)

# the venue's public display (no login)
public_bp = Blueprint("consults_public", __name__, url_prefix="/consults")

# coordinators and admins
staff_bp = Blueprint("consults_staff", __name__, url_prefix="/staff/consults")
staff_bp.before_request(require_staff)

# -- reception and the queue (desk/consults/reception_views.py) -----------------------------
from desk.consults import reception_views  # noqa: E402

_RECEPTION_ROUTES = [
    ("/<int:session_id>/reception", "reception", reception_views.reception, ["GET"]),
    ("/<int:session_id>/tickets", "issue", reception_views.issue, ["POST"]),
    ("/<int:session_id>/reservations/<int:booking_id>/check-in", "check_in",
     reception_views.check_in, ["POST"]),
    ("/<int:session_id>/tickets/<int:ticket_id>/skip", "skip", reception_views.skip, ["POST"]),
    ("/<int:session_id>/tickets/<int:ticket_id>/recall", "recall", reception_views.recall,
     ["POST"]),
    ("/<int:session_id>/tickets/<int:ticket_id>/cancel", "cancel", reception_views.cancel,
     ["POST"]),
]
for _rule, _endpoint, _view, _methods in _RECEPTION_ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)

# -- the public "now serving" display (desk/consults/display_views.py) ----------------------
from desk.consults import display_views  # noqa: E402

public_bp.add_url_rule("/venues/<int:venue_id>/display", "display", display_views.display)
public_bp.add_url_rule("/venues/<int:venue_id>/display.json", "display_data",
                       display_views.display_data)

# -- serving and the visit log, on a phone or tablet (desk/consults/desk_views.py) ----------
from desk.consults import desk_views  # noqa: E402
from desk.extensions import limiter  # noqa: E402

_DESK_ROUTES = [
    ("/<int:session_id>/desk", "desk", desk_views.desk, ["GET"]),
    ("/<int:session_id>/desk/next", "take_next", desk_views.take_next, ["POST"]),
    ("/<int:session_id>/tickets/<int:ticket_id>/log", "log", desk_views.log, ["GET", "POST"]),
    ("/<int:session_id>/tickets/<int:ticket_id>/book", "book_class",
     limiter.limit(desk_views.LOOKUP_RATE_LIMIT, methods=["POST"])(desk_views.book_class),
     ["GET", "POST"]),
]
for _rule, _endpoint, _view, _methods in _DESK_ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)

# -- coordinators: a session's figures, topics per month, the topic list --------------------
# (desk/consults/staff_views.py)
from desk.consults import staff_views  # noqa: E402

_STAFF_ROUTES = [
    ("/<int:session_id>", "session", staff_views.session, ["GET"]),
    ("/topics", "topics_report", staff_views.topics_report, ["GET"]),
    ("/topics.csv", "topics_csv", staff_views.topics_csv, ["GET"]),
    ("/topic-list", "topic_list", staff_views.topic_list, ["GET"]),
    ("/topic-list/new", "topic_create", staff_views.topic_create, ["POST"]),
    ("/topic-list/<int:topic_id>", "topic_update", staff_views.topic_update, ["POST"]),
]
for _rule, _endpoint, _view, _methods in _STAFF_ROUTES:
    staff_bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)
staff_bp.context_processor(staff_views.template_helpers)
