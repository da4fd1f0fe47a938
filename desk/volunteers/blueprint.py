"""The volunteers' URL table: the volunteer's own pages under /volunteer (volunteer
accounts), the public ones (joining, the calendar feed, forgotten passwords under
/password) and the coordinators' pages under /staff/volunteers."""

from flask import Blueprint

from desk.auth.access import require_roles, require_staff
from desk.auth.models import Role

# the volunteer's own pages (mobile first)
bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")
bp.before_request(require_roles(Role.VOLUNTEER))

# no login: accepting an invitation, the calendar feed (reached by its secret)
public_bp = Blueprint("volunteer_public", __name__, url_prefix="/volunteer")

# no login: forgotten passwords (volunteer accounts get a link by e-mail or a code by SMS)
password_bp = Blueprint("password", __name__, url_prefix="/password")

# coordinators and admins
staff_bp = Blueprint("volunteer_staff", __name__, url_prefix="/staff/volunteers")
staff_bp.before_request(require_staff)

# -- the volunteer's own pages (desk/volunteers/me_views.py) -------------------------------
from desk.volunteers import me_views  # noqa: E402

_ME_ROUTES = [
    ("", "home", me_views.home, ["GET"]),
    ("/shifts/<int:shift_id>", "shift", me_views.shift, ["GET"]),
    ("/shifts/<int:shift_id>/sign-up", "sign_up", me_views.sign_up, ["POST"]),
    ("/shifts/<int:shift_id>/withdraw", "withdraw", me_views.withdraw, ["POST"]),
    ("/shifts/<int:shift_id>/check-in", "check_in", me_views.check_in, ["POST"]),
    ("/shifts/<int:shift_id>/check-out", "check_out", me_views.check_out, ["POST"]),
    ("/profile", "profile", me_views.profile, ["GET", "POST"]),
    ("/profile/feed", "renew_feed", me_views.renew_feed, ["POST"]),
]
for _rule, _endpoint, _view, _methods in _ME_ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)

# -- the coordinators' pages (desk/volunteers/staff_views.py) -------------------------------
from desk.volunteers import staff_views  # noqa: E402

_STAFF_ROUTES = [
    ("", "list", staff_views.volunteer_list, ["GET"]),
    ("/new", "new", staff_views.new, ["GET", "POST"]),
    ("/<int:volunteer_id>", "detail", staff_views.detail, ["GET"]),
    ("/<int:volunteer_id>/edit", "edit", staff_views.edit, ["GET", "POST"]),
    ("/sessions/<int:session_id>/shifts", "shifts", staff_views.shifts, ["GET"]),
    ("/sessions/<int:session_id>/shifts/new", "shift_new", staff_views.shift_new, ["POST"]),
    ("/shifts/<int:shift_id>/edit", "shift_edit", staff_views.shift_edit, ["GET", "POST"]),
    ("/shifts/<int:shift_id>/cancel", "shift_cancel", staff_views.shift_cancel, ["POST"]),
    ("/shifts/<int:shift_id>/assign", "assign", staff_views.assign, ["POST"]),
    ("/shifts/<int:shift_id>/cover", "cover", staff_views.cover, ["POST"]),
    ("/assignments/<int:assignment_id>/remove", "remove", staff_views.remove, ["POST"]),
    ("/assignments/<int:assignment_id>/check-in", "check_in", staff_views.check_in, ["POST"]),
    ("/assignments/<int:assignment_id>/check-out", "check_out", staff_views.check_out,
     ["POST"]),
    ("/assignments/<int:assignment_id>/no-show", "no_show", staff_views.no_show, ["POST"]),
    ("/assignments/<int:assignment_id>/times", "times", staff_views.times, ["POST"]),
    ("/hours", "hours", staff_views.hours, ["GET"]),
    ("/hours.csv", "hours_csv", staff_views.hours_csv, ["GET"]),
]
for _rule, _endpoint, _view, _methods in _STAFF_ROUTES:
    staff_bp.add_url_rule(_rule, _endpoint, _view, methods=_methods)
staff_bp.context_processor(staff_views.template_helpers)

# -- the personal calendar feed (desk/volunteers/feed_views.py): no login, its secret token --
from desk.extensions import limiter  # noqa: E402
from desk.volunteers import feed, feed_views  # noqa: E402

public_bp.add_url_rule("/feed/<feed_token>.ics", "feed",
                       limiter.limit(feed_views.FEED_RATE_LIMIT)(feed_views.feed))
public_bp.add_app_template_global(feed.webcal_url, "webcal_url")
public_bp.add_app_template_global(feed.feed_url, "feed_url")

# -- accounts: invitations and joining (desk/volunteers/account_views.py) -------------------
from desk.extensions import limiter  # noqa: E402
from desk.volunteers import account_views  # noqa: E402

public_bp.add_url_rule(
    "/join", "join_code",
    limiter.limit(account_views.CODE_RATE_LIMIT, methods=["POST"])(account_views.join_code),
    methods=["GET", "POST"])
public_bp.add_url_rule("/join/<link_token>", "join_link", account_views.join_link,
                       methods=["GET", "POST"])
staff_bp.add_url_rule("/<int:volunteer_id>/invite", "invite", account_views.invite,
                      methods=["POST"])
staff_bp.add_app_template_global(account_views.account_state, "volunteer_account_state")

password_bp.add_url_rule(
    "/forgot", "forgot",
    limiter.limit(account_views.CODE_RATE_LIMIT, methods=["POST"])(account_views.forgot),
    methods=["GET", "POST"])
password_bp.add_url_rule(
    "/reset", "reset_code",
    limiter.limit(account_views.CODE_RATE_LIMIT, methods=["POST"])(account_views.reset_code),
    methods=["GET", "POST"])
password_bp.add_url_rule("/reset/<link_token>", "reset_link", account_views.reset_link,
                         methods=["GET", "POST"])
