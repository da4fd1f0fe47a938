"""The KPI metrics, each defined once here (its `description` is the exact definition,
repeated word for word in docs/kpi.md), computed with SQL aggregates.

Common rules:
- A period is a range of local (JST) dates first..last inclusive; a session belongs to
  the period of the local date of its start (2026-03-31 23:30 JST is FY2025).
- A session is *held* when it is not cancelled and either completed or already
  started (scheduled with its start before `now`).
- People are counted after merges: a person merged into another one counts as the kept
  person (`merged_into_id`).
- Classes means the kinds class and outreach class.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased

from desk.consults.models import ConsultTopic, Outcome, Ticket, TicketStatus, Visit, visit_topics
from desk.consults.visit_forms import topic_label
from desk.core.districts import District
from desk.core.i18n import format_month, in_reader_language
from desk.core.timeutil import add_months, local_datetime, local_day_bounds, utcnow
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    EventSession,
    OutreachRequest,
    OutreachStatus,
    Program,
    SessionKind,
    SessionStatus,
    SurveyInvitation,
    Venue,
)
from desk.extensions import db
from desk.people.labels import AGE_BAND_LABELS
from desk.people.models import AgeBand, Person
from desk.reports.models import CanDo, SurveyEntry
from desk.volunteers.labels import AFFILIATION_LABELS
from desk.volunteers.models import Affiliation
from desk.volunteers.queries import hours_by_volunteer

UNITS = ("count", "percent", "hours", "score")
CLASS_KINDS = (SessionKind.CLASS, SessionKind.OUTREACH_CLASS)
AGED_70_PLUS = (AgeBand.SEVENTIES, AgeBand.EIGHTIES, AgeBand.NINETY_PLUS)
BREAKDOWNS = ("month", "venue", "district", "program", "age_band")


@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # lazy string
    unit: str
    description: object  # lazy string: the exact definition
    # a target is met when the figure stays at or below it (the no-show rate)
    lower_is_better: bool = False


@dataclass
class BreakdownRow:
    key: object  # month: its first date; venue/district/program: id or None; age_band: value
    label: str
    values: dict


METRICS = [
    Metric("classes_held", _l("Classes held"), "count", _l(
        "Smartphone classes (kind class) held in the period: not cancelled, and completed "
        "or already started.")),
    Metric("outreach_classes_held", _l("Outreach classes held"), "count", _l(
        "Outreach classes held in the period: not cancelled, and completed or already "
        "started.")),
    Metric("outreach_requests_received", _l("Outreach requests received"), "count", _l(
        "Requests for an outreach class received in the period (by the Japan date they "
        "were received), through the public form or taken by phone, whatever became of "
        "them.")),
    Metric("outreach_requests_held", _l("Outreach requests held"), "count", _l(
        "Requests for an outreach class that were scheduled and whose outreach class was "
        "held in the period.")),
    Metric("outreach_groups_reached", _l("Groups reached by outreach classes"), "count", _l(
        "Distinct groups (by name) whose requested outreach class was held in the "
        "period.")),
    Metric("awareness_events_held", _l("Awareness events held"), "count", _l(
        "Awareness events held in the period: not cancelled, and completed or already "
        "started.")),
    Metric("class_participants", _l("Class participants"), "count", _l(
        "Seats attended at classes and outreach classes held in the period: the seats of "
        "bookings marked attended, so companions count, walk-ins included; cancelled "
        "bookings, no-shows and bookings without attendance are not counted.")),
    Metric("awareness_headcount", _l("Awareness event headcount"), "count", _l(
        "People at awareness events held in the period: the anonymous headcount plus the "
        "seats of bookings marked attended.")),
    Metric("consultation_sessions_held", _l("Consultation sessions held"), "count", _l(
        "Consultation desk sessions held in the period: not cancelled, and completed or "
        "already started.")),
    Metric("consultation_visits", _l("Consultation visits"), "count", _l(
        "Served queue tickets at consultation sessions held in the period, anonymous "
        "visitors included; waiting, skipped and cancelled tickets are not counted.")),
    Metric("venues_used", _l("Venues used"), "count", _l(
        "Distinct venues of the sessions of any kind held in the period.")),
    Metric("residents_reached", _l("Residents reached"), "count", _l(
        "Distinct people with a booking marked attended at a session of any kind, or a "
        "served consultation ticket linked to a person, held in the period; a merged "
        "record counts as the person it was merged into.")),
    Metric("new_residents", _l("New residents"), "count", _l(
        "Residents reached in the period who were never reached (attended booking or "
        "served ticket at a held session) before the period's first day.")),
    Metric("returning_residents", _l("Residents who came back"), "count", _l(
        "Residents reached in the period at two or more different held sessions (of any "
        "kind) in the period.")),
    Metric("repeat_rate", _l("Repeat rate"), "percent", _l(
        "Residents who came back divided by residents reached, in percent.")),
    Metric("no_show_rate", _l("No-show rate"), "percent", _l(
        "Bookings marked no-show divided by bookings marked attended or no-show, at "
        "classes and outreach classes held in the period, in percent (bookings, not "
        "seats)."), lower_is_better=True),
    Metric("waiting_list_demand", _l("Waiting-list demand"), "count", _l(
        "Bookings still on the waiting list (never given a seat, not cancelled) at "
        "sessions held in the period: one per person and session.")),
    Metric("class_participant_residents", _l("Class participants (people)"), "count", _l(
        "Distinct people with a booking marked attended at classes and outreach classes "
        "held in the period, after merges (companions have no record and are not "
        "counted).")),
    Metric("share_aged_70_plus", _l("Participants aged 70 or over"), "percent", _l(
        "Of the class participants (people) whose age band is known, the share in the "
        "bands 70 to 79, 80 to 89 and 90 or over, in percent.")),
    Metric("age_not_given", _l("Participants with no age band"), "count", _l(
        "Class participants (people) whose age band is not recorded; they are left out "
        "of the share aged 70 or over.")),
    Metric("volunteer_hours", _l("Volunteer hours"), "hours", _l(
        "Hours worked on live shifts starting in the period: check-in to check-out (to "
        "the shift's end without a check-out), nothing without a check-in.")),
    Metric("active_volunteers", _l("Active volunteers"), "count", _l(
        "Distinct volunteers who checked in to at least one live shift starting in the "
        "period.")),
    Metric("resolved_share", _l("Consultations resolved"), "percent", _l(
        "Logged consultation visits of the period with the outcome resolved, divided by "
        "all logged visits of the period, in percent.")),
    Metric("referred_share", _l("Consultations referred"), "percent", _l(
        "Logged consultation visits of the period with the outcome referred, divided by "
        "all logged visits of the period, in percent.")),
    Metric("survey_responses", _l("Survey answers"), "count", _l(
        "Survey sheets entered for sessions held in the period, and the online surveys "
        "answered after the sessions of the period that have no sheets (one per person "
        "and session).")),
    Metric("survey_satisfaction", _l("Satisfaction"), "score", _l(
        "Mean satisfaction (1 to 5) of the survey sheets of the period, and of the "
        "online answers to \"was the class useful?\" (1 to 5), that answered it.")),
    Metric("survey_can_do_share", _l("Can now do it on their own"), "percent", _l(
        "Survey sheets of the period answering \"yes\" to \"can you now do it on your "
        "own?\", divided by the sheets that answered the question (yes, partly or no), "
        "in percent.")),
]

METRICS_BY_KEY = {metric.key: metric for metric in METRICS}

# what each breakdown shows: figures of sessions, or figures of people
SESSION_COLUMNS = ("classes_held", "outreach_classes_held", "awareness_events_held",
                   "consultation_sessions_held", "class_participants", "awareness_headcount",
                   "consultation_visits")
PEOPLE_COLUMNS = ("class_participant_residents", "residents_reached", "survey_responses")
OUTREACH_COLUMNS = ("outreach_requests_received", "outreach_requests_held",
                    "outreach_groups_reached")
BREAKDOWN_COLUMNS = {"month": SESSION_COLUMNS, "venue": SESSION_COLUMNS,
                     "program": SESSION_COLUMNS,
                     "district": (*PEOPLE_COLUMNS, *OUTREACH_COLUMNS),
                     "age_band": PEOPLE_COLUMNS}

_HELD_COUNTS = {SessionKind.CLASS: "classes_held",
                SessionKind.OUTREACH_CLASS: "outreach_classes_held",
                SessionKind.AWARENESS_EVENT: "awareness_events_held",
                SessionKind.CONSULTATION: "consultation_sessions_held"}


def _share(part, whole, digits=1):
    return round(100 * part / whole, digits) if whole else None


def _held(now):
    return and_(EventSession.status != SessionStatus.CANCELLED,
                or_(EventSession.status == SessionStatus.COMPLETED, EventSession.start_dt < now))


class _Scope:
    """UTC bounds of a period and the `now` that decides which sessions were held."""

    def __init__(self, first, last, now):
        self.start, self.end = local_day_bounds(first, last)
        self.now = now or utcnow()

    def sessions(self, group=None):
        """Held sessions of the period, with a grouping column `g`."""
        return (select((group if group is not None else literal(0)).label("g"),
                       EventSession.id.label("sid"), EventSession.kind.label("kind"),
                       EventSession.venue_id.label("venue_id"),
                       EventSession.anonymous_headcount.label("anonymous"))
                .where(_held(self.now), EventSession.start_dt >= self.start,
                       EventSession.start_dt < self.end)
                .subquery())

    def contacts(self, since=None):
        """(kept person id, session id, start) of attended bookings and served tickets
        with a person at held sessions starting from `since` (default: the period's
        start; None for all history) until the period's end."""
        kept = func.coalesce(Person.merged_into_id, Person.id)
        window = [_held(self.now), EventSession.start_dt < self.end]
        if since is not None:
            window.append(EventSession.start_dt >= since)
        bookings = (select(kept.label("pid"), EventSession.id.label("sid"),
                           EventSession.start_dt.label("start_dt"))
                    .select_from(Booking)
                    .join(EventSession, EventSession.id == Booking.session_id)
                    .join(Person, Person.id == Booking.person_id)
                    .where(Booking.attendance == Attendance.ATTENDED, *window))
        tickets = (select(kept.label("pid"), EventSession.id.label("sid"),
                          EventSession.start_dt.label("start_dt"))
                   .select_from(Ticket)
                   .join(EventSession, EventSession.id == Ticket.session_id)
                   .join(Person, Person.id == Ticket.person_id)
                   .where(Ticket.status == TicketStatus.SERVED, *window))
        return union_all(bookings, tickets).subquery()

    def class_people(self):
        """Distinct kept person ids with an attended booking at held classes."""
        kept = func.coalesce(Person.merged_into_id, Person.id)
        return (select(kept.label("pid")).select_from(Booking)
                .join(EventSession, EventSession.id == Booking.session_id)
                .join(Person, Person.id == Booking.person_id)
                .where(Booking.attendance == Attendance.ATTENDED,
                       EventSession.kind.in_(CLASS_KINDS), _held(self.now),
                       EventSession.start_dt >= self.start, EventSession.start_dt < self.end)
                .distinct().subquery())

    def reached_people(self):
        contacts = self.contacts(since=self.start)
        return select(contacts.c.pid).distinct().subquery()


