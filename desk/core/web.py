"""Small helpers shared by the HTML views."""

from urllib.parse import urlsplit

from flask import flash, request


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


def current_path():
    return request.full_path.rstrip("?") if request.query_string else request.path


FAILED = object()


def attempt(form, action, aliases=None):
    """Run a service call for a form: commit and return its result, or roll back,
    show the DeskError on the form and return FAILED."""
    from desk.core.errors import DeskError
    from desk.extensions import db

    try:
        result = action()
    except DeskError as error:
        db.session.rollback()
        if aliases:
            error.fields = {aliases.get(name, name): message
                            for name, message in error.fields.items()}
        apply_error(form, error)
        return FAILED
    db.session.commit()
    return result
