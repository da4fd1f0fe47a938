"""Public pages: the upcoming schedule (by week, venue and kind) and session details."""

from datetime import timedelta

from flask import abort, render_template, request

from desk.core.timeutil import local_today, parse_iso_date, utcnow, week_start
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.events import queries
from desk.events.labels import KIND_LABELS
from desk.events.models import EventSession, SessionKind
from desk.extensions import db

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def parse_id(raw):
    """A row id from a query string or URL, or None when it cannot be one."""
    if isinstance(raw, str):
        raw = raw.strip()
        if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is True
            return None
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if 0 < raw <= MAX_ID else None


def get_or_404(model, identifier):
    instance = db.session.get(model, identifier) if parse_id(identifier) else None
    if instance is None:
        abort(404)
    return instance


def parse_day(raw):
    """A date from the query string within the years a schedule can hold, or None
    (0001-01-01 would overflow when the week or month around it is computed)."""
    day = parse_iso_date(raw or "")
    return day if day is not None and DATE_MIN <= day <= DATE_MAX else None


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
    return render_template("public/session.html", session=session, now=utcnow())


def venues():
    return render_template("public/venues.html", venues=queries.venues(active_only=True))
