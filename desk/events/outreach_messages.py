"""What the contact person of an outreach request hears back, and when (desk.events.outreach
plans; desk/events/__init__.py registers the topic and the recipient kind with notify).

One message per step of the request, on the channel the contact person chose (SMS, a
call, or e-mail): received (an acknowledgement), scheduled (the date, time and place of
the class) and declined (the reason). The row is about the request (topic "outreach") and
addressed to it (recipient kind "requester", the request's id). A Japanese SMS fits one
UCS-2 segment: no group or person name, the place by its short name, the reason by its
short wording, the desk's number. Calls say the place's full name; e-mails add its
address. The message about the scheduled class must not go out after the class started.
A message whose request is gone or whose contact details were erased is not sent.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from desk.core.i18n import city_name, force_locale, format_date_long, format_date_short, format_time
from desk.events.models import DeclineReason, OutreachRequest, OutreachStatus, ReplyChannel
from desk.extensions import db
from desk.notify import personal_data as outbox_data
from desk.notify import planning, voice
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, squash, tidy
from desk.notify.kinds import Addressee
from desk.notify.models import MessageChannel, ReplyAction
from desk.notify.spoken import spoken_date, spoken_digits, spoken_time

TOPIC = "outreach"
RECIPIENT = "requester"
RECEIVED = "outreach_received"
SCHEDULED = "outreach_scheduled"
DECLINED = "outreach_declined"
TEMPLATES = {OutreachStatus.RECEIVED: RECEIVED, OutreachStatus.SCHEDULED: SCHEDULED,
             OutreachStatus.DECLINED: DECLINED}
LABELS = {
    RECEIVED: _l("Outreach request received"),
    SCHEDULED: _l("Outreach class scheduled"),
    DECLINED: _l("Outreach request declined"),
}
ERROR_LABELS = {"no_request": _l("The outreach request or its contact details no longer exist")}
RECIPIENT_LABEL = _l("Contact person of an outreach request")
# the reason as the messages give it: short, so that the SMS keeps to one segment
REASON_TEXTS = {
    DeclineReason.DATES_UNAVAILABLE: _l("no instructors are free on the dates you chose"),
    DeclineReason.OUTSIDE_CITY: _l("the place is outside the city"),
    DeclineReason.TOO_FEW: _l("too few people would take part"),
    DeclineReason.OTHER: _l("we cannot arrange it this time"),
}
CHANNELS = {ReplyChannel.SMS: MessageChannel.SMS, ReplyChannel.VOICE: MessageChannel.VOICE,
            ReplyChannel.EMAIL: MessageChannel.EMAIL}


def _address(request):
    if request.reply_channel == ReplyChannel.EMAIL:
        return request.contact_email
    return request.contact_phone


def plan(request, status, *, now):
    """Queue the message of the step the request just took (none for "being arranged",
    nor once the contact details were erased)."""
    template = TEMPLATES.get(status)
    address = _address(request)
    if template is None or address is None:
        return 0
    not_after = request.session.start_dt if status == OutreachStatus.SCHEDULED else None
    return planning.queue([planning.message_values(
        template, topic=TOPIC, topic_id=request.id, recipient_kind=RECIPIENT,
        recipient_id=request.id, channel=CHANNELS[request.reply_channel], address=address,
        locale=request.locale, due=now, now=now, not_after=not_after)])


def forget(request, *, now):
    """The contact details were erased: cancel and blank the request's messages."""
    return outbox_data.forget_recipient(RECIPIENT, [request.id], now=now)


def request_of(message):
    return db.session.get(OutreachRequest, message.topic_id) if message.topic_id else None


def _template(channel, template, suffix="txt"):
    return current_app.jinja_env.get_template(f"events/messages/{channel}/{template}.{suffix}")


def context(request):
    """What the templates say; PermanentError when the request or its contact is gone."""
    if request is None or request.contact_removed_dt is not None:
        raise PermanentError("the outreach request or its contact details no longer exist",
                             code="no_request")
    values = {
        "city": city_name(),
        "phone": current_app.config["DESK_DESK_PHONE"],
        "group": request.group_name,
        "name": request.contact_name,
        "reason": str(REASON_TEXTS[request.decline_reason]) if request.decline_reason else None,
        "session": None,
    }
    session = request.session
    if session is not None:
        place = session.venue
        values.update(session=session, date=format_date_short(session.start_dt),
                      date_long=format_date_long(session.start_dt),
                      time=format_time(session.start_dt), end_time=format_time(session.end_dt),
                      place=place.display_short_name, place_name=place.display_name,
                      address=place.address)
    return values


def sms_text(template, values):
    return squash(_template("sms", template).render(values))


def render(message, *, now):
    request = request_of(message)
    channel = MessageChannel(message.channel)
    with force_locale(message.locale):
        values = context(request)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_text(message.template, values))
        if channel == MessageChannel.VOICE:
            session = values["session"]
            spoken = dict(values, phone=spoken_digits(values["phone"]))
            if session is not None:
                spoken.update(date=spoken_date(session.start_dt),
                              time=spoken_time(session.start_dt))
            text = " ".join(_template("voice", message.template).render(spoken).split())
            return Content(channel, voice_text=text,
                           voice_twiml=voice.call_twiml(message, text, now=now))
        module = _template("email", message.template).make_module(values)
        subject = squash(str(module.subject))
        text = tidy(str(module))
        html = Markup("").join(Markup("<p>{}</p>").format(
            Markup("<br>").join(escape(line) for line in paragraph.splitlines()))
            for paragraph in text.split("\n\n"))
        return Content(channel, email_subject=subject, email_text=text,
                       email_html=f'<!doctype html><html lang="{message.locale}"><body>'
                                  f"{html}</body></html>")


def describe(messages):
    """{message id: group name} for the coordinators' pages."""
    ids = {message.topic_id for message in messages} - {None}
    groups = dict(db.session.execute(select(OutreachRequest.id, OutreachRequest.group_name)
                                     .where(OutreachRequest.id.in_(ids))).all()) if ids else {}
    return {message.id: groups[message.topic_id] for message in messages
            if message.topic_id in groups}


def answer_sms(message, text, *, address, previous, now):
    return ReplyAction.HELP, _("Replies to this message are not read. Please call "
                               "%(phone)s.", phone=current_app.config["DESK_DESK_PHONE"])


def current_address(message):
    request = db.session.get(OutreachRequest, message.recipient_id) \
        if message.recipient_id else None
    if request is None:
        return None
    if message.channel == MessageChannel.EMAIL:
        return request.contact_email
    return request.contact_phone


def addressees(messages):
    ids = {message.recipient_id for message in messages} - {None}
    found = {request.id: request for request in db.session.scalars(
        select(OutreachRequest).where(OutreachRequest.id.in_(ids)))} if ids else {}
    result = {}
    for message in messages:
        request = found.get(message.recipient_id)
        name = (request.contact_name or request.group_name) if request else "–"
        url = None
        if request is not None:
            from flask import url_for

            url = url_for("staff.outreach_request", request_id=request.id)
        result[message.id] = Addressee(name, url, str(RECIPIENT_LABEL))
    return result

