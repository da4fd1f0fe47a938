"""The registry of message kinds: what features tell notify about their messages, so
that notify never imports them.

A feature registers, when its package is imported (create_app imports every feature
before the first request):

- a `Topic` per subject its messages are about ("booking", "shift", "ticket"...): the
  templates it writes about it, with their labels, and what notify asks of those
  messages: how to write one (`render`), whether "send again" still makes sense
  (`check_send_again`, raising ConflictError with a translated reason), a short text
  saying what each is about for the coordinators' pages (`describe`, batch-loaded), the
  labels of its own error codes, whether an SMS a landline refused may become a voice
  call (`voice_fallback`), what an SMS answering one of its messages does (`answer_sms`)
  and the key menu of its calls (`key_menu`);
- a `Recipients` per kind of recipient that is not a person or a proxy contact (a
  volunteer, a consultation desk visitor): its label, its current address for "send
  again", and its name (and page) on the coordinators' pages, batch-loaded.

Template names are unique across topics: a message finds its topic by its template. A
message whose template nobody registered fails permanently (CODE_UNKNOWN_TEMPLATE);
planning one is a programming error (UnknownMessage).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from desk.notify.models import RecipientKind


class UnknownMessage(ValueError):
    """A template or recipient kind nobody registered: a programming error."""


@dataclass(frozen=True)
class Addressee:
    """Who a message is for, as the coordinators' pages show it."""

    name: str
    url: str | None = None  # the staff page of the recipient, if there is one
    note: str | None = None  # a second line (the kind of recipient, whose contact...)


# -- the key menu of a call ------------------------------------------------------------------

MENU_STEP = "gather"  # the step of the call's own menu (its URL: /twilio/voice/<id>/gather)


@dataclass(frozen=True)
class Say:
    """Say `text`, then the desk's number, and hang up."""

    text: str


@dataclass(frozen=True)
class Ask:
    """Say `text` and wait for one key, which goes to `step`; without a key, say
    `otherwise` and hang up."""

    text: str
    step: str
    otherwise: str


@dataclass(frozen=True)
class Repeat:
    """Play the whole call again."""


@dataclass(frozen=True)
class Menu:
    """Offer the menu again."""


@dataclass(frozen=True)
class KeyMenu:
    """The keys a call offers. `offered(message, now)`: whether the menu is offered at
    all (notify adds "webhooks work"); `prompt(message)`: what the menu says;
    `press(message, step, digits, now)`: a Say, Ask, Repeat or Menu for a key pressed at
    `step` (MENU_STEP, or a step an Ask named); `closed(message)`: what a key pressed
    when the menu is no longer offered hears. Key 8 and the step "stop" are notify's
    own (no more calls to this number: desk.notify.voice), never a feature's."""

    offered: Callable
    prompt: Callable
    press: Callable
    closed: Callable


# -- topics and recipients -------------------------------------------------------------------

def _nothing_to_check(message, *, now):
    return None


@dataclass(frozen=True)
class Topic:
    """What notify asks a feature about its messages on one subject.

    `render(message, *, now) -> Content`; `check_send_again(message, *, now)` raises
    ConflictError; `describe(messages) -> {message id: text}` reads every message's
    subject in a few queries; `answer_sms(message, text, *, address, previous, now) ->
    (ReplyAction, answer) or None` (None: notify's general help) gets the reply's text
    (NFKC, trimmed, lower case) and the latest earlier reply of that number; with
    `answers_stop`, the STOP words as well."""

    name: str
    templates: Mapping  # template name -> label (lazy)
    render: Callable
    check_send_again: Callable = _nothing_to_check
    describe: Callable | None = None
    error_labels: Mapping = field(default_factory=dict)
    voice_fallback: bool = False
    answer_sms: Callable | None = None
    key_menu: KeyMenu | None = None
    # True: `answer_sms` gets 停止 / STOP too, and a STOP answering one of these messages
    # ends only what they are about (a news subscription), not every SMS to the number
    answers_stop: bool = False


@dataclass(frozen=True)
class Recipients:
    """A kind of recipient a feature adds. `address(message)`: the number or address for
    the message's channel as it is now (None: none any more); `addressees(messages) ->
    {message id: Addressee}` in a few queries."""

    kind: str
    label: object  # lazy string
    address: Callable
    addressees: Callable


_topics = {}
_templates = {}
_recipients = {}


def register_topic(topic):
    """Register a feature's topic; a name or template already taken is an error."""
    if topic.name in _topics:
        raise ValueError(f"message topic {topic.name!r} is registered twice")
    taken = set(topic.templates) & set(_templates)
    if taken:
        raise ValueError(f"message templates registered twice: {sorted(taken)}")
    _topics[topic.name] = topic
    for template in topic.templates:
        _templates[str(template)] = topic
    return topic


def register_recipients(recipients):
    if recipients.kind in _recipients or recipients.kind in set(RecipientKind):
        raise ValueError(f"recipient kind {recipients.kind!r} is registered twice")
    _recipients[recipients.kind] = recipients
    return recipients


def topic_of(template):
    """The Topic that writes `template`, or None."""
    return _templates.get(str(template))


def recipients_of(kind):
    """The Recipients of a registered kind, or None (a person, a proxy, or unknown)."""
    return _recipients.get(str(kind))


def check_planned(template, topic, recipient_kind):
    """Refuse to plan a message nobody could write or address (UnknownMessage)."""
    registered = topic_of(template)
    if registered is None or registered.name != topic:
        raise UnknownMessage(f"no topic {topic!r} writes message template {template!r}")
    if recipient_kind not in set(RecipientKind) and recipient_kind not in _recipients:
        raise UnknownMessage(f"unknown recipient kind {recipient_kind!r}")


def templates():
    """{template: its Topic} of every registered template."""
    return dict(_templates)


def template_label(template):
    topic = topic_of(template)
    return topic.templates[template] if topic is not None else str(template)


def answering_templates():
    """The templates whose topic answers SMS replies."""
    return sorted(template for template, topic in _templates.items()
                  if topic.answer_sms is not None)


def error_labels():
    """Every feature's labels of its own error codes."""
    labels = {}
    for topic in _topics.values():
        labels.update(topic.error_labels)
    return labels


def describe(messages):
    """{message id: what it is about} for the messages whose topic can say it, each
    topic asked once for all of its messages."""
    by_topic = {}
    for message in messages:
        topic = topic_of(message.template)
        if topic is not None and topic.describe is not None:
            by_topic.setdefault(topic.name, []).append(message)
    texts = {}
    for name, group in by_topic.items():
        texts.update(_topics[name].describe(group))
    return texts


def addressees(messages):
    """{message id: Addressee} of the messages to a registered kind of recipient, each
    kind asked once for all of its messages."""
    by_kind = {}
    for message in messages:
        if message.recipient_kind in _recipients:
            by_kind.setdefault(message.recipient_kind, []).append(message)
    found = {}
    for kind, group in by_kind.items():
        found.update(_recipients[kind].addressees(group))
    return found
