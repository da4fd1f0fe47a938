"""What happens to sessions, for the packages that hang their own records on them (the
volunteers' shifts). Receivers run inside the same transaction as the change.

- `session_moved(session, before=..., actor=..., now=...)`: the time or venue changed;
  `before` holds the old start_dt, end_dt and venue_id.
- `session_cancelled(session, actor=..., now=...)`: the session was cancelled.
"""

from blinker import Namespace

signals = Namespace()

session_moved = signals.signal("session-moved")
session_cancelled = signals.signal("session-cancelled")
