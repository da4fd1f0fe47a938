"""Read-only figures for coordinators: one consultation session's counts, times and
end-of-session summary, and the topics asked per venue and month.

Definitions (docs and tests rely on them):
- no-shows: tickets skipped (called, not present) and never recalled, i.e. still
  `skipped`;
- average wait: issue -> call, average service: call -> end, both over the served
  tickets only;
- the summary counts logged visits: topics (a visit with two topics counts for
  both), outcomes with their share of the visits, devices, and by the hour (JST) the
  visitor arrived, how many tickets were issued and how many of them were served;
- topics per month: a visit counts in the month (JST) its session started in, once for
  each topic it mentions; hidden topics are counted like the others.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desk.consults.models import (
    ConsultTopic,
    DeskPresence,
    Device,
    Outcome,
    Ticket,
    TicketStatus,
    Visit,
    visit_topics,
)
from desk.core.timeutil import add_months, local_datetime, to_local
from desk.events.models import EventSession, SessionKind
from desk.extensions import db

# -- one session ------------------------------------------------------------------------------


@dataclass
class Share:
    key: object  # a ConsultTopic, an Outcome, a Device
    count: int
    percent: int  # of the session's visits, rounded half up


@dataclass
class HourRow:
    hour: int  # 0..23, JST
    issued: int
    served: int


@dataclass
class SessionReport:
    counts: dict  # TicketStatus -> number of tickets
    total: int
    average_wait: timedelta | None
    average_service: timedelta | None
    on_duty: list  # names of the volunteers on duty now
    visits: int
    topics: list = field(default_factory=list)  # [Share], most asked first
    outcomes: list = field(default_factory=list)  # [Share] in Outcome order
    devices: list = field(default_factory=list)  # [Share], most seen first
    hours: list = field(default_factory=list)  # [HourRow]

    @property
    def waiting(self):
        return self.counts.get(TicketStatus.WAITING, 0)

    @property
    def serving(self):
        return self.counts.get(TicketStatus.SERVING, 0)

    @property
    def served(self):
        return self.counts.get(TicketStatus.SERVED, 0)

    @property
    def no_shows(self):
        return self.counts.get(TicketStatus.SKIPPED, 0)

    @property
    def cancelled(self):
        return self.counts.get(TicketStatus.CANCELLED, 0)


def _percent(count, total):
    return (count * 200 + total) // (total * 2) if total else 0


def _average(deltas):
    deltas = [delta for delta in deltas if delta is not None]
    if not deltas:
        return None
    return sum(deltas, timedelta(0)) / len(deltas)


def session_tickets(session):
    """All tickets of the session by number, with their visit, topics and server."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.session_id == session.id)
        .options(selectinload(Ticket.visit).selectinload(Visit.topics),
                 selectinload(Ticket.served_by), selectinload(Ticket.person))
        .order_by(Ticket.number)))


def on_duty_names(session, *, now):
    """Who serves now, by name (the rule of desk.consults.queue.on_duty): volunteers
    checked in on a live shift of the session and not checked out, and the people with
    its desk screen open in the last few minutes."""
    from desk.auth.models import User
    from desk.volunteers.models import (
        AssignmentStatus,
        Shift,
        ShiftAssignment,
        ShiftStatus,
        Volunteer,
    )

    rows = db.session.execute(
        select(Volunteer.name, Volunteer.user_id)
        .join(ShiftAssignment, ShiftAssignment.volunteer_id == Volunteer.id)
        .join(Shift, ShiftAssignment.shift_id == Shift.id)
        .where(Shift.session_id == session.id, Shift.status == ShiftStatus.ACTIVE,
               ShiftAssignment.status == AssignmentStatus.ACTIVE,
               ShiftAssignment.check_in_dt.is_not(None),
               ShiftAssignment.check_out_dt.is_(None))).all()
    names = [name for name, _user_id in rows]
    users = {user_id for _name, user_id in rows if user_id is not None}
    since = now - timedelta(minutes=DeskPresence.PRESENCE_MINUTES)
    for user_id, display_name in db.session.execute(
            select(DeskPresence.user_id, User.display_name)
            .join(User, User.id == DeskPresence.user_id)
            .where(DeskPresence.session_id == session.id,
                   DeskPresence.last_seen_dt >= since)):
        if user_id not in users:
            users.add(user_id)
            names.append(display_name)
    return sorted(names)


