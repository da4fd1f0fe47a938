"""Voice calls through Twilio's Calls API, from DESK_VOICE_FROM, with the call's TwiML
inline (desk.notify.voice builds it). Where webhooks work, the call's final status
(completed, busy, no-answer, failed) comes back to the status callback URL that names
the outbox row; busy and no-answer plan the one retry (desk.notify.voice.not_answered).
"""

from desk.notify.channels.base import SendResult
from desk.notify.channels.twilio_client import provider_errors
from desk.notify.channels.twilio_sms import (
    CLOCK_SKEW,
    LOOKUP_LIMIT,
    status_callback,
    unclaimed,
)

LOOKUP_STATES = {
    "completed": "delivered",
    "busy": "undelivered",
    "no-answer": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}


class TwilioVoice:
    def __init__(self, client, config):
        self.client = client
        self.config = config

    def send(self, message, content):
        options = {"to": message.address, "from_": self.config["DESK_VOICE_FROM"],
                   "twiml": content.voice_twiml}
        callback = status_callback(message, self.config)
        if callback:
            options.update(status_callback=callback, status_callback_method="POST",
                           status_callback_event=["completed"])
        with provider_errors():
            call = self.client.calls.create(**options)
        return SendResult(provider_id=call.sid, state="sent")

    def lookup(self, message):
        """The oldest call to this number placed since the claim that no other outbox
        row has as its provider id (a call has no text to compare); None when there
        is none, i.e. the call was never placed."""
        since = (message.claimed_dt or message.updated_dt) - CLOCK_SKEW
        with provider_errors():
            candidates = self.client.calls.list(to=message.address, limit=LOOKUP_LIMIT)
        found = unclaimed(message, candidates, since)
        if not found:
            return None
        return SendResult(provider_id=found[0].sid,
                          state=LOOKUP_STATES.get(str(found[0].status), "sent"))
