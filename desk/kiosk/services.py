"""Kiosk devices (create, setup code, bind, revoke) and booking at a kiosk.

A kiosk is created by staff for a venue and gets a one-time setup code: 8 digits,
valid for SETUP_CODE_MINUTES, stored as an HMAC keyed with the app's secret key.
Typing the code on the device binds it: the device gets a random token for its
cookie and only the token's SHA-256 is stored. A new setup code for a bound kiosk
moves it to another device when that device binds (the old one stops working then);
revoking ends the kiosk for good. Nothing here commits.
"""

import hashlib
import hmac
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from desk.auth.models import hash_token
from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import ValidationError
from desk.core.phone import DASHES
from desk.core.validation import Checker
from desk.events.bookings import (
    BookingError,
    book_public,
    check_open,
)
from desk.events.models import BookingChannel, EventSession, Venue
from desk.extensions import db
from desk.kiosk.messages import plain_errors
from desk.kiosk.models import KioskDevice
from desk.people.models import ConsentMethod, Person
from desk.people.services import public_details

SETUP_CODE_LENGTH = 8
SETUP_CODE_MINUTES = 15
SETUP_CODE_ATTEMPTS = 10
# how often a kiosk's "last seen" time is written (not on every page)
LAST_SEEN_EVERY = timedelta(minutes=5)
KIOSK_FIELDS = ("venue_id", "name", "bound_dt", "revoked_dt")
CONSENT_CHOICES = ("yes", "no")


