"""Who may see what: Flask-Login wiring and the role checks blueprints install.

Staff blueprints call `bp.before_request(require_roles(...))`, so every page of the
blueprint inherits the check instead of each view remembering it.
"""

import hmac

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.auth.models import Role, User
from desk.extensions import db, login_manager


def init_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id):
        user_id, _sep, token = (session_id or "").partition(":")
        if not user_id.isascii() or not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_enabled or not hmac.compare_digest(
                user.session_token.encode(), token.encode()):
            return None
        return user

    User.get_id = session_id


def session_id(user):
    """What the login session keeps of the account: its id and its current session
    token (random: nothing of the password). A new token (desk.auth.services.
    end_sessions: logout, a new password, a new role) ends every session opened
    before, in every browser."""
    return f"{user.id}:{user.session_token}"


def require_roles(*roles):
    allowed = tuple(Role(role) for role in roles)

    def check_roles():
        if request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*allowed):
            abort(403)
        return None

    return check_roles


require_staff = require_roles(Role.ADMIN, Role.COORDINATOR)
require_admin = require_roles(Role.ADMIN)
require_login = require_roles(*Role)
