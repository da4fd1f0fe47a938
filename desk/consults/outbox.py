"""What consultation desks tell notify about their messages (desk.notify.kinds): the
"your turn is coming" SMS about a ticket, and the ticket's visitor as its recipient
(desk.consults.messages). Replies to it are not read; it never becomes a call. Imported
with the package (desk/consults/__init__.py)."""

from desk.consults import messages
from desk.notify import kinds

TURN_MESSAGES = kinds.register_topic(kinds.Topic(
    name=messages.TOPIC,
    templates=messages.LABELS,
    render=messages.render,
    check_send_again=messages.check_send_again,
    describe=messages.describe,
    error_labels=messages.ERROR_LABELS,
    answer_sms=messages.answer_sms,
))
VISITORS = kinds.register_recipients(kinds.Recipients(
    kind=messages.RECIPIENT,
    label=messages.RECIPIENT_LABEL,
    address=messages.current_address,
    addressees=messages.addressees,
))
