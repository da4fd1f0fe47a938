"""Reading requests: the JSON body, the JSON types of its fields, query parameters and
the opaque list cursors.

Only the shape of the input is checked here (is it JSON, is an id an integer, is a
text a string); what the values mean is the services' business.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from desk.api.errors import BadRequest, UnsupportedMediaType
from desk.core.errors import ValidationError
from desk.core.validation import DATE_MAX, DATE_MIN

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
CURSOR_MAX = 200
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# -- the body -----------------------------------------------------------------------------

def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def json_body():
    """The request's body: a JSON object, or BadRequest / UnsupportedMediaType."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(_("Send the body as JSON, with the header %(header)s.",
                                     header="Content-Type: application/json"))
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object ({...}) of fields."))
    return data


@dataclass(frozen=True)
class Field:
    """A body field's JSON types ("string", "integer", "boolean", "array", "null") and
    the message when the value has another type."""

    types: tuple
    message: object  # a lazy string

    def accepts(self, value):
        if value is None:
            return "null" in self.types
        if isinstance(value, bool):
            return "boolean" in self.types  # true is not 1
        if isinstance(value, str):
            return "string" in self.types
        if isinstance(value, int):
            return "integer" in self.types
        if isinstance(value, list):
            return "array" in self.types and all(isinstance(item, str) for item in value)
        return False


TEXT = Field(("string", "null"), _l("Enter text."))
CHOICE = Field(("string", "null"), _l("Choose one of the options."))
STATUS = Field(("string",), _l("Choose one of the options."))
ID = Field(("integer", "null"), _l("Enter the id, a whole number."))
NUMBER = Field(("integer", "null"), _l("Enter a whole number."))
DATETIME = Field(("string", "null"),
                 _l("Enter a date and time with its offset, e.g. 2026-12-03T10:00:00+09:00."))
DATE = Field(("string", "null"), _l("Enter a date as YYYY-MM-DD."))
TIME = Field(("string", "null"), _l("Enter a time as HH:MM."))
DATES = Field(("array", "null"), _l("Enter a list of dates."))
BOOLEAN = Field(("boolean", "null"), _l("Choose yes or no."))


def _storable(value):
    """Strings the database can keep: no NUL, no lone surrogates (JSON allows both)."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str):
            if "\x00" in text:
                return False
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def check_fields(data, fields):
    """Refuse unknown fields and values of the wrong JSON type (422, per field)."""
    errors = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None:
            errors[name] = _("Unknown field.")
        elif not field.accepts(value):
            errors[name] = str(field.message)
        elif not _storable(value):
            errors[name] = _("Remove the control characters from this text.")
    if errors:
        message = next(iter(errors.values())) if len(errors) == 1 else ngettext(
            "Please correct the field marked below.",
            "Please correct the %(num)d fields marked below.", len(errors))
        raise ValidationError(message, fields=errors)
    return data


# -- query parameters ---------------------------------------------------------------------

def _bad_query(name, message):
    raise BadRequest(message, fields={name: message}, code="invalid_query")


def check_query_names(allowed):
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        _bad_query(unknown[0], _("Unknown query parameter %(name)s. Known: %(known)s.",
                                 name=unknown[0][:40], known=", ".join(allowed)))


def query_value(name):
    """The parameter's value, None when absent or empty."""
    value = request.args.get(name, "").strip()
    return value or None


def query_date(name):
    value = query_value(name)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if DATE_PATTERN.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        _bad_query(name, _("%(name)s must be a date as YYYY-MM-DD, e.g. 2026-12-03.",
                           name=name))
    if not DATE_MIN <= day <= DATE_MAX:
        _bad_query(name, _("Enter a date between %(first)s and %(last)s.",
                           first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat()))
    return day


def query_id(name):
    value = query_value(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**31:
        _bad_query(name, _("%(name)s must be an id, a whole number.", name=name))
    return int(value)


def query_choices(name, allowed):
    """Values given as name=a&name=b or name=a,b; each must be one of `allowed`."""
    values = []
    for raw in request.args.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    for value in values:
        if value not in allowed:
            _bad_query(name, _("Unknown %(name)s: %(value)s. Choose from: %(allowed)s.",
                               name=name, value=value[:40], allowed=", ".join(allowed)))
    return list(dict.fromkeys(values))


def query_limit():
    value = query_value("limit")
    if value is None:
        return DEFAULT_LIMIT
    if not (value.isascii() and value.isdigit() and len(value) <= 4
            and 1 <= int(value) <= MAX_LIMIT):
        _bad_query("limit", _("%(name)s must be a whole number from 1 to %(maximum)d.",
                              name="limit", maximum=MAX_LIMIT))
    return int(value)


# -- cursors ------------------------------------------------------------------------------

def encode_cursor(*key):
    """An opaque cursor for the keyset (the sort key of the last item sent)."""
    values = [value.isoformat() if isinstance(value, datetime) else value for value in key]
    raw = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def query_cursor(*types):
    """The keyset a `cursor` parameter holds, checked against `types` (str, int,
    datetime), or None when there is none."""
    value = query_value("cursor")
    if value is None:
        return None
    key = None
    if len(value) <= CURSOR_MAX:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            key = _cursor_key(json.loads(raw), types)
        except (ValueError, binascii.Error, RecursionError):
            key = None
    if key is None:
        _bad_query("cursor", _("This cursor is not valid. Use the %(name)s value of the "
                               "previous page as it is, or start again without a cursor.",
                               name="next"))
    return key


def _cursor_key(values, types):
    if not isinstance(values, list) or len(values) != len(types):
        return None
    key = []
    for value, kind in zip(values, types, strict=True):
        if kind is datetime:
            if not isinstance(value, str):
                return None
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                return None
        elif not isinstance(value, kind) or isinstance(value, bool):
            return None
        if kind is int and not 0 < value < 2**31:
            return None
        key.append(value)
    return tuple(key)
