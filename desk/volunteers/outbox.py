"""What volunteers tell notify about their messages (desk.notify.kinds): messages
about a shift and about a login account (an invitation, a password reset), how they are
written and checked (desk.volunteers.messages), and volunteers as recipients. Replies
to them are not read; an SMS a landline refused never becomes a call (volunteers get SMS
or e-mail). Imported with the package (desk/volunteers/__init__.py)."""

from desk.notify import kinds
from desk.volunteers import messages
from desk.volunteers.notices import ACCOUNT_TOPIC, RECIPIENT, SHIFT_TOPIC

SHIFT_MESSAGES = kinds.register_topic(kinds.Topic(
    name=SHIFT_TOPIC,
    templates=messages.SHIFT_LABELS,
    render=messages.render_shift,
    check_send_again=messages.check_shift_message,
    describe=messages.describe_shifts,
    error_labels=messages.SHIFT_ERROR_LABELS,
    answer_sms=messages.answer_sms,
))
ACCOUNT_MESSAGES = kinds.register_topic(kinds.Topic(
    name=ACCOUNT_TOPIC,
    templates=messages.ACCOUNT_LABELS,
    render=messages.render_account,
    check_send_again=messages.check_account_message,
    error_labels=messages.ACCOUNT_ERROR_LABELS,
    answer_sms=messages.answer_sms,
))
VOLUNTEERS = kinds.register_recipients(kinds.Recipients(
    kind=RECIPIENT,
    label=messages.RECIPIENT_LABEL,
    address=messages.current_address,
    addressees=messages.addressees,
))
