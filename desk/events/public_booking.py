"""Booking and cancelling on the public channels (the web pages and the API): no login.

Every field of the form or body is checked at once, and once
(desk.people.services.public_details); then the public booking service books
(`book_public`: the person is found or created by `person_for`, which never shows nor
overwrites what is stored; someone booking for them becomes their proxy contact;
`book_seat`'s rules book). A cancellation by booking
code and phone number tells the caller nothing: whether or not such a booking exists,
and whether or not it could still be cancelled, the answer is the same, so the form
cannot be used to find out who booked what.
"""

import unicodedata

from flask_babel import gettext as _

from desk.core.errors import Busy, DeskError, NotFoundError
from desk.core.phone import DASHES
from desk.core.validation import Checker
from desk.events.bookings import (
    book_public,
    booking_by_code,
    cancel_booking,
    check_open,
    find_booking,
    move_booking,
)
from desk.events.models import Booking, CancelReason, EventSession
from desk.extensions import db
from desk.people import services as people_services
from desk.people.models import ConsentMethod

# Flask-Limiter limits, per client address. Cancelling by code and phone shares one
# limit across the web form and the API, so that guessing codes is slow everywhere.
BOOK_RATE_LIMIT = "30 per minute"
CANCEL_RATE_LIMIT = "10 per minute"
CANCEL_LIMIT_SCOPE = "booking-cancel"


def parse_booking_code(raw):
    """'2741-0386', '27410386', '２７４１－０３８６' or '2741 0386' -> '27410386';
    None when it is not 8 digits."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)
    for dash in (*DASHES, " ", "\u3000"):
        text = text.replace(dash, "")
    if len(text) != Booking.CODE_LENGTH or not (text.isascii() and text.isdigit()):
        return None
    return text


def _code(checker, name):
    code = parse_booking_code(checker.raw(name))
    if code is None:
        checker.fail(name, _("Enter the 8-digit booking code, e.g. 2741-0386."))
    return code


def book_online(session, data, *, channel, now, proxy_data=None, request_key=None):
    """Book `data["seats"]` seats for the person `data` describes (name, name_kana,
    phone, consent and the optional fields) through the public booking service
    (desk.events.bookings.book_public): booked or waitlisted; booking again returns the
    existing booking (`survey_consent` in `data`: agreed to the survey after attending).
    `proxy_data` (name, relation, phone, wants_copies) describes someone booking for
    that person. A closed session is said first; then every wrong
    field at once; nothing is written when anything is refused. `request_key` (the
    form's id, an API Idempotency-Key) makes a repeated request return the first one's
    booking."""
    check_open(session, channel=channel, now=now)
    details = people_services.public_details(data, proxy_data)
    return book_public(session, details, seats=data.get("seats", 1), channel=channel,
                       consent_method=ConsentMethod.WEB, actor=str(channel), now=now,
                       request_key=request_key,
                       survey_consent=bool(data.get("survey_consent")))


def cancel_by_code(code, phone, *, channel, now):
    """Cancel the booking with this code whose person (or proxy contact) has this
    phone number, if there is one and it can still be cancelled. Only the form of the
    code and the phone number is checked (a ValidationError); otherwise this returns
    None whatever happened, so that callers answer the same either way."""
    checker = Checker({"code": code, "phone": phone})
    digits = _code(checker, "code")
    parsed = checker.phone("phone", required=True)
    checker.done()
    booking = find_booking(digits, parsed.e164)
    if booking is None or not booking.is_active:
        return None
    try:
        with db.session.begin_nested():
            cancel_booking(booking, reason=CancelReason.PERSON, actor=str(channel), now=now)
    except Busy:
        raise  # not a refusal: the person is asked to try again
    except DeskError:
        pass  # started, attendance taken...: the same answer, nothing changed
    return None


def move_by_code(code, data, *, channel, actor, now, staff=False):
    """Move the booking with this code to the session `data["session_id"]`
    (desk.events.bookings.move_booking; `data["waitlist"]`: onto a full session's
    waiting list). A resident names the booking by its code and the phone number of the
    person or their proxy contact (`data["phone"]`), as for cancelling; `staff` finds it
    by the code alone. Every wrong field at once (ValidationError); a code and phone
    that name no booking: NotFoundError, the same whichever of the two is wrong."""
    checker = Checker(data)
    digits = parse_booking_code(code)
    phone = None if staff else checker.phone("phone", required=True)
    target = checker.reference("session_id", EventSession, required=True,
                               message=_("Enter the id of an existing session."))
    to_waitlist = checker.boolean("waitlist")
    checker.done()
    booking = (booking_by_code(digits) if staff
               else find_booking(digits, phone.e164) if digits else None)
    if booking is None:
        raise NotFoundError(_("No booking has this code together with this phone number.")
                            if not staff else _("There is no booking with this code."))
    return move_booking(booking, target, channel=channel, actor=actor, now=now,
                        to_waitlist=to_waitlist)