def _session_figures(scope, group=None):
    """{group: {column: number}} of SESSION_COLUMNS (+ the raw counts the rates need)."""
    base = scope.sessions(group)
    figures = {}

    def row(key):
        return figures.setdefault(key, dict.fromkeys(
            (*SESSION_COLUMNS, "attended_bookings", "no_shows", "waiting_list_demand"), 0))

    for key, kind, sessions, anonymous in db.session.execute(
            select(base.c.g, base.c.kind, func.count(), func.coalesce(func.sum(base.c.anonymous), 0))
            .group_by(base.c.g, base.c.kind)):
        values = row(key)
        values[_HELD_COUNTS[SessionKind(kind)]] += sessions
        if kind == SessionKind.AWARENESS_EVENT:
            values["awareness_headcount"] += int(anonymous)
    attended = Booking.attendance == Attendance.ATTENDED
    for key, kind, seats, attended_count, no_shows, waiting in db.session.execute(
            select(base.c.g, base.c.kind,
                   func.sum(case((attended, Booking.seats), else_=0)),
                   func.sum(case((attended, 1), else_=0)),
                   func.sum(case((Booking.attendance == Attendance.NO_SHOW, 1), else_=0)),
                   func.sum(case((Booking.status == BookingStatus.WAITLISTED, 1), else_=0)))
            .select_from(base).join(Booking, Booking.session_id == base.c.sid)
            .where(Booking.status.in_((BookingStatus.BOOKED, BookingStatus.WAITLISTED)))
            .group_by(base.c.g, base.c.kind)):
        values = row(key)
        values["waiting_list_demand"] += int(waiting or 0)
        if kind in CLASS_KINDS:
            values["class_participants"] += int(seats or 0)
            values["attended_bookings"] += int(attended_count or 0)
            values["no_shows"] += int(no_shows or 0)
        elif kind == SessionKind.AWARENESS_EVENT:
            values["awareness_headcount"] += int(seats or 0)
    for key, served in db.session.execute(
            select(base.c.g, func.count(Ticket.id)).select_from(base)
            .join(Ticket, Ticket.session_id == base.c.sid)
            .where(Ticket.status == TicketStatus.SERVED, base.c.kind == SessionKind.CONSULTATION)
            .group_by(base.c.g)):
        row(key)["consultation_visits"] += served
    return figures, base


