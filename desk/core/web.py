"""Small helpers shared by the views of every package: reading ids and dates from URLs
and query strings, loading a row or answering 404, running a service call whose refusal
a form shows, and the JSON API's response and error shape (DESIGN.md: {"error":
{"code", "message", "fields"}}), which the app-wide error pages use for URLs under
/api/ too."""

import json
from urllib.parse import urlsplit

from flask import abort, current_app, flash

from desk.core.errors import DeskError
from desk.core.timeutil import parse_iso_date
from desk.core.transaction import refusable
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.extensions import db


def apply_error(form, error):
    """Show a DeskError on a form: field messages on their fields, the rest flashed."""
    unplaced = []
    for name, message in error.fields.items():
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            unplaced.append(message)
    if not error.fields or unplaced:
        flash(error.message, "error")


def public_url_for(endpoint, **values):
    """The absolute URL of an endpoint at DESK_PUBLIC_URL (what residents, volunteers
    and Twilio reach), whatever host the current request came in on."""
    parts = urlsplit(current_app.config["DESK_PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def safe_next_url(raw, default):
    """Only same-site paths are followed after login or a locale switch."""
    if not raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not raw.startswith("/") or raw.startswith("//"):
        return default
    if "\\" in raw:
        return default
    return raw


FAILED = object()


def attempt(form, action, aliases=None):
    """Run a service call for a form: its result, or FAILED with the DeskError shown on
    the form (field messages renamed by `aliases`) and what the call changed undone.
    The request commits at its end (desk.core.transaction)."""
    try:
        with refusable():
            return action()
    except DeskError as error:
        if aliases:
            error.fields = {aliases.get(name, name): message
                            for name, message in error.fields.items()}
        apply_error(form, error)
        return FAILED


MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def parse_id(raw):
    """A row id from a query string or URL, or None when it cannot be one."""
    if isinstance(raw, str):
        raw = raw.strip()
        if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is True
            return None
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if 0 < raw <= MAX_ID else None


def parse_page(raw):
    """A page number from the query string, or 1 when it cannot be one (a page past the
    last one is desk.core.paging's to clamp)."""
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def get_or_404(model, identifier):
    instance = db.session.get(model, identifier) if parse_id(identifier) else None
    if instance is None:
        abort(404)
    return instance


def parse_day(raw):
    """A date from the query string within the years a schedule can hold, or None
    (0001-01-01 would overflow when the week or month around it is computed)."""
    day = parse_iso_date(raw or "")
    return day if day is not None and DATE_MIN <= day <= DATE_MAX else None


def json_response(data, status=200, headers=None):
    """JSON with Japanese left readable (not \\u-escaped), in the key order given."""
    body = json.dumps(data, ensure_ascii=False, indent=None) + "\n"
    return current_app.response_class(body, status=status, headers=headers,
                                      mimetype="application/json")


def error_response(status, code, message, fields=None, headers=None):
    return json_response(
        {"error": {"code": code, "message": str(message),
                   "fields": {name: str(text) for name, text in (fields or {}).items()}}},
        status=status, headers=headers)
