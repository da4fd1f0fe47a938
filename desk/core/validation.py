"""Input checking for services.

Services receive plain values from forms, the JSON API or the CLI. A `Checker` turns
them into clean Python values and collects one translated message per bad field;
`done()` raises a single ValidationError carrying all of them, so nothing is changed
when any field is wrong.
"""

from datetime import date, datetime, time

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext

from desk.core.errors import ValidationError
from desk.core.kana import is_kana, normalise_kana
from desk.core.phone import clean_digits, parse_phone
from desk.core.timeutil import parse_iso_date, parse_iso_datetime, to_local

MISSING = object()
# Dates a schedule can hold; outside them a date is a typo (and year 1 or 9999 would
# overflow when turned into UTC).
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)


def _local_day(value):
    try:
        return to_local(value).date()
    except OverflowError:  # 9999-12-31T23:00Z is in year 10000 in JST
        return date.max


class Checker:
    def __init__(self, data):
        self.data = data
        self.errors = {}

    def fail(self, name, message):
        self.errors.setdefault(name, str(message))

    def has(self, name):
        return name in self.data

    def raw(self, name):
        return self.data.get(name)

    def text(self, name, max_length, *, required=False, multiline=False):
        value = self.data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _("Enter text."))
            return None
        value = value.strip()
        if multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")  # browsers send CRLF
        else:
            value = " ".join(value.split())
        if not value:
            if required:
                self.fail(name, _("This field is required."))
            return None
        if len(value) > max_length:
            self.fail(name, _("At most %(count)d characters (now %(length)d).",
                              count=max_length, length=len(value)))
            return None
        if any(ord(char) < 32 and char not in "\n\t" for char in value):
            self.fail(name, _("Remove the control characters from this text."))
            return None
        return value

    def integer(self, name, minimum, maximum, *, required=False):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("This field is required."))
            return None
        if isinstance(value, bool):
            self.fail(name, _("Enter a whole number."))
            return None
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                self.fail(name, _("Enter a whole number."))
                return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.fail(name, _("Enter a whole number."))
            return None
        if not minimum <= value <= maximum:
            self.fail(name, _("Enter a number from %(minimum)d to %(maximum)d.",
                              minimum=minimum, maximum=maximum))
            return None
        return value

    def number(self, name, minimum, maximum):
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.fail(name, _("Enter a number."))
            return None
        try:
            value = float(value)
        except (TypeError, ValueError):
            self.fail(name, _("Enter a number."))
            return None
        if value != value or not minimum <= value <= maximum:
            self.fail(name, _("Enter a number from %(minimum)s to %(maximum)s.",
                              minimum=minimum, maximum=maximum))
            return None
        return value

    def boolean(self, name, default=False):
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return default
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "y"}:
            return True
        if isinstance(value, str) and value.lower() in {"0", "false", "no", "off", "n"}:
            return False
        self.fail(name, _("Choose yes or no."))
        return None

    def choice(self, name, enum_cls, *, required=True, default=None):
        value = self.data.get(name)
        if value is None or value == "":
            if required and default is None:
                self.fail(name, _("Choose one of the options."))
            return default
        try:
            return enum_cls(value)
        except (ValueError, TypeError):
            self.fail(name, _("Choose one of the options."))
            return None

    def date(self, name, *, required=True):
        value = self.data.get(name)
        if isinstance(value, datetime):
            self.fail(name, _("Enter a date as YYYY-MM-DD."))
            return None
        if isinstance(value, date):
            return self._in_range(name, value, value)
        if value is None or value == "":
            if required:
                self.fail(name, _("This field is required."))
            return None
        parsed = parse_iso_date(value) if isinstance(value, str) and len(value) == 10 else None
        if parsed is None:
            self.fail(name, _("Enter a date as YYYY-MM-DD."))
            return None
        return self._in_range(name, parsed, parsed)

    def _in_range(self, name, value, day):
        if not DATE_MIN <= day <= DATE_MAX:
            self.fail(name, _("Enter a date between %(first)s and %(last)s.",
                              first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat()))
            return None
        return value

    def time(self, name, *, required=True):
        value = self.data.get(name)
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        if value is None or value == "":
            if required:
                self.fail(name, _("This field is required."))
            return None
        try:
            parsed = time.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is not None or len(value) not in (5, 8):
            self.fail(name, _("Enter a time as HH:MM."))
            return None
        return parsed.replace(second=0, microsecond=0)

    def datetime(self, name, *, required=True):
        value = self.data.get(name)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.fail(name, _("Enter a date and time with its offset, e.g. "
                                  "2026-12-03T10:00:00+09:00."))
                return None
            return self._in_range(name, value, _local_day(value))
        if value is None or value == "":
            if required:
                self.fail(name, _("This field is required."))
            return None
        parsed = parse_iso_datetime(value)
        if parsed is None:
            self.fail(name, _("Enter a date and time with its offset, e.g. "
                              "2026-12-03T10:00:00+09:00."))
            return None
        return self._in_range(name, parsed, _local_day(parsed))

    def date_list(self, name, max_items):
        value = self.data.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [part for part in value.replace(",", "\n").split() if part]
        if not isinstance(value, list | tuple):
            self.fail(name, _("Enter a list of dates."))
            return None
        if len(value) > max_items:
            self.fail(name, _("At most %(count)d dates.", count=max_items))
            return None
        dates = []
        for item in value:
            if isinstance(item, date) and not isinstance(item, datetime):
                dates.append(item)
                continue
            parsed = parse_iso_date(item) if isinstance(item, str) and len(item) == 10 else None
            if parsed is None:
                self.fail(name, _("Not a date: %(value)s. Enter dates as YYYY-MM-DD.",
                                  value=str(item)[:20]))
                return None
            dates.append(parsed)
        return sorted(set(dates))

    def phone(self, name, *, required=False):
        """A `desk.core.phone.Phone`, or None. A number we cannot use gets a message
        that shows what was understood, so the person can see the typo."""
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, _("Enter a phone number."))
            return None
        if not isinstance(value, str):
            self.fail(name, _("Enter a phone number."))
            return None
        parsed = parse_phone(value)
        if parsed is None:
            self.fail(name, _("This is not a Japanese phone number we can use "
                              "(understood: %(digits)s).", digits=clean_digits(value)[:30]))
        return parsed

    def email(self, name, max_length, *, required=False):
        value = self.text(name, max_length, required=required)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.fail(name, _("Enter a valid e-mail address."))
            return None

    def kana(self, name, max_length, *, required=False):
        """A reading in full-width katakana, from hiragana or katakana of either width."""
        value = self.text(name, max_length, required=required)
        if value is None:
            return None
        kana = normalise_kana(value)
        if not is_kana(kana):
            self.fail(name, _("Write the reading in kana (hiragana or katakana)."))
            return None
        if len(kana) > max_length:
            self.fail(name, _("At most %(count)d characters (now %(length)d).",
                              count=max_length, length=len(kana)))
            return None
        return kana

    def reference(self, name, model, *, required, message):
        """The row of `model` whose id was given (an int or a string of ASCII digits),
        or None with `message` on the field."""
        from desk.extensions import db

        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, message)
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):  # "²".isdigit() is True
            self.fail(name, message)
            return None
        instance = db.session.get(model, value) if 0 < value < 2**31 else None
        if instance is None:
            self.fail(name, message)
        return instance

    def language(self, name, languages):
        """One of `languages` (locale codes); the first one when nothing was given."""
        value = self.data.get(name)
        if value in (None, ""):
            return languages[0]
        if value not in languages:
            self.fail(name, _("Choose one of the options."))
            return None
        return value

    def done(self):
        if self.errors:
            first = next(iter(self.errors.values()))
            message = first if len(self.errors) == 1 else ngettext(
                "Please correct the field marked below.",
                "Please correct the %(num)d fields marked below.", len(self.errors))
            raise ValidationError(message, fields=self.errors)
