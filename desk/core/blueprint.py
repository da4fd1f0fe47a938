"""App-wide pages: the locale switch, the health check, and the error pages."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from desk.core.db import read_only
from desk.core.errors import Busy
from desk.core.i18n import LOCALE_COOKIE, LOCALES
from desk.core.web import error_response, safe_next_url
from desk.extensions import db, login_manager

bp = Blueprint("core", __name__)

ONE_YEAR = 365 * 24 * 60 * 60


@bp.route("/locale/<code>")
def set_locale(code):
    target = safe_next_url(request.args.get("next"), url_for("public.schedule"))
    response = redirect(target)
    if code in LOCALES:
        response.set_cookie(LOCALE_COOKIE, code, max_age=ONE_YEAR, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/accessibility")
def accessibility():
    """アクセシビリティ方針: the target level and how it is tested."""
    return render_template("public/accessibility.html")


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


def _wants_json():
    return request.path.startswith("/api/")


def _error_page(status, title, message):
    if _wants_json():
        return error_response(status, _error_code(status), message)
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def _error_code(status):
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}.get(
        status, "server_error")


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return _error_page(400, _("The form has expired"),
                       _("The form was open too long or was sent from another page. "
                         "Please go back, reload the page and try again."))


@bp.app_errorhandler(HTTPException)
def http_error(error):
    titles = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your account cannot open this page.")),
        404: (_("Page not found"), _("There is no page at this address.")),
        405: (_("Not allowed"), _("This address does not take that kind of request.")),
        413: (_("Too large"), _("What was sent is too large.")),
        429: (_("Too many attempts"), _("Too many attempts in a short time. "
                                        "Please wait a minute and try again.")),
    }
    title, message = titles.get(error.code, (_("Error"), _("Something went wrong.")))
    response = _error_page(error.code, title, message)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response = current_app.make_response(response)
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.app_errorhandler(Busy)
def busy(error):
    """A lock wait ran out where no form or channel showed it: the request was rolled
    back (desk.core.transaction); the page is read without waiting for the write lock."""
    if _wants_json():
        return error_response(error.status, error.code, error.message)
    with read_only():
        return render_template("errors/error.html", status=error.status, title=_("Busy"),
                               message=error.message), error.status


@bp.app_errorhandler(500)
def server_error(error):
    """The request was rolled back before its error came here (desk.core.transaction).

    The page asks nothing of the database, which may be what failed: it is drawn as for
    a visitor who is not logged in (loading the account, or reading its role again
    after the rollback, would query the database and leave the web server's plain-text
    error instead of this page)."""
    login_manager._update_request_context_with_user()
    return _error_page(500, _("Something went wrong"),
                       _("An unexpected error happened. Nothing was saved. Please try again; "
                         "if it happens again, call the desk."))
