"""Volunteers, shifts, sign-up, hours and the calendar feed; receivers for the session
changes that move or cancel shifts, and what volunteers add to the schedule: a hold on
sessions with volunteers (a series edit leaves them alone), the understaffed panel
on the coordinators' sessions page, and who staffs a session (a volunteer opens only
those rosters, desk.events.access). Their messages are registered with notify on import
(desk.volunteers.outbox)."""

import logging

from flask_babel import lazy_gettext as _l

from desk.core import audit
from desk.events import access, holds, panels, signals
from desk.volunteers import outbox  # noqa: F401  (registers the volunteers' messages)

logger = logging.getLogger("desk.volunteers")

audit.personal_fields("volunteers", "name", "name_kana", "phone", "email")


@signals.session_moved.connect
def _session_moved(session, *, before, actor, now):
    from desk.volunteers import services

    services.session_moved(session, before=before, actor=actor, now=now)


@signals.session_cancelled.connect
def _session_cancelled(session, *, actor, now):
    from desk.volunteers import services

    services.session_cancelled(session, actor=actor, now=now)


def _has_volunteers(session):
    from desk.volunteers.queries import session_has_volunteers

    return session_has_volunteers(session)


holds.register("has_volunteers", _l(
    "Left alone: %(title)s on %(date)s, which has volunteers on its shifts; change it on "
    "its own so that they are told."), _has_volunteers)


@panels.register
def _understaffed_panel(*, venue, kind):
    from desk.volunteers.staff_views import understaffed_panel

    return understaffed_panel(venue=venue, kind=kind)


@access.register_staffing
def _staffed(user, session_ids):
    from desk.volunteers.queries import sessions_staffed_by

    return sessions_staffed_by(user, session_ids)
