"""Who may open a session's roster: need to know.

Coordinators and admins open every roster. Anyone else (a volunteer) opens a session's
roster, its print view, and marks attendance there only while they staff the session
and only around its day: from DESK_ROSTER_DAYS_BEFORE days before the session's first
day until DESK_ROSTER_DAYS_AFTER days after its last (Japan days, inclusive; 1 and 1 by
default). Whether someone staffs a session is known to the package that runs the
shifts, above events: it registers, when it is imported, `staffed(user, session_ids)
-> set of the ids among them that the user staffs`; events asks without knowing what
is behind it. With nothing registered, nobody but staff staffs anything.

The roster pages, the day's printed rosters and the attendance services all ask here
(`may_open_roster`, `rosters_open_to`, `check_roster_access`); the pages that link to
a roster ask too, so that they link only to what opens.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from desk.core.errors import PermissionDenied
from desk.core.i18n import format_date_long
from desk.core.timeutil import local_today, to_local

_staffing: list[Callable] = []


def register_staffing(staffed):
    """`staffed(user, session_ids) -> set of session ids` the user staffs now."""
    _staffing.append(staffed)
    return staffed


def roster_days(session):
    """The first and the last Japan day on which someone who staffs `session` may open
    its roster."""
    config = current_app.config
    return (to_local(session.start_dt).date() - timedelta(days=config["DESK_ROSTER_DAYS_BEFORE"]),
            to_local(session.end_dt).date() + timedelta(days=config["DESK_ROSTER_DAYS_AFTER"]))


def _in_window(session, today):
    first, last = roster_days(session)
    return first <= today <= last


def _staffed(user, session_ids):
    if not session_ids or getattr(user, "id", None) is None:
        return set()
    staffed = set()
    for check in _staffing:
        staffed |= set(check(user, session_ids))
    return staffed


def rosters_open_to(user, sessions, *, now):
    """The sessions among `sessions` whose roster `user` may open now, in their order."""
    if getattr(user, "is_staff", False):
        return list(sessions)
    today = local_today(now)
    timely = [session for session in sessions if _in_window(session, today)]
    staffed = _staffed(user, [session.id for session in timely])
    return [session for session in timely if session.id in staffed]


def may_open_roster(user, session, *, now):
    return bool(rosters_open_to(user, [session], now=now))


def check_roster_access(user, session, *, now):
    """PermissionDenied (403) unless `user` may open the roster of `session` now."""
    if not may_open_roster(user, session, now=now):
        first, last = roster_days(session)
        raise PermissionDenied(_(
            "Volunteers can open the roster of a session only while they have a shift "
            "there, from %(first)s to %(last)s. If you need it, please ask the "
            "coordinator.", first=format_date_long(first), last=format_date_long(last)))
