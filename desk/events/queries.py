"""Read-only look-ups for the schedule pages and the API."""

from collections import defaultdict
from datetime import time, timedelta

from sqlalchemy import and_, or_, select

from desk.core.timeutil import local_datetime, local_day_bounds, to_local
from desk.events.models import (
    District,
    EventSession,
    Program,
    SessionKind,
    SessionSeries,
    SessionStatus,
    Venue,
)
from desk.extensions import db


def sessions_between(first_day, last_day, *, venue_id=None, kind=None, include_cancelled=True):
    """Sessions starting on the local dates first_day..last_day, in time order."""
    start, end = local_day_bounds(first_day, last_day)
    query = (select(EventSession)
             .where(EventSession.start_dt >= start, EventSession.start_dt < end)
             .order_by(EventSession.start_dt, EventSession.id))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    if kind is not None:
        query = query.where(EventSession.kind == SessionKind(kind))
    if not include_cancelled:
        query = query.where(EventSession.status != SessionStatus.CANCELLED)
    return db.session.scalars(query).unique().all()


def group_by_day(sessions, first_day, days):
    """{local date: [sessions]} for each of `days` days from first_day (empty days too)."""
    grouped = defaultdict(list)
    for session in sessions:
        grouped[to_local(session.start_dt).date()].append(session)
    return {first_day + timedelta(days=offset): grouped.get(first_day + timedelta(days=offset), [])
            for offset in range(days)}


def upcoming_at_venue(venue_id, now, limit=10):
    query = (select(EventSession)
             .where(EventSession.venue_id == venue_id, EventSession.start_dt >= now,
                    EventSession.status == SessionStatus.SCHEDULED)
             .order_by(EventSession.start_dt).limit(limit))
    return db.session.scalars(query).unique().all()


def venues(*, active_only=False):
    query = select(Venue).order_by(Venue.name_kana, Venue.id)
    if active_only:
        query = query.where(Venue.is_active.is_(True))
    return db.session.scalars(query).unique().all()


def programs(*, active_only=False):
    query = select(Program).order_by(Program.title_kana, Program.id)
    if active_only:
        query = query.where(Program.is_active.is_(True))
    return db.session.scalars(query).all()


def districts():
    return db.session.scalars(select(District).order_by(District.position,
                                                        District.name_kana)).all()


def series_list():
    query = select(SessionSeries).order_by(SessionSeries.status, SessionSeries.start_date.desc(),
                                           SessionSeries.id)
    return db.session.scalars(query).unique().all()


def sessions_page(first_day, last_day=None, *, kinds=(), venue_id=None, after=None, limit=50):
    """Up to `limit` sessions starting on the local dates first_day..last_day (no end
    when last_day is None), ordered by start time then id, after the keyset
    `after` = (start_dt, id) of the previous page's last session."""
    query = select(EventSession).where(
        EventSession.start_dt >= local_datetime(first_day, time(0)))
    if last_day is not None:
        query = query.where(EventSession.start_dt < local_day_bounds(first_day, last_day)[1])
    if kinds:
        query = query.where(EventSession.kind.in_([SessionKind(kind) for kind in kinds]))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    if after is not None:
        after_dt, after_id = after
        query = query.where(or_(EventSession.start_dt > after_dt,
                                and_(EventSession.start_dt == after_dt,
                                     EventSession.id > after_id)))
    query = query.order_by(EventSession.start_dt, EventSession.id).limit(limit)
    return db.session.scalars(query).unique().all()


def venues_page(*, after=None, limit=50):
    """Up to `limit` venues (in use or not) in kana order, after the keyset
    `after` = (name_kana, id)."""
    query = select(Venue)
    if after is not None:
        after_kana, after_id = after
        query = query.where(or_(Venue.name_kana > after_kana,
                                and_(Venue.name_kana == after_kana, Venue.id > after_id)))
    query = query.order_by(Venue.name_kana, Venue.id).limit(limit)
    return db.session.scalars(query).unique().all()
