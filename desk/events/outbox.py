"""What events tells notify about its messages (desk.notify.kinds): the messages
about a booking, how they are written (desk.events.messages), when "send again" no
longer makes sense, what they are about on the coordinators' pages, and what an SMS
reply or a key pressed in a call does (desk.events.replies). An SMS a landline refused
becomes one voice call. Imported with the package (desk/events/__init__.py)."""

from desk.events import messages, replies, survey_messages, surveys
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

SURVEY_TOPIC = kinds.register_topic(kinds.Topic(
    name=surveys.TOPIC,
    templates=survey_messages.LABELS,
    render=survey_messages.render,
    describe=survey_messages.describe,
    error_labels=survey_messages.ERROR_LABELS,
))
