from flask import Blueprint

from desk.admin import audit_views, views
from desk.auth.access import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_admin)

# /admin (the README's address): the accounts, the first page of the admin menu
bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/users", "users", views.users)
bp.add_url_rule("/users/new", "user_new", views.user_new, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>", "user_edit", views.user_edit, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>/unlock", "user_unlock", views.user_unlock,
                methods=["POST"])
bp.add_url_rule("/tokens", "tokens", views.tokens)
bp.add_url_rule("/tokens/<int:token_id>/revoke", "token_revoke", views.token_revoke,
                methods=["POST"])
bp.add_url_rule("/audit", "audit", audit_views.audit)
bp.add_url_rule("/audit.csv", "audit_csv", audit_views.audit_csv)
bp.add_url_rule("/access-log", "access_log", views.access_log)
