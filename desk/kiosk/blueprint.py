"""The kiosk's URL table: the device's pages under /kiosk, the staff's under
/staff/kiosks (coordinators and admins)."""

from flask import Blueprint
from flask_wtf.csrf import CSRFError

from desk.auth.access import require_staff
from desk.extensions import limiter
from desk.kiosk import views
from desk.kiosk.furigana import furigana, ruby_reading

# setup codes are 8 digits and expire: a few tries a minute make guessing hopeless
SETUP_RATE_LIMIT = "10 per minute"

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
bp.add_url_rule("/setup", "setup",
                limiter.limit(SETUP_RATE_LIMIT, methods=["POST"])(views.setup),
                methods=["GET", "POST"])
bp.add_url_rule("/<int:venue_id>", "start", views.start)
bp.add_url_rule("/<int:venue_id>/check", "check", views.check, methods=["POST"])
bp.add_url_rule("/<int:venue_id>/book", "book", views.book, methods=["POST"])
bp.add_url_rule("/<int:venue_id>/done/<token>", "done", views.done)
bp.add_url_rule("/<int:venue_id>/done/<token>/news", "done_news", views.done_news,
                methods=["POST"])
bp.add_url_rule("/<int:venue_id>/already", "already", views.already)
bp.after_request(views.no_store)
bp.register_error_handler(CSRFError, views.form_expired)
bp.add_app_template_filter(furigana, "furigana")
bp.add_app_template_global(ruby_reading, "ruby_reading")

staff_bp = Blueprint("kiosk_staff", __name__, url_prefix="/staff/kiosks")
staff_bp.before_request(require_staff)
staff_bp.add_url_rule("", "kiosks", views.kiosks)
staff_bp.add_url_rule("/new", "create", views.kiosk_create, methods=["POST"])
staff_bp.add_url_rule("/<int:device_id>/code", "setup_code", views.kiosk_code,
                      methods=["POST"])
staff_bp.add_url_rule("/<int:device_id>/revoke", "revoke", views.kiosk_revoke,
                      methods=["POST"])
