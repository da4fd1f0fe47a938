"""What a message says: the `Content` a channel sends, and the text helpers features
write theirs with.

`render(message)` asks the feature that registered the message's template
(desk.notify.kinds) to write it, in the recipient's language:
- SMS: the body, one line, no links;
- voice: the text said once and the TwiML of the whole call (desk.notify.voice.call_twiml
  says it twice and adds the key menu the feature registered);
- e-mail: subject, plain text and HTML, and a calendar invitation with its iTIP method
  where the feature has one.
A message whose template nobody registered cannot be written: PermanentError with
CODE_UNKNOWN_TEMPLATE (the dispatcher records it as failed).

Features' templates are Jinja with `{% trans %}` (English msgids, translated in the
catalogue), rendered under `flask_babel.force_locale(message.locale)`.
"""

import re
from dataclasses import dataclass

from desk.core.timeutil import utcnow
from desk.notify import kinds
from desk.notify.channels.base import PermanentError
from desk.notify.models import CODE_UNKNOWN_TEMPLATE, MessageChannel
from desk.notify.segments import count_segments


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


def squash(text):
    """One line: an SMS pays for every character, line breaks included."""
    return " ".join(text.split())


def tidy(text):
    """Plain e-mail text: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def fewest_segments(texts):
    """The first of `texts` that takes no more SMS segments than any other."""
    counted = [(count_segments(text).segments, index, text) for index, text in enumerate(texts)]
    return min(counted)[2]


# stands for a part of a text that has several possible wordings, while the text is
# written once (a private-use character: never in a template, a name or a translation)
CHOICE = "\ue000"


def fewest_segments_with(text, choices):
    """`text` (written with CHOICE where the choice goes) with the first of `choices`
    that keeps it to the fewest SMS segments, squashed: what rendering the text once per
    choice and keeping the shortest would give, for one rendering."""
    return fewest_segments([squash(text.replace(CHOICE, choice)) for choice in choices])


def render(message, *, now=None):
    """The Content of an outbox message, written by the feature that registered its
    template; PermanentError when it cannot be written."""
    topic = kinds.topic_of(message.template)
    if topic is None:
        raise PermanentError(f"no feature writes messages of template {message.template!r}",
                             code=CODE_UNKNOWN_TEMPLATE)
    return topic.render(message, now=now or utcnow())