def compute(first, last, *, now=None):
    """{metric key: number or None} for the local dates first..last (None: a rate or
    mean with nothing to divide by)."""
    scope = _Scope(first, last, now)
    figures, base = _session_figures(scope)
    sessions = figures.get(0) or _session_figures_empty()
    result = {column: sessions[column] for column in SESSION_COLUMNS}
    # the outreach requests' counts ride on the venues' statement (the dashboard's
    # statement count stays where it was)
    venues_used, *outreach = db.session.execute(select(
        func.count(distinct(base.c.venue_id)), *_outreach_totals(scope))).one()
    result["venues_used"] = venues_used
    result.update(zip(OUTREACH_COLUMNS, (int(value or 0) for value in outreach), strict=True))
    result["no_show_rate"] = _share(sessions["no_shows"],
                                    sessions["no_shows"] + sessions["attended_bookings"])
    result["waiting_list_demand"] = sessions["waiting_list_demand"]
    result.update(_reach(scope))
    result.update(_ages(scope))
    result.update(_volunteers(first, last))
    result.update(_outcomes(scope, base))
    result.update(_survey(scope))
    return {metric.key: result.get(metric.key) for metric in METRICS}


def _outreach_conditions(scope):
    """(received in the period, scheduled with its class held in the period)."""
    received = and_(OutreachRequest.received_dt >= scope.start,
                    OutreachRequest.received_dt < scope.end)
    held = and_(OutreachRequest.status == OutreachStatus.SCHEDULED, _held(scope.now),
                EventSession.start_dt >= scope.start, EventSession.start_dt < scope.end)
    return received, held


