"""The errors that business rules raise.

A `DeskError` carries a message already translated into the user's language and,
where the error is about particular input fields, a `fields` mapping of field name to
message. Views show the message (or put the field messages on the form), the API turns
it into `{"error": {"code", "message", "fields"}}`.

A refused request changes nothing (desk.core.transaction), except where the refusal is
itself a change to keep: an error class with `keeps_changes = True` (a wrong password,
counted) keeps what the refused service call changed.
"""

from flask_babel import gettext as _


class ConfigError(RuntimeError):
    """The environment holds a setting desk cannot use (raised at start-up)."""


class DeskError(Exception):
    code = "error"
    status = 400
    keeps_changes = False

    def __init__(self, message, *, fields=None, code=None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = {name: str(text) for name, text in (fields or {}).items()}
        if code:
            self.code = code


class ValidationError(DeskError):
    code = "invalid"
    status = 422


class NotFoundError(DeskError):
    code = "not_found"
    status = 404


class PermissionDenied(DeskError):
    code = "forbidden"
    status = 403


class ConflictError(DeskError):
    code = "conflict"
    status = 409


class Busy(DeskError):
    """A row lock was not granted within DESK_LOCK_TIMEOUT_SECONDS (someone else is
    changing the same session, shift or booking and taking long), or PostgreSQL broke a
    deadlock. The database has refused the statement, so what the refused call did is
    rolled back (its SAVEPOINT, or the request's whole transaction): nothing of it is
    kept, and trying again is safe."""

    code = "busy"
    status = 409

    def __init__(self):
        super().__init__(_("Busy, please try again. Nothing was changed."))
