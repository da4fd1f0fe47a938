"""Read-only questions about volunteers and shifts: open shifts a volunteer can take,
staffing of sessions, hours worked, who to ask for cover, what a volunteer may see."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from desk.core.kana import is_kana, normalise_kana
from desk.core.timeutil import local_day_bounds
from desk.events import availability
from desk.events.models import Booking, BookingStatus, EventSession, SessionStatus
from desk.extensions import db
from desk.people.models import Person
from desk.volunteers import places
from desk.volunteers.models import (
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftRole,
    ShiftStatus,
    Volunteer,
    VolunteerSkill,
)
from desk.volunteers.notices import volunteer_channel

OPEN_SHIFT_DAYS = 60  # how far ahead open shifts are offered
FEED_PAST_DAYS = 90  # how far back the calendar feed goes


def _live_shifts():
    return (select(Shift).join(Shift.session)
            .where(Shift.status == ShiftStatus.ACTIVE,
                   EventSession.status != SessionStatus.CANCELLED))


def volunteer_for_user(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))


def my_assignments(volunteer, *, now, upcoming=True):
    """The volunteer's places: still to come (ending after `now`), or past (latest first)."""
    query = (select(ShiftAssignment).join(ShiftAssignment.shift).join(Shift.session)
             .where(ShiftAssignment.volunteer_id == volunteer.id,
                    ShiftAssignment.status == AssignmentStatus.ACTIVE,
                    Shift.status == ShiftStatus.ACTIVE,
                    EventSession.status != SessionStatus.CANCELLED))
    if upcoming:
        query = query.where(Shift.end_dt > now).order_by(Shift.start_dt)
    else:
        query = query.where(Shift.end_dt <= now).order_by(Shift.start_dt.desc())
    return list(db.session.scalars(query))


@dataclass
class OpenShift:
    shift: Shift
    free: int


def open_shifts_for(volunteer, *, now, days=OPEN_SHIFT_DAYS, mine=None):
    """Shifts still to come with a free place whose skills the volunteer has, inside
    their usual times, not clashing with a shift they already hold (`mine`: their
    my_assignments, when the caller has already read them)."""
    from desk.volunteers.services import fits_availability

    shifts = list(db.session.scalars(
        _live_shifts().where(Shift.start_dt > now, Shift.start_dt <= now + timedelta(days=days))
        .order_by(Shift.start_dt, Shift.id)))
    free_places = places.of_shifts(shifts)
    if mine is None:
        mine = my_assignments(volunteer, now=now)
    taken = {assignment.shift_id for assignment in mine}
    skills = volunteer.skills
    offered = []
    for shift in shifts:
        free = free_places[shift.id].free
        if free == 0 or shift.id in taken or not shift.required_skills <= skills:
            continue
        if not fits_availability(volunteer, shift):
            continue
        if any(other.shift.start_dt < shift.end_dt and other.shift.end_dt > shift.start_dt
               for other in mine):
            continue
        offered.append(OpenShift(shift, free))
    return offered


def shifts_of_session(session):
    return list(db.session.scalars(
        select(Shift).where(Shift.session_id == session.id)
        .options(selectinload(Shift.assignments))
        .order_by(Shift.status, Shift.start_dt, Shift.role, Shift.id)))


# -- staffing -------------------------------------------------------------------------------

@dataclass
class Staffing:
    session: EventSession
    participants: int
    leads: int  # places held on lead shifts (desk.volunteers.places)
    volunteers: int  # places held on any shift
    places: int  # places on the session's live shifts
    leads_needed: int
    volunteers_needed: int  # leads plus one per N participants

    @property
    def missing(self):
        return max(self.volunteers_needed - self.volunteers, self.places - self.volunteers,
                   self.leads_needed - self.leads, 0)

    @property
    def is_understaffed(self):
        return (self.leads < self.leads_needed or self.volunteers < self.volunteers_needed
                or self.volunteers < self.places)