def _outreach_figures(scope, group):
    """The OUTREACH_COLUMNS as aggregates over the requests (and their classes) that
    count in the period, grouped by `group` (None: all in one)."""
    received, held = _outreach_conditions(scope)
    query = (select(func.coalesce(func.sum(case((received, 1), else_=0)), 0),
                    func.count(distinct(case((held, OutreachRequest.id)))),
                    func.count(distinct(case((held, OutreachRequest.group_name)))))
             .select_from(OutreachRequest)
             .outerjoin(EventSession, EventSession.id == OutreachRequest.session_id)
             .where(or_(received, held)))
    return query if group is None else query.add_columns(group).group_by(group)


def _outreach_totals(scope):
    """The three figures as scalar subqueries of one CTE (computed once), to add to
    another statement."""
    figures = _outreach_figures(scope, None).cte("outreach_figures")
    return [select(column).scalar_subquery() for column in figures.c]


def _outreach(scope, group):
    """{group: {OUTREACH_COLUMNS}} of outreach requests, by a column of the request."""
    return {key: dict(zip(OUTREACH_COLUMNS, (int(a or 0), int(b or 0), int(c or 0)),
                          strict=True))
            for a, b, c, key in db.session.execute(_outreach_figures(scope, group))}


def _session_figures_empty():
    return dict.fromkeys((*SESSION_COLUMNS, "attended_bookings", "no_shows",
                          "waiting_list_demand"), 0)


