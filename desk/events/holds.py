"""What packages above events hang on a session, that a series edit must leave alone.

A series edit changes or removes the sessions still to come, except those it must not
touch (desk.events.services: past, cancelled, held, changed on their own, booked) and
those a package above events holds: volunteers with places on the session's shifts,
say. Such a package registers, when it is imported, a reason (a short key), the
message the coordinator reads (a lazy string with %(title)s and %(date)s) and a check
`check(session) -> bool`; events asks the checks without knowing what is behind them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hold:
    reason: str
    message: object  # a lazy string
    check: Callable


_holds: dict[str, Hold] = {}


def register(reason, message, check):
    _holds[reason] = Hold(reason, message, check)


def held_by(session):
    """The reason of the first registered hold on `session`, or None."""
    if session.id is None:
        return None
    return next((hold.reason for hold in _holds.values() if hold.check(session)), None)


def message(reason):
    """The coordinator's message for a registered reason, or None."""
    hold = _holds.get(reason)
    return hold.message if hold is not None else None