def needed(participant_count, config):
    """(leads, volunteers) the rule asks for: DESK_STAFFING_LEADS leads plus one
    volunteer per DESK_STAFFING_PARTICIPANTS_PER_VOLUNTEER participants (started)."""
    leads = config["DESK_STAFFING_LEADS"]
    per = max(config["DESK_STAFFING_PARTICIPANTS_PER_VOLUNTEER"], 1)
    return leads, leads + math.ceil(participant_count / per)


def staffing_of(sessions):
    sessions = list(sessions)
    ids = [session.id for session in sessions]
    counts = availability.seats_taken_by(ids)
    shifts = defaultdict(list)
    live = list(db.session.scalars(
        select(Shift).where(Shift.session_id.in_(ids), Shift.status == ShiftStatus.ACTIVE))
    ) if ids else []
    for shift in live:
        shifts[shift.session_id].append(shift)
    held = {shift_id: count.taken for shift_id, count in places.of_shifts(live).items()}
    config = current_app.config
    result = []
    for session in sessions:
        count = counts.get(session.id, 0)
        leads_needed, volunteers_needed = needed(count, config)
        session_shifts = shifts[session.id]
        result.append(Staffing(
            session=session, participants=count,
            leads=sum(held[shift.id] for shift in session_shifts
                      if shift.role == ShiftRole.LEAD),
            volunteers=sum(held[shift.id] for shift in session_shifts),
            places=sum(shift.places for shift in session_shifts),
            leads_needed=leads_needed, volunteers_needed=volunteers_needed))
    return result


def understaffed_sessions(*, now, days=None):
    """Scheduled sessions of the next DESK_STAFFING_DAYS days that the rule finds short."""
    days = current_app.config["DESK_STAFFING_DAYS"] if days is None else days
    sessions = db.session.scalars(
        select(EventSession)
        .where(EventSession.status == SessionStatus.SCHEDULED, EventSession.end_dt > now,
               EventSession.start_dt <= now + timedelta(days=days))
        .order_by(EventSession.start_dt, EventSession.id))
    return [staffing for staffing in staffing_of(sessions) if staffing.is_understaffed]


def cover_candidates(shift):
    """Active volunteers with the shift's skills and a way to be reached, not on this
    shift, with no shift of their own at the same time, inside their usual times."""
    from desk.volunteers.services import fits_availability

    busy = set(db.session.scalars(
        select(ShiftAssignment.volunteer_id).join(ShiftAssignment.shift).join(Shift.session)
        .where(ShiftAssignment.status == AssignmentStatus.ACTIVE,
               Shift.status == ShiftStatus.ACTIVE,
               EventSession.status != SessionStatus.CANCELLED,
               Shift.start_dt < shift.end_dt, Shift.end_dt > shift.start_dt)))
    required = shift.required_skills
    return [volunteer for volunteer in db.session.scalars(
                select(Volunteer).where(Volunteer.is_active.is_(True))
                .order_by(Volunteer.name_kana, Volunteer.id))
            if volunteer.id not in busy and required <= volunteer.skills
            and fits_availability(volunteer, shift) and volunteer_channel(volunteer)]


# -- the coordinators' list ---------------------------------------------------------------------

def find_volunteers(*, status="active", affiliation=None, skill=None, text=""):
    """Volunteers in kana order: `status` active, inactive or all; of an affiliation;
    with a skill; whose name (spaces ignored) or reading (any kana, width or spacing)
    holds `text`. Phone numbers are not searched."""
    query = select(Volunteer)
    if status != "all":
        query = query.where(Volunteer.is_active.is_(status == "active"))
    if affiliation is not None:
        query = query.where(Volunteer.affiliation == affiliation)
    if skill is not None:
        query = query.where(Volunteer.id.in_(select(VolunteerSkill.volunteer_id).where(
            VolunteerSkill.skill == skill)))
    if text:
        compact = "".join(text.split())
        condition = func.replace(Volunteer.name, " ", "").contains(compact, autoescape=True)
        kana = normalise_kana(text).replace("\u3000", "")
        if is_kana(kana):
            condition = or_(condition, func.replace(Volunteer.name_kana, "\u3000", "")
                            .contains(kana, autoescape=True))
        query = query.where(condition)
    return list(db.session.scalars(query.order_by(Volunteer.name_kana, Volunteer.id)))


