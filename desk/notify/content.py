"""What a message says, rendered from its template in the recipient's language.

`render(message)` returns a `Content` with what the message's channel needs:
- SMS: the body, from templates/notify/sms/<template>.txt. No links. A Japanese SMS
  must fit one UCS-2 segment (70 characters), so the class is named by the first of
  these that keeps the text to the fewest segments: the venue's short name with the
  class title, the venue's short name with the kind of session ("スマホ講座"), the
  venue's short name alone (for Japanese, whichever fits one segment; an English text
  with a Japanese venue name is UCS-2 too and takes two or three). Date with weekday,
  start time, booking code and how to cancel are always there. The text offers "reply 2" only where replies can reach desk
  (webhooks.sms_replies_enabled); the desk's phone number is always given.
- Voice: the text said (templates/notify/voice/<template>.txt, dates and digits written
  to be read out) and the TwiML of the whole call (desk.notify.voice).
- E-mail: subject, plain text and HTML (templates/notify/email/<template>.txt, whose
  `subject` is set inside it, and .html), plus the calendar invitation (desk.notify.
  invites) with its iTIP method.

Templates are Jinja with `{% trans %}` (English msgids, translated in the catalogue),
rendered under `flask_babel.force_locale(message.locale)`.
"""

import re
from dataclasses import dataclass

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import force_locale, get_locale, get_timezone

from desk.core.i18n import format_date_long, format_date_short
from desk.core.i18n import format_time as format_clock
from desk.core.timeutil import utcnow
from desk.core.web import public_url_for
from desk.events.bookings import waitlist_position
from desk.events.labels import kind_label
from desk.events.slots import slot_end
from desk.notify import invites, voice
from desk.notify.channels.base import PermanentError
from desk.notify.models import MessageChannel, RecipientKind
from desk.notify.segments import count_segments

SPOKEN_DATE = {"ja": "M月d日EEEE", "en": "EEEE, MMMM d"}
SPOKEN_TIME = {"ja": ("H時", "H時m分"), "en": ("h a", "h:mm a")}


@dataclass(frozen=True)
class Content:
    channel: MessageChannel
    sms_body: str | None = None
    # said once; voice_twiml says it twice and adds the key menu
    voice_text: str | None = None
    voice_twiml: str | None = None
    email_subject: str | None = None
    email_text: str | None = None
    email_html: str | None = None
    # the calendar invitation (bytes of an .ics) and its iTIP method (REQUEST, CANCEL)
    ics: bytes | None = None
    ics_method: str | None = None


def _locale_key():
    return "en" if str(get_locale()) == "en" else "ja"


def spoken_date(value):
    return format_date(value.astimezone(get_timezone()), SPOKEN_DATE[_locale_key()],
                       locale=get_locale())


def spoken_time(value):
    local = value.astimezone(get_timezone())
    on_the_hour, with_minutes = SPOKEN_TIME[_locale_key()]
    return format_time(local, on_the_hour if local.minute == 0 else with_minutes,
                       locale=get_locale())


def _context(message):
    from desk.notify.webhooks import sms_replies_enabled

    booking = message.booking
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "venue": session.venue,
        "person_name": booking.person.name,
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
        "city": current_app.config["DESK_MUNICIPALITY_NAME"],
        "can_reply": sms_replies_enabled(),
    }


def _template(channel, template, suffix="txt"):
    return current_app.jinja_env.get_template(f"notify/{channel}/{template}.{suffix}")


def _squash(text):
    """One line: an SMS pays for every character, line breaks included."""
    return " ".join(text.split())


def place_options(context):
    """How the SMS names the class, longest first (see the module's docstring)."""
    venue = context["venue"].short_name
    return [f"{venue} {context['title']}", f"{venue} {context['kind']}", venue]


def fewest_segments(texts):
    """The first of `texts` that takes no more SMS segments than any other."""
    counted = [(count_segments(text).segments, index, text) for index, text in enumerate(texts)]
    return min(counted)[2]


def sms_body(message, context):
    template = _template("sms", message.template)
    return fewest_segments([_squash(template.render(context, place=place))
                            for place in place_options(context)])


def _voice(message, context, now):
    text = " ".join(_template("voice", message.template).render(
        context, date=spoken_date(context["session"].start_dt),
        time=spoken_time(context["session"].start_dt),
        slot_time=spoken_time(context["booking"].slot_dt) if context["slot_time"] else None,
        code=voice.spoken_digits(context["code"]),
        phone=voice.spoken_digits(context["phone"])).split())
    return text, voice.call_twiml(message, text, now=now)


def _tidy(text):
    """Plain e-mail text: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _email(message, context, now):
    booking = context["booking"]
    program = booking.session.program
    context = dict(context, page_url=public_url_for("public.booking", token=booking.token),
                   date_long=format_date_long(booking.session.start_dt),
                   what_to_bring=program.what_to_bring if program is not None else None,
                   locale=_locale_key())
    module = _template("email", message.template).make_module(context)
    subject = _squash(str(module.subject))
    html = _template("email", message.template, "html").render(context, subject=subject)
    name = None if message.recipient_kind == RecipientKind.PROXY else booking.person.name
    method, calendar = invites.invitation(booking, recipient_email=message.address,
                                          recipient_name=name, now=now)
    return {"email_subject": subject, "email_text": _tidy(str(module)), "email_html": html,
            "ics": calendar, "ics_method": method}


def render(message, *, now=None):
    """The Content of an outbox message; PermanentError when it cannot be written
    (the booking it was about no longer exists). Messages to volunteers are written by
    desk.volunteers.messages, those to a consultation desk's visitors by
    desk.consults.messages."""
    now = now or utcnow()
    if message.recipient_kind == RecipientKind.VOLUNTEER:
        from desk.volunteers import messages

        return messages.render(message, now=now)
    if message.recipient_kind == RecipientKind.VISITOR:
        from desk.consults import messages as visitor_messages

        return visitor_messages.render(message, now=now)
    if message.booking is None:
        raise PermanentError("the message's booking no longer exists", code="no_booking")
    channel = MessageChannel(message.channel)
    with force_locale(message.locale):
        context = _context(message)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_body(message, context))
        if channel == MessageChannel.VOICE:
            text, twiml = _voice(message, context, now)
            return Content(channel, voice_text=text, voice_twiml=twiml)
        return Content(channel, **_email(message, context, now))

