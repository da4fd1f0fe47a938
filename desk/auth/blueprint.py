from flask import Blueprint
from flask_login import login_required

from desk.auth import views
from desk.extensions import limiter

bp = Blueprint("auth", __name__)

bp.add_url_rule("/login", "login", limiter.limit("10 per minute", methods=["POST"])(views.login),
                methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account", "account", login_required(views.account), methods=["GET", "POST"])

# forgotten passwords: volunteer accounts get a link by e-mail or a code by SMS
# (the views live beside the invitation's, desk/volunteers/account_views.py)
from desk.volunteers import account_views  # noqa: E402

bp.add_url_rule("/password/forgot", "forgot",
                limiter.limit(account_views.CODE_RATE_LIMIT, methods=["POST"])(
                    account_views.forgot),
                methods=["GET", "POST"])
bp.add_url_rule("/password/reset", "reset_code",
                limiter.limit(account_views.CODE_RATE_LIMIT, methods=["POST"])(
                    account_views.reset_code),
                methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<link_token>", "reset_link", account_views.reset_link,
                methods=["GET", "POST"])
