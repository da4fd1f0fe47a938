"""The errors that business rules raise.

A `DeskError` carries a message already translated into the user's language and,
where the error is about particular input fields, a `fields` mapping of field name to
message. Views show the message (or put the field messages on the form), the API turns
it into `{"error": {"code", "message", "fields"}}`.
"""


class ConfigError(RuntimeError):
    """The environment holds a setting desk cannot use (raised at start-up)."""


class DeskError(Exception):
    code = "error"
    status = 400

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
