from flask import Blueprint
from flask_login import login_required

from desk.auth import views
from desk.extensions import limiter

bp = Blueprint("auth", __name__)

bp.add_url_rule("/login", "login", limiter.limit("10 per minute", methods=["POST"])(views.login),
                methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account", "account", login_required(views.account), methods=["GET", "POST"])
