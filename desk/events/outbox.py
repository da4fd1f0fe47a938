"""What events tells notify about its messages (desk.notify.kinds): the messages
about a booking, how they are written (desk.events.messages), when "send again" no
longer makes sense, what they are about on the coordinators' pages, and what an SMS
reply or a key pressed in a call does (desk.events.replies). An SMS a landline refused
becomes one voice call. The digest of new classes (desk.events.news_digest) is a topic
of its own, "news", whose SMS answers 停止 / STOP itself: it stops the news only.
Imported with the package (desk/events/__init__.py)."""

from desk.events import (
    messages,
    news,
    news_digest,
    outreach_messages,
    replies,
    session_messages,
    survey_messages,
    surveys,
)
from desk.events.notices import TOPIC
from desk.notify import kinds

BOOKING_TOPIC = kinds.register_topic(kinds.Topic(
    name=TOPIC,
    templates=messages.LABELS,
    render=messages.render,
    check_send_again=messages.check_send_again,
    describe=messages.describe,
    error_labels=messages.ERROR_LABELS,
    voice_fallback=True,
    answer_sms=replies.answer_sms,
    key_menu=replies.KEY_MENU,
))

# a coordinator's note to the people of a session (desk.events.session_messages): no key
# menu of its own (the call offers notify's "no more calls"); an SMS a landline refused
# becomes a call
SESSION_MESSAGE_TOPIC = kinds.register_topic(kinds.Topic(
    name=session_messages.TOPIC,
    templates=session_messages.LABELS,
    render=session_messages.render,
    check_send_again=session_messages.check_send_again,
    describe=session_messages.describe,
    voice_fallback=True,
))

NEWS_TOPIC = kinds.register_topic(kinds.Topic(
    name=news.TOPIC,
    templates=news_digest.LABELS,
    render=news_digest.render,
    describe=news_digest.describe,
    error_labels=news_digest.ERROR_LABELS,
    answer_sms=news_digest.answer_sms,
    answers_stop=True,
))

SURVEY_TOPIC = kinds.register_topic(kinds.Topic(
    name=surveys.TOPIC,
    templates=survey_messages.LABELS,
    render=survey_messages.render,
    describe=survey_messages.describe,
    error_labels=survey_messages.ERROR_LABELS,
))

# the contact person of a group's outreach request (desk.events.outreach_messages): told
# of each step of the request
OUTREACH_TOPIC = kinds.register_topic(kinds.Topic(
    name=outreach_messages.TOPIC,
    templates=outreach_messages.LABELS,
    render=outreach_messages.render,
    describe=outreach_messages.describe,
    error_labels=outreach_messages.ERROR_LABELS,
    answer_sms=outreach_messages.answer_sms,
))
REQUESTERS = kinds.register_recipients(kinds.Recipients(
    kind=outreach_messages.RECIPIENT,
    label=outreach_messages.RECIPIENT_LABEL,
    address=outreach_messages.current_address,
    addressees=outreach_messages.addressees,
))