def session_report(session, tickets, *, now):
    """The figures of one session from its tickets (session_tickets)."""
    counts = Counter(ticket.status for ticket in tickets)
    served = [ticket for ticket in tickets if ticket.status == TicketStatus.SERVED]
    visits = [ticket.visit for ticket in tickets if ticket.visit is not None]
    report = SessionReport(
        counts=dict(counts), total=len(tickets),
        average_wait=_average([ticket.wait_delta for ticket in served]),
        average_service=_average([ticket.service_delta for ticket in served]),
        on_duty=on_duty_names(session, now=now), visits=len(visits))
    total = len(visits)
    topic_counts = Counter(topic for visit in visits for topic in visit.topics)
    report.topics = [Share(topic, count, _percent(count, total)) for topic, count in sorted(
        topic_counts.items(), key=lambda item: (-item[1], item[0].position, item[0].id))]
    outcome_counts = Counter(visit.outcome for visit in visits)
    report.outcomes = [Share(outcome, outcome_counts[outcome],
                             _percent(outcome_counts[outcome], total)) for outcome in Outcome]
    device_order = list(Device)
    device_counts = Counter(visit.device for visit in visits)
    report.devices = [Share(device, count, _percent(count, total)) for device, count in sorted(
        device_counts.items(), key=lambda item: (-item[1], device_order.index(item[0])))]
    issued = Counter(to_local(ticket.issued_dt).hour for ticket in tickets)
    served_by_hour = Counter(to_local(ticket.issued_dt).hour for ticket in served)
    report.hours = [HourRow(hour, issued[hour], served_by_hour[hour])
                    for hour in sorted(issued)]
    return report


# -- topics per venue and month ---------------------------------------------------------------

MAX_MONTHS = 36


@dataclass
class TopicTable:
    months: list  # first days of the months, in order
    topics: list  # ConsultTopic columns: every active topic, and hidden ones asked about
    cells: dict  # (month, topic id) -> visits mentioning the topic
    visits: dict  # month -> visits
    topic_totals: dict  # topic id -> visits mentioning it in the whole period
    total_visits: int

    def count(self, month, topic):
        return self.cells.get((month, topic.id), 0)


def month_bounds(first_month, last_month):
    """UTC [start, end) from the first day of `first_month` to the end of `last_month`,
    in JST."""
    return (local_datetime(first_month, time(0)),
            local_datetime(add_months(last_month, 1), time(0)))


def months_between(first_month, last_month):
    months, month = [], first_month
    while month <= last_month:
        months.append(month)
        month = add_months(month, 1)
    return months


def topic_table(first_month, last_month, venue_id=None):
    """Visits per month and topic for consultation sessions that started in the months
    first_month..last_month (first days of months) in JST, at one venue or all."""
    start, end = month_bounds(first_month, last_month)
    query = (select(Visit.id, EventSession.start_dt, visit_topics.c.topic_id)
             .join(EventSession, EventSession.id == Visit.session_id)
             .outerjoin(visit_topics, visit_topics.c.visit_id == Visit.id)
             .where(EventSession.start_dt >= start, EventSession.start_dt < end,
                    EventSession.kind == SessionKind.CONSULTATION))
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    cells, visit_months = Counter(), {}
    for visit_id, start_dt, topic_id in db.session.execute(query):
        month = _month_of(start_dt)
        visit_months[visit_id] = month
        if topic_id is not None:
            cells[(month, topic_id)] += 1
    asked = {topic_id for _month, topic_id in cells}
    topics = [topic for topic in db.session.scalars(
        select(ConsultTopic).order_by(ConsultTopic.position, ConsultTopic.id))
        if topic.is_active or topic.id in asked]
    topic_totals = Counter()
    for (_month, topic_id), count in cells.items():
        topic_totals[topic_id] += count
    return TopicTable(months=months_between(first_month, last_month), topics=topics,
                      cells=dict(cells), visits=dict(Counter(visit_months.values())),
                      topic_totals=dict(topic_totals), total_visits=len(visit_months))


def _month_of(start_dt):
    local = to_local(start_dt)
    return date(local.year, local.month, 1)


def consultation_sessions(first_month, last_month, venue_id=None):
    """The consultation sessions of the period (for links from the report), latest
    first."""
    start, end = month_bounds(first_month, last_month)
    query = select(EventSession).where(EventSession.kind == SessionKind.CONSULTATION,
                                       EventSession.start_dt >= start,
                                       EventSession.start_dt < end)
    if venue_id is not None:
        query = query.where(EventSession.venue_id == venue_id)
    return list(db.session.scalars(query.order_by(EventSession.start_dt.desc())))


def month_label_value(month):
    """The month as YYYY-MM (query strings and the CSV)."""
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(raw):
    """The first day of a YYYY-MM month (2000..2099), or None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isascii() \
            or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        return None
    return date(year, month, 1)

