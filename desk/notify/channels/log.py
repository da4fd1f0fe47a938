"""The log backend: used for a channel with no provider configured (no Twilio
credentials or sender, no DESK_SMTP_URL). It prints that the message was NOT SENT (its
kind, channel and masked address, never its text), and the outbox records it as
`logged` — never as sent or delivered."""

import logging

from desk.notify.channels.base import SendResult

logger = logging.getLogger("desk.notify")


def masked(address):
    """'+819012345678' -> '+8190****5678'; 'keiko@example.jp' -> 'k***@example.jp'."""
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return address[:5] + "*" * max(len(address) - 9, 0) + address[-4:]


class LogBackend:
    """Says that a message was logged, of which kind, on which channel and to whom
    (masked), and nothing of what it says: the body may carry a one-time link, a booking
    code or a name, and the server's output is kept where no one should read those."""

    def send(self, message, content):
        print(f"[desk] NOT SENT (no provider configured) {message.channel} #{message.id} "
              f"{message.template}/{message.topic} to {masked(message.address)}", flush=True)
        logger.info("message %s (%s/%s) to %s logged, not sent (no %s provider configured)",
                    message.id, message.template, message.topic, masked(message.address),
                    message.channel)
        return SendResult(provider_id=None, state="logged")
