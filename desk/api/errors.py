"""The API's error shape: {"error": {"code", "message", "fields"}} — never HTML.

`code` is a machine word, `message` is translated into the request's language, and
`fields` maps the names of bad input fields (as the JSON spells them) to a message each.
HTTP errors under /api/ reach `error_response` from desk.core.blueprint; business rule
errors (DeskError) from the services reach `handle_desk_error`.
"""

import json

from flask import current_app

from desk.core.errors import DeskError
from desk.extensions import db


class BadRequest(DeskError):
    """The request itself cannot be read: malformed JSON, a body that is not an object,
    a query parameter with an unknown value."""

    code = "bad_request"
    status = 400


class UnsupportedMediaType(DeskError):
    code = "unsupported_media_type"
    status = 415


class Unauthorized(DeskError):
    """No bearer token, or one desk does not know (or that was revoked)."""

    code = "unauthorized"
    status = 401

    def __init__(self, message, *, code=None, challenge='Bearer realm="desk"'):
        super().__init__(message, code=code)
        self.challenge = challenge


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


def handle_desk_error(error):
    """A DeskError raised by a handler or a service: nothing of the request is kept."""
    db.session.rollback()
    headers = {}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = error.challenge
    return error_response(error.status, error.code, error.message, error.fields, headers)
