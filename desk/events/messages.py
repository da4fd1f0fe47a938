"""What a booking's messages say, rendered from their templates in the recipient's
language (desk.events.outbox registers `render` with notify).

- SMS: the body, from templates/events/messages/sms/<template>.txt. No links. A Japanese
  SMS must fit one UCS-2 segment (70 characters), so the class is named by the first of
  these that keeps the text to the fewest segments: the venue's short name with the
  class title, the venue's short name with the kind of session ("スマホ講座"), the
  venue's short name alone (for Japanese, whichever fits one segment; an English text
  with a Japanese venue name is UCS-2 too and takes two or three). Date with weekday,
  start time, booking code and how to cancel are always there. The text offers "reply
  2" only where replies can reach desk (webhooks.sms_replies_enabled); the desk's phone
  number is always given.
- Voice: the text said (templates/events/messages/voice/<template>.txt, dates and digits
  written to be read out) and the TwiML of the whole call (desk.notify.voice, with the
  key menu of desk.events.replies).
- E-mail: subject, plain text and HTML (templates/events/messages/email/<template>.txt,
  whose `subject` is set inside it, and .html), plus the calendar invitation
  (desk.events.invites) with its iTIP method.

A message whose booking no longer exists raises PermanentError (no_booking).
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core.errors import ConflictError
from desk.core.i18n import (
    city_name,
    force_locale,
    format_date_long,
    format_date_short,
    format_datetime_long,
    format_local,
)
from desk.core.i18n import format_time as format_clock
from desk.core.timeutil import same_local_day
from desk.core.web import public_url_for
from desk.events import followups, invites, offers
from desk.events.bookings import waitlist_position
from desk.events.labels import kind_label
from desk.events.models import Booking, BookingStatus
from desk.events.notices import CANCELLATION_TEMPLATES, BookingTemplate
from desk.events.slots import slot_end
from desk.extensions import db
from desk.notify import voice
from desk.notify.channels.base import PermanentError
from desk.notify.content import CHOICE, Content, fewest_segments_with, squash, tidy
from desk.notify.models import MessageChannel, RecipientKind
from desk.notify.spoken import (
    locale_key,
    spoken_code,
    spoken_date,
    spoken_digits,
    spoken_time,
)
from desk.notify.webhooks import sms_replies_enabled

LABELS = {
    BookingTemplate.BOOKING_CONFIRMED: _l("Booking confirmed"),
    BookingTemplate.WAITLIST_CONFIRMED: _l("On the waiting list"),
    BookingTemplate.WAITLIST_PROMOTED: _l("Seat from the waiting list"),
    BookingTemplate.MOVED_TO_WAITLIST: _l("Moved to the waiting list"),
    BookingTemplate.REMINDER: _l("Reminder"),
    BookingTemplate.BOOKING_CANCELLED: _l("Booking cancelled"),
    BookingTemplate.SESSION_CANCELLED: _l("Session cancelled"),
    BookingTemplate.SESSION_CHANGED: _l("Session changed"),
    BookingTemplate.BOOKING_MOVED: _l("Booking moved to another date"),
    BookingTemplate.SEAT_OFFERED: _l("Freed seat offered"),
    BookingTemplate.FOLLOWUP_OFFERED: _l("Next class offered to the waiting list"),
}
ERROR_LABELS = {"no_booking": _l("The booking no longer exists")}


def booking_of(message):
    """The booking a message is about, or None (it no longer exists)."""
    if message.topic_id is None:
        return None
    return db.session.get(Booking, message.topic_id)


def moved_from(message, booking):
    """The session a moved booking came from, for the message about its move (None for
    every other message, and when that session no longer exists)."""
    if message.template != BookingTemplate.BOOKING_MOVED:
        return None
    return booking.moved_from_session


def old_when(old, session):
    """What an SMS says of the old date: the day ("12月6日"), or the time when only the
    time changed."""
    if same_local_day(old.start_dt, session.start_dt):
        return format_clock(old.start_dt)
    return format_local(old.start_dt, "MMMd")


def subject_session(message, booking):
    """The session a message is about: the class offered, for the follow-up of a party
    still waiting at the start (desk.events.followups); else the booking's."""
    if message.template == BookingTemplate.FOLLOWUP_OFFERED:
        followup = followups.followup_of(booking)
        if followup is not None and followup.target_session is not None:
            return followup.target_session
    return booking.session


def _context(message, booking):
    session = subject_session(message, booking)
    old = moved_from(message, booking)
    return {
        "old_session": old,
        "old_when": old_when(old, session) if old is not None else None,
        "booking": booking,
        "session": session,
        "venue": session.venue,
        # None while the name is to be confirmed (a new caller of the phone line): the
        # stored one is a placeholder, never said or written to anyone
        "person_name": None if booking.person.name_to_confirm else booking.person.name,
        "for_proxy": message.recipient_kind == RecipientKind.PROXY,
        "code": booking.display_code,
        "date": format_date_short(session.start_dt),
        "time": format_clock(session.start_dt),
        "end_time": format_clock(session.end_dt),
        # a reserved visitor's own time (a consultation session's slot): what the
        # messages say instead of the session's start; None for everyone else
        "slot_time": format_clock(booking.slot_dt) if booking.slot_dt else None,
        "slot_end_time": (format_clock(slot_end(session, booking.slot_dt))
                          if booking.slot_dt else None),
        "title": session.display_title,
        "kind": str(kind_label(session.kind)),
        "position": waitlist_position(booking),
        "phone": current_app.config["DESK_DESK_PHONE"],
        "city": city_name(),
        "can_reply": sms_replies_enabled(),
        **_offer_context(message, booking),
    }


