"""The API's error shape: {"error": {"code", "message", "fields"}} — never HTML.

`code` is a machine word, `message` is translated into the request's language, and
`fields` maps the names of bad input fields (as the JSON spells them) to a message each.
HTTP errors under /api/ get the same shape from desk.core.blueprint
(desk.core.web.error_response); business rule
errors (DeskError) from the services reach `handle_desk_error`.
"""

from desk.core.errors import DeskError
from desk.core.web import error_response


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


def handle_desk_error(error):
    """A DeskError raised by a handler or a service: nothing of the request is kept (it
    was rolled back before the error came here, desk.core.transaction) but the token's
    last use."""
    headers = {}
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = error.challenge
    return error_response(error.status, error.code, error.message, error.fields, headers)