def _reach(scope):
    contacts = scope.contacts(since=None)
    in_period = contacts.c.start_dt >= scope.start
    people = (select(contacts.c.pid,
                     func.count(distinct(case((in_period, contacts.c.sid)))).label("sessions"),
                     func.min(contacts.c.start_dt).label("first_dt"))
              .group_by(contacts.c.pid).subquery())
    reached, returning, new = db.session.execute(
        select(func.sum(case((people.c.sessions > 0, 1), else_=0)),
               func.sum(case((people.c.sessions > 1, 1), else_=0)),
               func.sum(case((and_(people.c.sessions > 0, people.c.first_dt >= scope.start), 1),
                             else_=0)))).one()
    reached, returning, new = int(reached or 0), int(returning or 0), int(new or 0)
    return {"residents_reached": reached, "returning_residents": returning,
            "new_residents": new, "repeat_rate": _share(returning, reached)}


def _kept_person():
    return aliased(Person)


def _ages(scope):
    people = scope.class_people()
    kept = _kept_person()
    counts = dict(db.session.execute(
        select(kept.age_band, func.count()).select_from(people)
        .join(kept, kept.id == people.c.pid).group_by(kept.age_band)).all())
    known = sum(number for band, number in counts.items() if band is not None)
    aged = sum(counts.get(band, 0) for band in AGED_70_PLUS)
    return {"class_participant_residents": sum(counts.values()),
            "share_aged_70_plus": _share(aged, known), "age_not_given": counts.get(None, 0)}


def _volunteers(first, last):
    rows = [row for _affiliation, row in hours_by_volunteer(first, last).values()]
    seconds = sum((row.time for row in rows), timedelta(0)).total_seconds()
    return {"volunteer_hours": round(seconds / 3600, 2),
            "active_volunteers": sum(1 for row in rows if row.worked_shifts)}


def _outcomes(scope, base):
    counts = dict(db.session.execute(
        select(Visit.outcome, func.count(Visit.id)).select_from(base)
        .join(Visit, Visit.session_id == base.c.sid)
        .join(Ticket, Ticket.id == Visit.ticket_id)
        .where(Ticket.status == TicketStatus.SERVED).group_by(Visit.outcome)).all())
    total = sum(counts.values())
    return {"resolved_share": _share(counts.get(Outcome.RESOLVED, 0), total),
            "referred_share": _share(counts.get(Outcome.REFERRED, 0), total)}


def online_answers(base):
    """The online survey answers that count for the sessions of `base` (a subquery with
    `sid`): answered, of a booking still booked (one per person and session: the partial
    unique index on bookings), at a session without paper sheets. A session whose sheets
    were typed in counts its sheets only: the sheets are anonymous, so an online answer
    could not be told from the same person's sheet."""
    has_sheets = select(SurveyEntry.id).where(SurveyEntry.session_id == Booking.session_id)
    return (select(SurveyInvitation).join(Booking, Booking.id == SurveyInvitation.booking_id)
            .join(base, base.c.sid == Booking.session_id)
            .where(SurveyInvitation.answered_dt.is_not(None),
                   Booking.status == BookingStatus.BOOKED, ~has_sheets.exists()))


