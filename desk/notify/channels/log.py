"""The log backend: used for a channel with no provider configured (no Twilio
credentials or sender, no DESK_SMTP_URL). It prints the message, labelled as NOT SENT,
and the outbox records it as `logged` — never as sent or delivered."""

import logging

from desk.notify.channels.base import SendResult
from desk.notify.models import MessageChannel

logger = logging.getLogger("desk.notify")


def masked(address):
    """'+819012345678' -> '+8190****5678'; 'keiko@example.jp' -> 'k***@example.jp'."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return address[:5] + "*" * max(len(address) - 9, 0) + address[-4:]


def describe(message, content):
    channel = MessageChannel(message.channel)
    if channel == MessageChannel.SMS:
        return content.sms_body
    if channel == MessageChannel.VOICE:
        return content.voice_text
    method = f" [calendar {content.ics_method}]" if content.ics else ""
    return f"{content.email_subject}{method}\n{content.email_text}"


class LogBackend:
    def send(self, message, content):
        text = (f"[desk] NOT SENT (no provider configured) {message.channel} "
                f"#{message.id} to {masked(message.address)}: {describe(message, content)}")
        print(text, flush=True)
        logger.info("message %s logged, not sent (no %s provider configured)",
                    message.id, message.channel)
        return SendResult(provider_id=None, state="logged")