def hash_setup_code(code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def parse_setup_code(raw):
    """'1234-5678', '1234 5678' or full-width digits -> '12345678'; None otherwise."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)
    for dash in (*DASHES, " ", "\u3000"):
        text = text.replace(dash, "")
    if len(text) != SETUP_CODE_LENGTH or not (text.isascii() and text.isdigit()):
        return None
    return text


def format_setup_code(code):
    return f"{code[:4]}-{code[4:]}"


def _new_setup_code(device, now):
    """Give the device a fresh setup code (unique among pending codes); return it."""
    for _attempt in range(SETUP_CODE_ATTEMPTS):
        code = f"{secrets.randbelow(10 ** SETUP_CODE_LENGTH):0{SETUP_CODE_LENGTH}d}"
        digest = hash_setup_code(code)
        if db.session.scalar(select(KioskDevice.id)
                             .where(KioskDevice.setup_code_hash == digest)) is None:
            device.setup_code_hash = digest
            device.setup_expires_dt = now + timedelta(minutes=SETUP_CODE_MINUTES)
            return code
    raise RuntimeError(f"no free setup code after {SETUP_CODE_ATTEMPTS} attempts")


def create_kiosk(data, *, actor, now):
    """A new kiosk for a venue: returns (device, setup code). Only the code's hash is
    kept; show the code once."""
    checker = Checker(data)
    name = checker.text("name", KioskDevice.NAME_MAX, required=True)
    venue_id = checker.integer("venue_id", 1, 2**31 - 1, required=True)
    venue = db.session.get(Venue, venue_id) if venue_id else None
    if venue_id and venue is None:
        checker.fail("venue_id", _("Choose a venue from the list."))
    checker.done()
    device = KioskDevice(venue=venue, name=name, created_dt=now,
                         created_by_id=getattr(actor, "id", None))
    code = _new_setup_code(device, now)
    db.session.add(device)
    db.session.flush()
    audit.record("kiosk.create", device, actor=actor,
                 after={**audit.snapshot(device, KIOSK_FIELDS),
                        "setup_expires_dt": device.setup_expires_dt}, now=now)
    return device, code


def renew_setup_code(device, *, actor, now):
    """A new setup code for a kiosk (the first one expired, or the kiosk moves to
    another device). The device bound now keeps working until another one binds."""
    if device.is_revoked:
        raise ValidationError(_("This kiosk has been revoked. Create a new kiosk instead."))
    code = _new_setup_code(device, now)
    db.session.flush()
    audit.record("kiosk.setup_code", device, actor=actor,
                 after={"setup_expires_dt": device.setup_expires_dt}, now=now)
    return code


def bind_device(raw_code, *, now):
    """Bind the device that typed a valid setup code: returns (device, token), the
    token being the secret for the device's cookie. The code works once."""
    code = parse_setup_code(raw_code)
    device = None
    if code is not None:
        device = lock_rows(db.session, select(KioskDevice).where(
            KioskDevice.setup_code_hash == hash_setup_code(code)), of=KioskDevice).first()
    if device is None or device.is_revoked or not device.setup_pending(now):
        # i18n: やさしい日本語
        message = _("This code is not right, or it is too old. Please ask the staff for a "
                    "new code.")
        raise ValidationError(message, fields={"code": message})
    before = audit.snapshot(device, KIOSK_FIELDS)
    token = secrets.token_urlsafe(32)
    device.token_hash = hash_token(token)
    device.setup_code_hash = None
    device.setup_expires_dt = None
    device.bound_dt = now
    device.last_seen_dt = now
    db.session.flush()
    audit.record("kiosk.bind", device, actor=device.actor_label, before=before,
                 after=audit.snapshot(device, KIOSK_FIELDS), now=now)
    return device, token


def device_for_token(token, *, now):
    """The bound, not revoked kiosk whose cookie holds `token`, or None. Notes when the
    device was last seen (at most every LAST_SEEN_EVERY)."""
    if not token or len(token) > 100:
        return None
    device = db.session.scalar(
        select(KioskDevice).where(KioskDevice.token_hash == hash_token(token)))
    if device is None or device.is_revoked:
        return None
    if device.last_seen_dt is None or now - device.last_seen_dt >= LAST_SEEN_EVERY:
        device.last_seen_dt = now
        db.session.flush()
    return device


def revoke_kiosk(device, *, actor, now):
    """End the kiosk: its device (and any pending setup code) stops working at once."""
    if device.is_revoked:
        return device
    before = audit.snapshot(device, KIOSK_FIELDS)
    device.revoked_dt = now
    device.token_hash = None
    device.setup_code_hash = None
    device.setup_expires_dt = None
    db.session.flush()
    audit.record("kiosk.revoke", device, actor=actor, before=before,
                 after=audit.snapshot(device, KIOSK_FIELDS), now=now)
    return device


# -- booking at the kiosk --------------------------------------------------------------------

def kiosk_session(checker):
    """The session chosen on the kiosk (its id in the form), or None with a message."""
    session_id = checker.integer("session_id", 1, 2**31 - 1)
    session = db.session.get(EventSession, session_id) if session_id else None
    if session is None:
        checker.errors.pop("session_id", None)
        # i18n: やさしい日本語
        checker.fail("session_id", _("Please choose a class."))
    return session


def check_details(data, fields, *, now):
    """The messages for the named kiosk fields (one step of the flow), in the kiosk's
    plain words, without changing anything: {field: message}, empty when all is well. Also returns how the
    phone number is read back in groups (090-1234-5678) when it is valid."""
    checker = Checker(data)
    phone = None
    if "session_id" in fields:
        session = kiosk_session(checker)
        if session is not None:
            try:
                check_open(session, channel=BookingChannel.KIOSK, now=now)
            except BookingError as error:
                checker.fail("session_id", error.message)
    if "name" in fields:
        checker.text("name", Person.NAME_MAX, required=True)
    if "name_kana" in fields:
        checker.kana("name_kana", Person.KANA_MAX, required=True)
    if "phone" in fields:
        phone = checker.phone("phone", required=True)
    errors = plain_errors(checker.errors, data)
    return errors, phone.national if phone and not errors else None


def _consent(checker):
    value = checker.raw("consent")
    if value not in CONSENT_CHOICES:
        # i18n: やさしい日本語
        checker.fail("consent", _("Please choose yes or no."))
        return None
    return value == "yes"


def request_key_for(device, submission_id):
    """The booking service's idempotency key for a kiosk form's submission id, scoped
    to the device (another device's submission can never be replayed)."""
    if not isinstance(submission_id, str) or not submission_id:
        return None
    return f"kiosk{device.id}:{submission_id}"


def book_at_kiosk(data, *, device, language, now):
    """Book the class chosen at the kiosk for the person in `data` (session_id, name,
    name_kana, phone, seats, consent 'yes'/'no', optional survey_consent 'yes' (the survey
    after the class; anything else: not asked, not sent), district_id and age_band, and
    `submission`, the form's random submission id). Every wrong field is reported at
    once and nothing is written; a repeated request (same submission: a double tap, a
    retry on a slow network) with the same details returns the first booking and creates
    nothing; the same submission with other details is refused (book_public)."""
    request_key = request_key_for(device, data.get("submission"))
    checker = Checker(data)
    session = kiosk_session(checker)
    consent = _consent(checker)
    details = {"name": data.get("name"), "name_kana": data.get("name_kana"),
               "phone": data.get("phone"), "district_id": data.get("district_id") or None,
               "age_band": data.get("age_band") or None, "language": language,
               "consent": consent}
    try:
        checked = public_details(details)
    except ValidationError as error:
        for name, message in error.fields.items():
            checker.fail(name, message)
    checker.errors = plain_errors(checker.errors, data)
    checker.done()
    return book_public(session, checked, seats=data.get("seats") or 1,
                       survey_consent=data.get("survey_consent") == "yes",
                       channel=BookingChannel.KIOSK, consent_method=ConsentMethod.KIOSK,
                       actor=device.actor_label, now=now, request_key=request_key)
