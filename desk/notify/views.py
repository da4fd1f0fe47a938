"""The coordinators' outbox pages: every message by state, and the failed and unknown
messages that wait for a decision ("send again", "it arrived", "phoned the person").

The role check is installed for the whole blueprint (desk.notify.blueprint).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.notify import labels, queries, services
from desk.notify.models import MessageState, OutboxMessage, RecipientKind, Resolution

DONE_MESSAGES = {
    Resolution.SENT_AGAIN: _l("The message is queued and goes out shortly."),
    Resolution.ARRIVED: _l("The message is recorded as arrived."),
    Resolution.CALLED: _l("The call is recorded; the message leaves the list."),
}

STATE_VALUES = frozenset(state.value for state in MessageState)


def template_helpers():
    return {
        "state_labels": labels.STATE_LABELS,
        "message_channel_labels": labels.CHANNEL_LABELS,
        "template_labels": labels.TEMPLATE_LABELS,
        "resolution_labels": labels.RESOLUTION_LABELS,
        "error_label": labels.error_label,
        "recipient_of": _recipient,
        "recipient_labels": labels.RECIPIENT_LABELS,
        "shift_role_label": _shift_role_label,
    }


def _shift_role_label(role):
    from desk.volunteers.labels import role_label

    return role_label(role)


def _recipient(message):
    """(name, is_proxy) of whoever the message was for."""
    if message.recipient_kind == RecipientKind.VOLUNTEER:
        return (message.volunteer.name if message.volunteer else "–"), False
    if message.recipient_kind == RecipientKind.VISITOR:
        ticket = message.ticket
        if ticket is None:
            return "–", False
        return ticket.visitor_name or _("Number %(number)d", number=ticket.number), False
    if message.proxy is not None:
        return message.proxy.name, True
    return (message.person.name if message.person else "–"), False


def _page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def outbox():
    raw_state = request.args.get("state") or ""
    state = MessageState(raw_state) if raw_state in STATE_VALUES else None
    return render_template("notify/staff/outbox.html", counts=queries.state_counts(),
                           state=state, result=queries.messages(state=state,
                                                                page=_page_number()),
                           waiting=queries.count_needing_decision())


def attention():
    return render_template("notify/staff/attention.html",
                           messages=queries.needing_decision(),
                           decided=queries.recently_decided())


def decide(message_id):
    message = get_or_404(OutboxMessage, message_id)
    decision = request.form.get("decision", "")
    result = attempt(None, lambda: services.resolve_message(
        message, decision, actor=current_user, now=utcnow()))
    if result is not FAILED:
        flash(str(DONE_MESSAGES[result.resolution]), "success")
    return redirect(url_for("notify.attention"))
