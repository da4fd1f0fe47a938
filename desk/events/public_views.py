"""Public pages: the upcoming schedule (by week, venue and kind) and session details."""

from datetime import timedelta

from flask import render_template, request

from desk.core.timeutil import local_today, utcnow, week_start
from desk.core.web import get_or_404, parse_day, parse_id
from desk.events import availability, queries
from desk.events.labels import KIND_LABELS
from desk.events.models import EventSession, SessionKind, VenueKind
from desk.extensions import db


def parse_filters(args):
    """(venue, kind) from the query string; unknown values mean "all"."""
    venue = None
    venue_id = parse_id(args.get("venue", ""))
    if venue_id is not None:
        venue = db.session.get(queries.Venue, venue_id)
    kind = None
    if args.get("kind") in {member.value for member in SessionKind}:
        kind = SessionKind(args["kind"])
    return venue, kind


def schedule():
    today = local_today()
    requested = parse_day(request.args.get("week", ""))
    first_day = week_start(requested or today)
    last_day = first_day + timedelta(days=6)
    venue, kind = parse_filters(request.args)
    sessions = queries.sessions_between(first_day, last_day,
                                        venue_id=venue.id if venue else None, kind=kind)
    return render_template(
        "public/schedule.html",
        days=queries.group_by_day(sessions, first_day, 7),
        counts=availability.of_sessions(session for session in sessions
                                        if session.takes_bookings),
        now=utcnow(),
        first_day=first_day,
        last_day=last_day,
        today=today,
        previous_week=first_day - timedelta(days=7),
        next_week=first_day + timedelta(days=7),
        venue=venue,
        kind=kind,
        venues=queries.venues(active_only=True),
        kinds=KIND_LABELS,
    )


def session_detail(session_id):
    session = get_or_404(EventSession, session_id)
    return render_template("public/session.html", session=session, now=utcnow(),
                           count=availability.of_sessions([session]).get(session.id))


def venues():
    return render_template("public/venues.html",
                           venues=queries.venues(active_only=True, kind=VenueKind.CITY))