def _survey(scope):
    """The sheets' and the online answers' figures, in one statement."""
    base = scope.sessions()
    sheets = (select(func.count(SurveyEntry.id).label("entries"),
                     func.sum(SurveyEntry.satisfaction).label("satisfaction_sum"),
                     func.count(SurveyEntry.satisfaction).label("satisfied"),
                     func.count(SurveyEntry.can_do).label("answered"),
                     func.sum(case((SurveyEntry.can_do == CanDo.YES, 1), else_=0)).label("yes"))
              .select_from(base).join(SurveyEntry, SurveyEntry.session_id == base.c.sid)
              .subquery())
    answers = online_answers(base).subquery()
    online = select(func.count(answers.c.id).label("answers"),
                    func.sum(answers.c.useful).label("useful_sum"),
                    func.count(answers.c.useful).label("useful")).subquery()
    row = db.session.execute(select(sheets, online)
                             .select_from(sheets.join(online, true()))).one()
    scored = row.satisfied + row.useful
    total = (row.satisfaction_sum or 0) + (row.useful_sum or 0)
    return {"survey_responses": row.entries + row.answers,
            "survey_satisfaction": round(total / scored, 2) if scored else None,
            "survey_can_do_share": _share(int(row.yes or 0), row.answered)}


# -- breakdowns --------------------------------------------------------------------------------

def _months(first, last):
    if last < first:
        return []
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = add_months(day, 1)
    return months


def _session_rows(figures, keys_labels):
    return [BreakdownRow(key, label, {column: figures.get(key, {}).get(column, 0)
                                      for column in SESSION_COLUMNS})
            for key, label in keys_labels]