def assignments_of(volunteer):
    """Every place the volunteer held or holds, in shift order."""
    return list(db.session.scalars(
        select(ShiftAssignment).join(ShiftAssignment.shift)
        .where(ShiftAssignment.volunteer_id == volunteer.id)
        .order_by(Shift.start_dt, ShiftAssignment.id)))


def place_on_shift(volunteer, shift):
    """The volunteer's row on the shift (active or ended), or None."""
    return db.session.scalar(select(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift.id, ShiftAssignment.volunteer_id == volunteer.id))


# -- hours -----------------------------------------------------------------------------------

def worked(check_in, check_out, shift_end):
    """Time worked on one place: from check-in to check-out (to the shift's end when the
    volunteer did not check out); nothing without a check-in."""
    if check_in is None:
        return timedelta(0)
    end = check_out or max(shift_end, check_in)
    return max(end - check_in, timedelta(0))


@dataclass
class HoursRow:
    key: object  # a Volunteer (or its id), or an Affiliation for the totals
    shifts: int = 0  # places held on shifts in the period
    worked_shifts: int = 0  # of which checked in
    no_shows: int = 0
    time: timedelta = field(default_factory=timedelta)

    @property
    def hours(self):
        return round(self.time.total_seconds() / 3600, 2)

    def add(self, other):
        self.shifts += other.shifts
        self.worked_shifts += other.worked_shifts
        self.no_shows += other.no_shows
        self.time += other.time


def hours_by_volunteer(first, last, *, volunteer_id=None):
    """{volunteer id: (affiliation, HoursRow keyed by the id)} over the live places on
    shifts that start between the local dates `first` and `last` (inclusive), of one
    volunteer or of all. The one place hours are counted (the hours report, a
    volunteer's own page and detail page, the KPI metrics): one query of plain columns,
    each place counted by `worked`."""
    start, end = local_day_bounds(first, last)
    query = (select(ShiftAssignment.volunteer_id, Volunteer.affiliation,
                    ShiftAssignment.check_in_dt, ShiftAssignment.check_out_dt,
                    ShiftAssignment.is_no_show, Shift.end_dt)
             .join(Shift, Shift.id == ShiftAssignment.shift_id)
             .join(EventSession, EventSession.id == Shift.session_id)
             .join(Volunteer, Volunteer.id == ShiftAssignment.volunteer_id)
             .where(ShiftAssignment.status == AssignmentStatus.ACTIVE,
                    Shift.status == ShiftStatus.ACTIVE,
                    EventSession.status != SessionStatus.CANCELLED,
                    Shift.start_dt >= start, Shift.start_dt < end))
    if volunteer_id is not None:
        query = query.where(ShiftAssignment.volunteer_id == volunteer_id)
    totals = {}
    for volunteer, affiliation, check_in, check_out, no_show, shift_end in db.session.execute(
            query):
        _affiliation, row = totals.setdefault(volunteer, (affiliation, HoursRow(volunteer)))
        row.shifts += 1
        row.worked_shifts += check_in is not None
        row.no_shows += no_show
        row.time += worked(check_in, check_out, shift_end)
    return totals