def _offer_context(message, booking):
    """A seat offer's deadline, as written, for the message offering it."""
    if message.template != BookingTemplate.SEAT_OFFERED:
        return {}
    offer = offers.latest_offer(booking)
    if offer is None:
        return {"offer": None, "until": None}
    return {"offer": offer, "until": offers.deadline_text(offer)}


def _template(channel, template, suffix="txt"):
    return current_app.jinja_env.get_template(
        f"events/messages/{channel}/{template}.{suffix}")


def place_options(context):
    """How an SMS names the class, longest first (see the module's docstring)."""
    venue = context["venue"].display_short_name
    return [f"{venue} {context['title']}", f"{venue} {context['kind']}", venue]


def for_whom(text, context):
    """A proxy contact's copy says first whose booking it is, by the name on record (the
    person the proxy books or receives copies for); the person's own message as it is."""
    if not context["for_proxy"] or context["person_name"] is None:
        return text
    return _("%(name)s's booking: %(text)s", name=context["person_name"], text=text)


def sms_body(message, context):
    """Written once with the place left open, then the place that keeps the fewest
    segments put in."""
    text = for_whom(_template("sms", message.template).render(context, place=CHOICE), context)
    return fewest_segments_with(text, place_options(context))


def _voice(message, context, now):
    text = " ".join(_template("voice", message.template).render(
        context, date=spoken_date(context["session"].start_dt),
        time=spoken_time(context["session"].start_dt),
        slot_time=spoken_time(context["booking"].slot_dt) if context["slot_time"] else None,
        code=spoken_code(context["code"]),
        until=offers.spoken_deadline(context["offer"]) if context.get("offer") else None,
        phone=spoken_digits(context["phone"]),
        old_date=_spoken_old(context["old_session"], context["session"])).split())
    return text, voice.call_twiml(message, text, now=now)


def _spoken_old(old, session):
    if old is None:
        return None
    if same_local_day(old.start_dt, session.start_dt):
        return spoken_time(old.start_dt)
    return spoken_date(old.start_dt)


def _email(message, context, now):
    booking, session = context["booking"], context["session"]
    program = session.program
    context = dict(context, page_url=public_url_for("public.booking", token=booking.token),
                   offer_url=public_url_for("public.offer", token=booking.token),
                   followup_url=public_url_for("public.followup", token=booking.token),
                   offer_only=message.template == BookingTemplate.FOLLOWUP_OFFERED,
                   date_long=format_date_long(session.start_dt),
                   old_date_long=(format_datetime_long(context["old_session"].start_dt)
                                  if context["old_session"] is not None else None),
                   what_to_bring=program.display_what_to_bring if program is not None else None,
                   locale=locale_key())
    module = _template("email", message.template).make_module(context)
    subject = squash(for_whom(str(module.subject), context))
    html = _template("email", message.template, "html").render(context, subject=subject)
    name = None if message.recipient_kind == RecipientKind.PROXY else context["person_name"]
    if message.template == BookingTemplate.FOLLOWUP_OFFERED:
        # an offer, not a booking yet: the move's own message brings the invitation
        return {"email_subject": subject, "email_text": tidy(str(module)), "email_html": html}
    method, calendar = invites.invitation(booking, recipient_email=message.address,
                                          recipient_name=name, now=now)
    return {"email_subject": subject, "email_text": tidy(str(module)), "email_html": html,
            "ics": calendar, "ics_method": method}


def render(message, *, now):
    """The Content of a message about a booking; PermanentError when the booking it was
    about no longer exists."""
    return write(message, booking_of(message), now=now)


def write(message, booking, *, now, extra=None, sms=None):
    """The Content of a message about `booking` from the message's own templates, with
    `extra` added to what the templates see and `sms(context)` writing the SMS instead
    of the template with its place choice (a coordinator's note: desk.events.
    session_messages); PermanentError when the booking no longer exists."""
    if booking is None:
        raise PermanentError("the message's booking no longer exists", code="no_booking")
    channel = MessageChannel(message.channel)
    with force_locale(message.locale):
        context = dict(_context(message, booking), **(extra or {}))
        if channel == MessageChannel.SMS:
            body = sms(context) if sms is not None else sms_body(message, context)
            return Content(channel, sms_body=body)
        if channel == MessageChannel.VOICE:
            text, twiml = _voice(message, context, now)
            return Content(channel, voice_text=text, voice_twiml=twiml)
        return Content(channel, **_email(message, context, now))


def check_send_again(message, *, now):
    """A coordinator's "send again": not once the session started, nor about a cancelled
    booking (its cancellation aside)."""
    booking = booking_of(message)
    if booking is None:
        return
    check_still_wanted(subject_session(message, booking), booking,
                       cancelled_too=message.template in CANCELLATION_TEMPLATES, now=now)


def check_still_wanted(session, booking, *, now, cancelled_too=False):
    """Refuse sending again a message about `session` once it started, or about a
    cancelled `booking` (unless the message says the cancellation: `cancelled_too`)."""
    if session.start_dt <= now:
        raise ConflictError(_("The session has already started: sending the message now "
                              "would not help."))
    if booking is not None and booking.status == BookingStatus.CANCELLED and not cancelled_too:
        raise ConflictError(_("The booking has been cancelled: this message is no longer "
                              "wanted."))


def describe(messages):
    """{message id: "class title, date and time"} for the coordinators' pages (one
    query for all the messages)."""
    ids = {message.topic_id for message in messages if message.topic_id is not None}
    bookings = {booking.id: booking for booking in db.session.scalars(
        select(Booking).where(Booking.id.in_(ids)))} if ids else {}
    texts = {}
    for message in messages:
        booking = bookings.get(message.topic_id)
        if booking is not None:
            session = booking.session
            texts[message.id] = (f"{session.display_title}, "
                                 f"{format_datetime_long(session.start_dt)}")
    return texts