def breakdown(first, last, by, *, now=None):
    """Rows of a table by month, venue, district, program or age band. Districts and age
    bands always list every group plus "Not given"; programs add "No program" (events and
    consultation desks) when such sessions were held."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    scope = _Scope(first, last, now)
    if by == "month":
        months = _months(first, last)
        if not months:
            return []
        # month index by UTC bounds of each local month (portable, time zone exact)
        group = case(*[(EventSession.start_dt < local_datetime(add_months(month, 1), time(0)), index)
                       for index, month in enumerate(months)], else_=len(months))
        figures, _base = _session_figures(scope, group)
        return [BreakdownRow(month, format_month(month),
                             {column: figures.get(index, {}).get(column, 0)
                              for column in SESSION_COLUMNS})
                for index, month in enumerate(months)]
    if by == "venue":
        figures, _base = _session_figures(scope, EventSession.venue_id)
        venues = db.session.execute(select(Venue.id, Venue.name, Venue.name_en)
                                    .where(Venue.id.in_(list(figures)))
                                    .order_by(Venue.name_kana, Venue.id)).all()
        return _session_rows(figures, [(key, in_reader_language(name, name_en))
                                       for key, name, name_en in venues])
    if by == "program":
        figures, _base = _session_figures(scope, EventSession.program_id)
        programs = db.session.execute(select(Program.id, Program.title, Program.title_en)
                                      .where(Program.id.in_([key for key in figures if key]))
                                      .order_by(Program.title_kana, Program.id)).all()
        labels = [(key, in_reader_language(title, title_en)) for key, title, title_en in programs]
        if None in figures:
            labels.append((None, _("No program (events and consultation desks)")))
        return _session_rows(figures, labels)
    return _people_rows(scope, by)


def _people_rows(scope, by):
    kept = _kept_person()
    column = kept.district_id if by == "district" else kept.age_band
    survey_column = SurveyEntry.district_id if by == "district" else SurveyEntry.age_band
    class_people = scope.class_people()
    reached = scope.reached_people()
    counts = {
        "class_participant_residents": dict(db.session.execute(
            select(column, func.count()).select_from(class_people)
            .join(kept, kept.id == class_people.c.pid).group_by(column)).all()),
        "residents_reached": dict(db.session.execute(
            select(column, func.count()).select_from(reached)
            .join(kept, kept.id == reached.c.pid).group_by(column)).all()),
    }
    base = scope.sessions()
    # the sheets by what was ticked on them, the online answers by their person's record
    online = online_answers(base).subquery()
    counts["survey_responses"] = {}
    for key, number in db.session.execute(union_all(
            select(survey_column, func.count(SurveyEntry.id)).select_from(base)
            .join(SurveyEntry, SurveyEntry.session_id == base.c.sid).group_by(survey_column),
            select(column, func.count(online.c.id)).select_from(online)
            .join(Booking, Booking.id == online.c.booking_id)
            .join(kept, kept.id == Booking.person_id).group_by(column))):
        counts["survey_responses"][key] = counts["survey_responses"].get(key, 0) + number
    if by == "district":
        outreach = _outreach(scope, OutreachRequest.district_id)
        for column in OUTREACH_COLUMNS:
            counts[column] = {key: values[column] for key, values in outreach.items()}
        groups = [(key, in_reader_language(name, name_en)) for key, name, name_en in
                  db.session.execute(select(District.id, District.name, District.name_en)
                                     .order_by(District.position, District.id))]
    else:
        groups = [(band, str(AGE_BAND_LABELS[band])) for band in AgeBand]
    groups.append((None, _("Not given")))
    return [BreakdownRow(key.value if isinstance(key, AgeBand) else key, label,
                         {name: values.get(key, 0) for name, values in counts.items()})
            for key, label in groups]


# -- lists ---------------------------------------------------------------------------------------

def topics_ranked(first, last, *, now=None):
    """[(topic label, visits)] of the logged visits of the period, most asked first (a
    visit with two topics counts for both)."""
    scope = _Scope(first, last, now)
    base = scope.sessions()
    rows = db.session.execute(
        select(ConsultTopic, func.count(Visit.id).label("visits")).select_from(base)
        .join(Visit, Visit.session_id == base.c.sid)
        .join(Ticket, Ticket.id == Visit.ticket_id)
        .join(visit_topics, visit_topics.c.visit_id == Visit.id)
        .join(ConsultTopic, ConsultTopic.id == visit_topics.c.topic_id)
        .where(Ticket.status == TicketStatus.SERVED)
        .group_by(ConsultTopic.id)
        .order_by(func.count(Visit.id).desc(), ConsultTopic.position, ConsultTopic.id)).all()
    return [(topic_label(topic), visits) for topic, visits in rows]


CHANNELS_DESCRIPTION = _l(
    "Bookings made in the period (by the Japan date they were made, not the date of the "
    "session), by the channel they came through; every booking counts once, whatever "
    "became of it later (attended, cancelled, still on the waiting list), and its seats "
    "are the party size. A duplicate booking cancelled when two records of one resident "
    "were merged does not count.")


def bookings_by_channel(first, last):
    """[(channel, bookings, seats)] of the bookings made on the local dates first..last,
    for every channel in the order of the enumeration (zero rows included)."""
    start, end = local_day_bounds(first, last)
    counts = {channel: (bookings, int(seats or 0)) for channel, bookings, seats in
              db.session.execute(
                  select(Booking.channel, func.count(Booking.id), func.sum(Booking.seats))
                  .where(Booking.created_dt >= start, Booking.created_dt < end,
                         or_(Booking.cancel_reason.is_(None),
                             Booking.cancel_reason != CancelReason.MERGED))
                  .group_by(Booking.channel))}
    return [(channel, *counts.get(channel, (0, 0))) for channel in BookingChannel]


def volunteers_by_affiliation(first, last):
    """[(affiliation label, hours, active volunteers)] for every affiliation, in the
    order of the enumeration (zero rows included)."""
    seconds, active = {}, {}
    for affiliation, row in hours_by_volunteer(first, last).values():
        seconds[affiliation] = seconds.get(affiliation, 0) + row.time.total_seconds()
        active[affiliation] = active.get(affiliation, 0) + (row.worked_shifts > 0)
    return [(str(AFFILIATION_LABELS[affiliation]),
             round(seconds.get(affiliation, 0) / 3600, 2), active.get(affiliation, 0))
            for affiliation in Affiliation]


__all__ = ["BREAKDOWNS", "BREAKDOWN_COLUMNS", "CHANNELS_DESCRIPTION", "METRICS",
           "METRICS_BY_KEY", "UNITS", "BreakdownRow", "Metric", "bookings_by_channel",
           "breakdown", "compute", "topics_ranked", "volunteers_by_affiliation"]
