"""What every channel backend offers the dispatcher.

`send(message, content)` hands one rendered message to the provider and returns a
`SendResult`; it raises `TransientError` when trying again later may work (HTTP 429,
5xx, timeouts) and `PermanentError` when it will not (an invalid number, a landline
for SMS, an opted-out recipient), with the provider's error code.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    provider_id: str | None
    # the outbox state after the hand-over: "sent" (accepted by the provider) or
    # "logged" (no provider configured: recorded and printed, not sent)
    state: str


class ChannelError(Exception):
    def __init__(self, message, *, code=None):
        super().__init__(message)
        self.code = code


class TransientError(ChannelError):
    """Not processed; safe to try again with backoff."""


class PermanentError(ChannelError):
    """Refused for good; `code` says why (e.g. Twilio 21211, 21614, 21610)."""


class OutcomeUnknown(ChannelError):
    """The request went out but no answer came back (a read timeout): the provider may
    have accepted it. Not retried blindly: the message becomes `unknown` and is looked
    up at the provider (`lookup`) or decided by a coordinator."""
