"""SMS through Twilio's Messages API.

The sender is DESK_TWILIO_MESSAGING_SERVICE_SID when set, else DESK_SMS_FROM (a number,
or an alphanumeric sender ID: one-way). Where webhooks work, each message carries a
status callback URL that names its outbox row (desk.notify.webhooks.record_status).
"""

from datetime import timedelta

from sqlalchemy import select

from desk.core.web import public_url_for
from desk.extensions import db
from desk.notify.channels.base import SendResult
from desk.notify.channels.twilio_client import provider_errors

# Twilio's message statuses -> outbox states, for reconciliation
LOOKUP_STATES = {
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
LOOKUP_LIMIT = 50
# the provider's clock and ours may differ a little
CLOCK_SKEW = timedelta(minutes=2)


def status_callback(message, config):
    from desk.notify.webhooks import webhooks_enabled

    if not webhooks_enabled(config):
        return None
    return public_url_for("twilio.status", message_id=message.id)


def unclaimed(message, candidates, since):
    """The provider's records created since `since` that no other outbox row claims
    as its own, oldest first."""
    recent = [item for item in candidates
              if item.date_created is not None and item.date_created >= since]
    if not recent:
        return []
    from desk.notify.models import OutboxMessage

    taken = set(db.session.scalars(
        select(OutboxMessage.provider_id).where(
            OutboxMessage.provider_id.in_([item.sid for item in recent]),
            OutboxMessage.id != message.id)))
    return sorted((item for item in recent if item.sid not in taken),
                  key=lambda item: item.date_created)


class TwilioSms:
    def __init__(self, client, config):
        self.client = client
        self.config = config

    def _sender(self):
        service_sid = self.config["DESK_TWILIO_MESSAGING_SERVICE_SID"]
        if service_sid:
            return {"messaging_service_sid": service_sid}
        return {"from_": self.config["DESK_SMS_FROM"]}

    def send(self, message, content):
        options = {"to": message.address, "body": content.sms_body, **self._sender()}
        callback = status_callback(message, self.config)
        if callback:
            options["status_callback"] = callback
        with provider_errors():
            sent = self.client.messages.create(**options)
        return SendResult(provider_id=sent.sid, state="sent")

    def lookup(self, message):
        """The provider's record of `message` when a dispatcher died after claiming it:
        a message to the same number, created since the claim, with the same text,
        that no other outbox row has as its provider id.
        Returns a SendResult whose state is sent, delivered, undelivered or failed, or
        None when the provider has no such message (it was never sent)."""
        from desk.notify.content import render

        body = render(message).sms_body
        since = (message.claimed_dt or message.updated_dt) - CLOCK_SKEW
        with provider_errors():
            candidates = self.client.messages.list(to=message.address, limit=LOOKUP_LIMIT)
        for candidate in unclaimed(message, candidates, since):
            if candidate.body == body:
                return SendResult(provider_id=candidate.sid,
                                  state=LOOKUP_STATES.get(str(candidate.status), "sent"))
        return None
