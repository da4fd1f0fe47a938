"""The resident registry's URL table: staff pages only (coordinators and admins).

Residents' phone numbers and proxies are listed and searchable by these roles only, so
the role check is installed for the whole blueprint.
"""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.people import erasure_views, views

bp = Blueprint("people", __name__, url_prefix="/staff/people")
bp.before_request(require_staff)
bp.context_processor(views.template_helpers)

_ROUTES = [
    ("", "search", views.search, ["GET", "POST"]),
    ("/new", "new", views.new, ["GET", "POST"]),
    ("/duplicates", "duplicates", views.duplicates, ["GET"]),
    ("/duplicates/different", "different", views.different, ["POST"]),
    ("/duplicates/different/undo", "different_undo", views.different_undo, ["POST"]),
    ("/<int:person_id>", "detail", views.detail, ["GET"]),
    ("/<int:person_id>/edit", "edit", views.edit, ["GET", "POST"]),
    ("/<int:person_id>/reviewed", "reviewed", views.reviewed, ["POST"]),
    ("/<int:person_id>/disclosure", "disclosure", views.disclosure, ["GET"]),
    ("/<int:person_id>/disclosure.json", "disclosure_json", views.disclosure_json, ["GET"]),
    ("/<int:person_id>/disclosure.zip", "disclosure_csv", views.disclosure_csv, ["GET"]),
    ("/<int:person_id>/merge", "merge", views.merge, ["GET", "POST"]),
    ("/<int:person_id>/proxies/new", "proxy_new", views.proxy_new, ["GET", "POST"]),
    ("/<int:person_id>/proxies/<int:proxy_id>", "proxy_edit", views.proxy_edit,
     ["GET", "POST"]),
    ("/<int:person_id>/proxies/<int:proxy_id>/remove", "proxy_remove", views.proxy_remove,
     ["POST"]),
    ("/<int:person_id>/erase", "erase", erasure_views.erase, ["GET", "POST"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
