"""What consultation desks tell notify about their messages (desk.notify.registry): the
"your turn is coming" SMS about a ticket, and the ticket's visitor as its recipient
(desk.consults.messages). Replies to it are not read; it never becomes a call. Imported
with the package (desk/consults/__init__.py)."""

from desk.consults import messages
from desk.notify import registry

TURN_MESSAGES = registry.register_topic(registry.Topic(
    name=messages.TOPIC,
    templates=messages.LABELS,
    render=messages.render,
    check_send_again=messages.check_send_again,
    describe=messages.describe,
    error_labels=messages.ERROR_LABELS,
    answer_sms=messages.answer_sms,
))
VISITORS = registry.register_recipients(registry.Recipients(
    kind=messages.RECIPIENT,
    label=messages.RECIPIENT_LABEL,
    address=messages.current_address,
    addressees=messages.addressees,
))
