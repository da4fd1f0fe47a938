"""What the "your turn is coming" SMS to a visitor at a consultation desk says
(desk.notify.content.render hands visitor rows over to `render`).

desk.consults.services.plan_turn_notices plans one CONSULT_TURN row per ticket that
asked for it (a mobile number given at reception) once DESK_CONSULT_NOTIFY_AHEAD or
fewer tickets are before it. The text, from templates/consults/messages/sms/
consult_turn.txt, is one short line: the city, the ticket number and the venue's short
name — no name, no link, so that it fits one SMS segment. Visitors get this SMS only:
never a call (a landline cannot ask for it: the reception form needs a mobile).

A message whose ticket is gone, closed (served, cancelled) or already taken by a
volunteer, or whose session was cancelled, raises PermanentError: the dispatcher
records why it was not sent.
"""

from flask import current_app
from flask_babel import force_locale

from desk.consults.models import TicketStatus
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, _squash
from desk.notify.models import MessageChannel, MessageTemplate

# a skipped visitor (called, not present) may still come back when told
STILL_WANTED = frozenset({TicketStatus.WAITING, TicketStatus.SKIPPED})


def _template(channel, template):
    return current_app.jinja_env.get_template(f"consults/messages/{channel}/{template}.txt")


def turn_context(message):
    """What the template says; PermanentError when the message is not wanted any more."""
    ticket = message.ticket
    if ticket is None:
        raise PermanentError("the message's ticket no longer exists", code="no_ticket")
    if ticket.status not in STILL_WANTED:
        raise PermanentError("the visitor's ticket is no longer waiting", code="ticket_closed")
    session = ticket.session
    if session.is_cancelled:
        raise PermanentError("the consultation session was cancelled", code="ticket_closed")
    return {
        "city": current_app.config["DESK_MUNICIPALITY_NAME"],
        "number": ticket.number,
        "place": session.venue.short_name,
    }


def render(message, *, now=None):
    """The Content of an outbox message to a consultation desk visitor (SMS only).
    `now` is accepted like desk.notify.content.render's; nothing here depends on it."""
    if MessageTemplate(message.template) != MessageTemplate.CONSULT_TURN:
        raise PermanentError("not a message for a consultation desk visitor",
                             code="no_template")
    channel = MessageChannel(message.channel)
    if channel != MessageChannel.SMS:
        raise PermanentError("visitors at a consultation desk get an SMS only",
                             code="no_voice")
    with force_locale(message.locale):
        context = turn_context(message)
        text = _squash(_template("sms", MessageTemplate.CONSULT_TURN.value).render(context))
    return Content(channel, sms_body=text)
