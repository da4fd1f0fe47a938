"""What the survey invitation says (desk.events.surveys), registered with notify as the
topic "survey" (desk.events.outbox).

- SMS: one UCS-2 segment in Japanese (70 characters): the city's name (who sends it: a
  link from an unknown sender is what the scam classes warn about), "survey" and the
  short link (DESK_PUBLIC_URL + /s/<12 characters>). The class is named by the first of:
  the venue's short name with the class title, the venue's short name, nothing, that
  keeps the text to the fewest segments (templates/events/messages/survey/sms.txt). With
  a city name of up to 8 characters, one segment holds an address (DESK_PUBLIC_URL) of
  up to 38 characters.
- E-mail: subject, plain text and HTML with the same link and until when it works.

A message whose invitation no longer exists, whose booking is no longer attended, or
whose invitation was answered meanwhile is not sent (PermanentError).
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core.i18n import city_name, force_locale, format_date_long, format_date_short
from desk.core.web import public_url_for
from desk.events import surveys
from desk.events.models import Booking, SurveyInvitation
from desk.extensions import db
from desk.notify.channels.base import PermanentError
from desk.notify.content import CHOICE, Content, fewest_segments_with, squash, tidy
from desk.notify.models import MessageChannel
from desk.notify.spoken import locale_key

LABELS = {surveys.SurveyTemplate.INVITATION: _l("Survey after the class")}
ERROR_LABELS = {
    "no_survey": _l("The survey no longer exists"),
    "not_attended": _l("The booking is no longer marked attended"),
    "answered": _l("The survey was already answered"),
}


def _template(name):
    return current_app.jinja_env.get_template(f"events/messages/survey/{name}")


def survey_url(invitation):
    return public_url_for("public.survey", survey_token=invitation.token)


def _context(invitation):
    booking = invitation.booking
    session = booking.session
    return {"invitation": invitation, "session": session, "venue": session.venue,
            "title": session.display_title, "date": format_date_short(session.start_dt),
            "url": survey_url(invitation),
            "person_name": None if booking.person.name_to_confirm else booking.person.name,
            "expires": format_date_long(invitation.expires_dt),
            "phone": current_app.config["DESK_DESK_PHONE"], "city": city_name(),
            "locale": locale_key()}


def place_options(context):
    venue = context["venue"].display_short_name
    return [f"{venue} {context['title']} ", f"{venue} ", ""]


def sms_body(context):
    return fewest_segments_with(_template("sms.txt").render(context, place=CHOICE),
                                place_options(context))


def render(message, *, now):
    invitation = (db.session.get(SurveyInvitation, message.topic_id)
                  if message.topic_id is not None else None)
    if invitation is None or invitation.token is None:
        raise PermanentError("the survey no longer exists", code="no_survey")
    if not surveys.is_invited(invitation.booking):
        raise PermanentError("the booking is no longer attended", code="not_attended")
    if invitation.is_answered:
        raise PermanentError("the survey was already answered", code="answered")
    channel = MessageChannel(message.channel)
    with force_locale(message.locale):
        context = _context(invitation)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_body(context))
        module = _template("email.txt").make_module(context)
        subject = squash(str(module.subject))
        return Content(channel, email_subject=subject, email_text=tidy(str(module)),
                       email_html=_template("email.html").render(context, subject=subject))


def describe(messages):
    """{message id: "class title, date: survey after the class"} for the coordinators'
    pages."""
    ids = {message.topic_id for message in messages if message.topic_id is not None}
    rows = db.session.execute(
        select(SurveyInvitation.id, Booking).join(Booking, Booking.id == SurveyInvitation.booking_id)
        .where(SurveyInvitation.id.in_(ids))).all() if ids else []
    bookings = dict(rows)
    return {message.id: _("%(title)s, %(date)s: survey after the class",
                          title=bookings[message.topic_id].session.display_title,
                          date=format_date_short(bookings[message.topic_id].session.start_dt))
            for message in messages if message.topic_id in bookings}
