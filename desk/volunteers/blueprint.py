"""The volunteers' URL table: the volunteer's own pages under /volunteer (volunteer
accounts), the public ones (joining, the calendar feed) and the coordinators' pages
under /staff/volunteers."""

from flask import Blueprint

from desk.auth.access import require_roles, require_staff
from desk.auth.models import Role

# the volunteer's own pages (mobile first)
bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")
bp.before_request(require_roles(Role.VOLUNTEER))

# no login: accepting an invitation, the calendar feed (reached by its secret)
public_bp = Blueprint("volunteer_public", __name__, url_prefix="/volunteer")

# coordinators and admins
staff_bp = Blueprint("volunteer_staff", __name__, url_prefix="/staff/volunteers")
staff_bp.before_request(require_staff)
