"""The demo's messages as the dispatcher would have left them at the demo's `now`.

The demo has no SMS provider, so a message due before `now` has gone out through the
log backend (`logged`) — at its due time, or, for an SMS or call due in the quiet hours,
at their end (desk.notify.quiet.earliest_send), as the dispatcher defers it; one whose
quiet hours have not ended by `now` is still `queued`, due at their end.
"""

from flask import current_app

from desk.notify.models import MessageState
from desk.notify.quiet import earliest_send


def dispatched(channel, due, now):
    """(due, gone): the due time of a queued message planned for `due` as the dispatcher
    leaves it at `now`, and whether it has gone out (then at that time)."""
    if due > now:
        return due, False
    due = earliest_send(due, channel, current_app.config["DESK_QUIET_HOURS"])
    return due, due <= now


def cancel_waiting(rows, moment):
    """A change at `moment` (a cancellation, a promotion, a place given back): the rows
    that had not gone out by then are no longer wanted."""
    for row in rows:
        if row["state"] == MessageState.QUEUED and not dispatched(
                row["channel"], row["due_dt"], moment)[1]:
            row["state"] = MessageState.CANCELLED
            row["updated_dt"] = moment


def settle(row, now):
    """A message row (a dict for a bulk INSERT) planned as queued: logged at the time it
    went out, or still queued (deferred past the quiet hours), as at `now`."""
    if row["state"] != MessageState.QUEUED:
        return
    row["due_dt"], gone = dispatched(row["channel"], row["due_dt"], now)
    if gone:
        row["state"] = MessageState.LOGGED
        row["updated_dt"] = row["due_dt"]