def hours_report(first, last):
    """Hours and no-shows of shifts that start between the local dates `first` and
    `last` (inclusive): ([HoursRow per volunteer], [HoursRow per affiliation])."""
    totals = hours_by_volunteer(first, last)
    volunteers = {volunteer.id: volunteer for volunteer in db.session.scalars(
        select(Volunteer).where(Volunteer.id.in_(list(totals))))} if totals else {}
    by_volunteer, by_affiliation = [], {}
    for volunteer_id, (affiliation, row) in totals.items():
        row.key = volunteers[volunteer_id]
        by_volunteer.append(row)
        by_affiliation.setdefault(affiliation, HoursRow(affiliation)).add(row)
    by_volunteer.sort(key=lambda row: (row.key.name_kana, row.key.id))
    affiliations = sorted(by_affiliation.values(), key=lambda row: list(type(row.key)).index(
        row.key))
    return by_volunteer, affiliations


def hours_total(rows):
    """The sum of HoursRows (the report's last line)."""
    total = HoursRow(key=None)
    for row in rows:
        total.add(row)
    return total


def hours_of(volunteer, first, last):
    """The volunteer's line of the hours report, counted for the volunteer alone."""
    _affiliation, row = hours_by_volunteer(first, last, volunteer_id=volunteer.id).get(
        volunteer.id, (None, HoursRow(volunteer.id)))
    row.key = volunteer
    return row


# -- what a volunteer may see ------------------------------------------------------------------

def session_has_volunteers(session):
    return db.session.scalar(
        select(ShiftAssignment.id).join(ShiftAssignment.shift)
        .where(ShiftAssignment.status == AssignmentStatus.ACTIVE,
               Shift.session_id == session.id, Shift.status == ShiftStatus.ACTIVE)
        .limit(1)) is not None


def staffs_session(volunteer, session):
    """Whether the volunteer holds a place on a live shift of the session."""
    return db.session.scalar(
        select(ShiftAssignment.id).join(ShiftAssignment.shift)
        .where(ShiftAssignment.volunteer_id == volunteer.id,
               ShiftAssignment.status == AssignmentStatus.ACTIVE,
               Shift.session_id == session.id, Shift.status == ShiftStatus.ACTIVE)
        .limit(1)) is not None


def sessions_staffed_by(user, session_ids):
    """The ids among `session_ids` of the sessions where the volunteer whose login is
    `user` holds a place on a live shift (not withdrawn, removed or cancelled)."""
    return set(db.session.scalars(
        select(Shift.session_id).join(ShiftAssignment.shift)
        .join(Volunteer, ShiftAssignment.volunteer_id == Volunteer.id)
        .where(Volunteer.user_id == user.id,
               ShiftAssignment.status == AssignmentStatus.ACTIVE,
               Shift.status == ShiftStatus.ACTIVE, Shift.session_id.in_(session_ids))
        .distinct()))


def attendee_names(session):
    """The names (kanji and kana) of the people booked at a session: what a volunteer
    who staffs it may see. No phone numbers, ages or districts."""
    return db.session.execute(
        select(Booking.id, Booking.seats, Booking.is_walk_in, Person.name, Person.name_kana)
        .join(Person, Booking.person_id == Person.id)
        .where(Booking.session_id == session.id, Booking.status == BookingStatus.BOOKED)
        .order_by(Person.name_kana, Booking.id)).all()


def colleagues(assignment):
    """The other volunteers on the same shift, each with whether their contact details
    may be shown: only when both of them agreed to share."""
    others = [other for other in assignment.shift.active_assignments
              if other.volunteer_id != assignment.volunteer_id]
    mine = assignment.volunteer.shares_contact
    return [(other.volunteer, mine and other.volunteer.shares_contact) for other in others]


def feed_assignments(volunteer, *, now):
    """What the calendar feed lists: every shift of the volunteer from FEED_PAST_DAYS
    ago on, including those withdrawn or cancelled (shown as cancelled, so calendars
    drop them)."""
    return list(db.session.scalars(
        select(ShiftAssignment).join(ShiftAssignment.shift)
        .where(ShiftAssignment.volunteer_id == volunteer.id,
               Shift.end_dt > now - timedelta(days=FEED_PAST_DAYS))
        .order_by(Shift.start_dt, ShiftAssignment.id)))
