"""The coordinators' outbox pages: every message by state, and the failed and unknown
messages that wait for a decision ("send again", "it arrived", "phoned the person").

The role check is installed for the whole blueprint (desk.notify.blueprint).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.core.phone import display_phone
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_page
from desk.notify import kinds, labels, optout, queries, services
from desk.notify.models import (
    MessageChannel,
    MessageState,
    OutboxMessage,
    RecipientKind,
    Resolution,
)
from desk.people.models import Person, ProxyContact

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
        "template_label": kinds.template_label,
        "resolution_labels": labels.RESOLUTION_LABELS,
        "error_label": labels.error_label,
    }


def _person_addressee(message):
    """A resident, or a proxy contact (linked to the resident they stand in for)."""
    person = message.person
    url = url_for("people.detail", person_id=person.id) if person is not None else None
    if message.recipient_kind == RecipientKind.PROXY and message.proxy is not None:
        return kinds.Addressee(message.proxy.name, url, _(
            "Contact for %(person)s", person=person.name if person is not None else "–"))
    return kinds.Addressee(person.name if person is not None else "–", url)


def _about(messages):
    """What the pages show of each message: ({id: Addressee}, {id: subject}), in a few
    queries for the whole list."""
    addressees = kinds.addressees(messages)
    for message in messages:
        if message.recipient_kind in (RecipientKind.PERSON, RecipientKind.PROXY):
            addressees[message.id] = _person_addressee(message)
        addressees.setdefault(message.id, kinds.Addressee("–"))
    return addressees, kinds.describe(messages)


def outbox():
    raw_state = request.args.get("state") or ""
    state = MessageState(raw_state) if raw_state in STATE_VALUES else None
    result = queries.messages(state=state, page=parse_page(request.args.get("page")))
    addressees, subjects = _about(result.items)
    return render_template("notify/staff/outbox.html", counts=queries.state_counts(),
                           state=state, result=result, addressees=addressees,
                           subjects=subjects, waiting=queries.count_needing_decision())


def attention():
    messages, decided = queries.needing_decision(), queries.recently_decided()
    addressees, subjects = _about([*messages, *decided])
    return render_template("notify/staff/attention.html", messages=messages, decided=decided,
                           addressees=addressees, subjects=subjects)


def decide(message_id):
    message = get_or_404(OutboxMessage, message_id)
    decision = request.form.get("decision", "")
    result = attempt(None, lambda: services.resolve_message(
        message, decision, actor=current_user, now=utcnow()))
    if result is not FAILED:
        flash(str(DONE_MESSAGES[result.resolution]), "success")
    return redirect(url_for("notify.attention"))


# -- stopping a channel from a person's page --------------------------------------------------

def _holder(person):
    """The person, or the proxy contact of theirs the form names (`proxy_id`)."""
    raw = request.form.get("proxy_id", "")
    if not raw:
        return person
    proxy = get_or_404(ProxyContact, raw)
    if proxy.person_id != person.id:
        abort(404)
    return proxy


def _change_channel(person_id, change, done):
    """Stop or allow a channel of the person (or of a proxy contact of theirs); back to
    the person's page with what changed."""
    person = get_or_404(Person, person_id)
    holder = _holder(person)
    raw = request.form.get("channel", "")
    if attempt(None, lambda: change(holder, raw, actor=current_user, now=utcnow())) \
            is not FAILED:
        channel = MessageChannel(raw)
        address = optout.address_for(holder, channel)
        shown = address if channel == MessageChannel.EMAIL else display_phone(address)
        flash(done(labels.CHANNEL_LABELS[channel], shown), "success")
    return redirect(url_for("people.detail", person_id=person.id, _anchor="channels-heading"))


def stop_channel(person_id):
    return _change_channel(person_id, optout.stop_channel, lambda channel, address: _(
        "%(channel)s to %(address)s: stopped. Nothing of this kind goes there until a "
        "coordinator allows it again.", channel=channel, address=address))


def allow_channel(person_id):
    return _change_channel(person_id, optout.allow_channel, lambda channel, address: _(
        "%(channel)s to %(address)s: allowed again from now on.", channel=channel,
        address=address))
