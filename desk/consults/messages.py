"""The "your turn is coming" SMS to a visitor at a consultation desk: planning it, what
it says, and what notify asks about it (desk.consults.outbox registers these).

`plan_turn_notice` plans one CONSULT_TURN row for a ticket that asked for it (a mobile
number given at reception); desk.consults.services.plan_turn_notices decides when (once
DESK_CONSULT_NOTIFY_AHEAD or fewer tickets are before it). The row is about the ticket
(topic "ticket") and addressed to it (recipient kind "visitor", the ticket's id); it
helps while the session runs, so its `not_after` is the session's end, moved with the
session. The text, from templates/consults/messages/sms/consult_turn.txt, is one short
line: the city, the ticket number and the venue's short name — no name, no link, so
that it fits one SMS segment. Visitors get this SMS only: never a call (a landline
cannot ask for it: the reception form needs a mobile). Replies to it are not read.

A message whose ticket is gone, closed (served, cancelled) or already taken by a
volunteer, or whose session was cancelled, raises PermanentError: the dispatcher
records why it was not sent.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.consults.models import Ticket, TicketStatus
from desk.core.errors import ConflictError
from desk.core.i18n import city_name, force_locale, format_datetime_long
from desk.extensions import db
from desk.notify import planning
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, squash
from desk.notify.kinds import Addressee
from desk.notify.models import MessageChannel, OutboxMessage, ReplyAction

TOPIC = "ticket"
RECIPIENT = "visitor"
CONSULT_TURN = "consult_turn"
LABELS = {CONSULT_TURN: _l("Your turn is coming (consultation desk)")}
ERROR_LABELS = {
    "no_ticket": _l("The ticket no longer exists"),
    "ticket_closed": _l("The visitor's ticket was no longer waiting"),
}
RECIPIENT_LABEL = _l("Consultation desk visitor")

# a skipped visitor (called, not present) may still come back when told
STILL_WANTED = frozenset({TicketStatus.WAITING, TicketStatus.SKIPPED})


def turn_notice_values(*, ticket_id, phone, session, locale, now):
    """The column values of a ticket's turn SMS (the demo data writes them in bulk)."""
    return planning.message_values(
        CONSULT_TURN, topic=TOPIC, topic_id=ticket_id, recipient_kind=RECIPIENT,
        recipient_id=ticket_id, channel=MessageChannel.SMS, address=phone, locale=locale,
        due=now, now=now, not_after=session.end_dt)


def plan_turn_notice(ticket, *, locale, now):
    """Queue the turn SMS of one ticket (added to the session, not flushed)."""
    message = OutboxMessage(**turn_notice_values(
        ticket_id=ticket.id, phone=ticket.phone, session=ticket.session, locale=locale,
        now=now))
    db.session.add(message)
    return message


def cancel_turn_notice(ticket, *, now):
    planning.cancel_queued(TOPIC, [ticket.id], now=now)


def retime_session(session, *, now):
    """The session moved: its tickets' SMS must not go out after its new end."""
    planning.retime(TOPIC, select(Ticket.id).where(Ticket.session_id == session.id),
                    not_after=session.end_dt, now=now)


def ticket_of(message):
    if message.topic_id is None:
        return None
    return db.session.get(Ticket, message.topic_id)


def _template(channel, template):
    return current_app.jinja_env.get_template(f"consults/messages/{channel}/{template}.txt")


def turn_context(message):
    """What the template says; PermanentError when the message is not wanted any more."""
    ticket = ticket_of(message)
    if ticket is None:
        raise PermanentError("the message's ticket no longer exists", code="no_ticket")
    if ticket.status not in STILL_WANTED:
        raise PermanentError("the visitor's ticket is no longer waiting", code="ticket_closed")
    session = ticket.session
    if session.is_cancelled:
        raise PermanentError("the consultation session was cancelled", code="ticket_closed")
    return {
        "city": city_name(),
        "number": ticket.number,
        "place": session.venue.display_short_name,
    }


def render(message, *, now):
    """The Content of an outbox message to a consultation desk visitor (SMS only)."""
    channel = MessageChannel(message.channel)
    if channel != MessageChannel.SMS:
        raise PermanentError("visitors at a consultation desk get an SMS only",
                             code="no_voice")
    with force_locale(message.locale):
        context = turn_context(message)
        text = squash(_template("sms", CONSULT_TURN).render(context))
    return Content(channel, sms_body=text)


# -- what notify asks about these messages -----------------------------------------------------

def check_send_again(message, *, now):
    """The turn SMS helps while the visitor waits, during the session."""
    ticket = ticket_of(message)
    if ticket is None or ticket.status not in STILL_WANTED:
        raise ConflictError(_("The visitor's ticket is no longer waiting: this message is "
                              "no longer wanted."))
    if ticket.session.end_dt <= now:
        raise ConflictError(_("The consultation session is over: sending the message now "
                              "would not help."))


def _tickets(messages, column):
    ids = {getattr(message, column) for message in messages} - {None}
    return {ticket.id: ticket for ticket in db.session.scalars(
        select(Ticket).where(Ticket.id.in_(ids)))} if ids else {}


def describe(messages):
    """{message id: "session title, start"} for the coordinators' pages."""
    tickets = _tickets(messages, "topic_id")
    texts = {}
    for message in messages:
        ticket = tickets.get(message.topic_id)
        if ticket is not None:
            texts[message.id] = (f"{ticket.session.display_title}, "
                                 f"{format_datetime_long(ticket.session.start_dt)}")
    return texts


def answer_sms(message, text, *, address, previous, now):
    """Nobody reads replies to the turn SMS (a reply never touches a booking of the
    same number)."""
    return ReplyAction.HELP, _(
        "Replies to this message are not read. Please come back to the consultation "
        "desk. Questions: %(phone)s", phone=current_app.config["DESK_DESK_PHONE"])


def current_address(message):
    ticket = db.session.get(Ticket, message.recipient_id) if message.recipient_id else None
    return ticket.phone if ticket is not None else None


def addressees(messages):
    """{message id: Addressee}: the visitor's name, or their ticket number."""
    tickets = _tickets(messages, "recipient_id")
    found = {}
    for message in messages:
        ticket = tickets.get(message.recipient_id)
        name = "–"
        if ticket is not None:
            name = ticket.visitor_name or _("Number %(number)d", number=ticket.number)
        found[message.id] = Addressee(name, None, str(RECIPIENT_LABEL))
    return found
