"""Bearer tokens for the API's writing routes.

Installed as the blueprint's before_request, so every writing route (any method but
GET, HEAD and OPTIONS) inherits the check instead of remembering it; the exceptions are
the public booking routes in PUBLIC_WRITES (residents book and cancel without an
account; they are rate-limited instead). A reading route that shows personal data (the
roster, the KPIs) is marked `staff_token_required`. Only the
`Authorization: Bearer desk_...` header counts: a logged-in browser session never
authorises a write (the blueprint is exempt from CSRF, so a cookie would be forgeable).
"""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from desk.api.errors import Unauthorized
from desk.auth.models import STAFF_ROLES
from desk.auth.services import user_for_token
from desk.core.db import writes
from desk.core.errors import PermissionDenied
from desk.core.timeutil import utcnow
from desk.core.transaction import keep_changes

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_WRITES = frozenset({"api.booking_create", "api.booking_cancel", "api.booking_move"})
CHALLENGE = 'Bearer realm="desk"'
INVALID_CHALLENGE = 'Bearer realm="desk", error="invalid_token"'


def require_token():
    """before_request: a writing request needs a coordinator's or an admin's token."""
    if request.endpoint is None or request.method in READ_METHODS:
        return None  # unknown routes and methods get their 404 / 405; reads are public
    if request.endpoint in PUBLIC_WRITES:
        return None
    g.api_user = _token_user()
    return None


def staff_token_required(view):
    """For a reading route that shows personal data: the request needs a coordinator's
    or an admin's token (401 / 403 otherwise; `api_user()` is its account). Using a
    token notes its last use, a write: the route takes SQLite's write lock from the
    start, as a writing request does (`writes`), where a read that turned into a write
    would fail with "database is locked" beside another writer (the dispatcher)."""

    @wraps(view)
    def checked(*args, **kwargs):
        g.api_user = _token_user()
        return view(*args, **kwargs)

    return writes(checked)


def api_user():
    """The account whose token authorised this request."""
    return g.api_user


def optional_token_user():
    """On a public writing route that staff use too (moving a booking): the account of
    the bearer token when one is sent (checked as on every staff route: an invalid
    token is refused, not ignored), else None for a resident."""
    if not request.headers.get("Authorization", "").strip():
        return None
    g.api_user = _token_user()
    return g.api_user


def _token_user():
    header = request.headers.get("Authorization", "").strip()
    if not header:
        raise Unauthorized(_("This request needs an API token: send the header %(header)s.",
                             header="Authorization: Bearer <token>"), challenge=CHALLENGE)
    scheme, _sep, credentials = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and credentials.strip():
        user = user_for_token(credentials.strip(), now=utcnow())
    if user is None:
        raise Unauthorized(_("This API token is not valid: it is unknown, revoked, or its "
                             "account is disabled."),
                           code="invalid_token", challenge=INVALID_CHALLENGE)
    keep_changes()  # the token's last use stays, whatever happens next
    if not user.has_role(*STAFF_ROLES):
        raise PermissionDenied(_("This token's account may not change the schedule: only "
                                 "coordinators and admins may."))
    return user
