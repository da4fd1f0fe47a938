"""Volunteer operations: profiles, shifts, sign-up and withdrawal, assignment with
staffing warnings, same-day cover, check-in and check-out.

Every function validates, changes the models, flushes, writes the audit entry and plans
the messages it needs; none commits. The actor is passed in (a User, 'cli', None).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from desk.core import audit, records
from desk.core.db import lock_rows
from desk.core.errors import ConflictError, PermissionDenied, ValidationError
from desk.core.timeutil import local_datetime, local_today, to_local
from desk.core.validation import Checker
from desk.events.models import EventSession, SessionStatus
from desk.extensions import db
from desk.volunteers import notices, places, queries
from desk.volunteers.models import (
    Affiliation,
    AssignmentSource,
    AssignmentStatus,
    Availability,
    Shift,
    ShiftAssignment,
    ShiftRole,
    ShiftSkill,
    ShiftStatus,
    Skill,
    Volunteer,
    VolunteerChannel,
    VolunteerSkill,
    new_feed_token,
)
from desk.volunteers.notices import ShiftTemplate

VOLUNTEER_AUDIT_FIELDS = ("name", "name_kana", "phone", "email", "affiliation", "is_active",
                          "message_channel", "shares_contact", "language", "skills",
                          "availability_text")
SHIFT_AUDIT_FIELDS = ("session_id", "role", "places", "start_dt", "end_dt", "status", "notes",
                      "skills")
ASSIGNMENT_AUDIT_FIELDS = ("shift_id", "volunteer_id", "status", "source", "check_in_dt",
                           "check_out_dt", "is_no_show")
# how early before a shift a volunteer can check in from their phone
CHECK_IN_EARLY = timedelta(hours=1)
MAX_AVAILABILITY = 14
LANGUAGES = ("ja", "en")


class StaffingWarning(ConflictError):
    """An assignment a coordinator may still make once they have read the warnings."""

    code = "staffing_warning"

    def __init__(self, warnings):
        super().__init__(_("Please check before assigning: %(warnings)s",
                           warnings=" / ".join(warning.message for warning in warnings)))
        self.warnings = warnings


@dataclass(frozen=True)
class Concern:
    kind: str  # overlap, travel, skills, availability
    message: str


@dataclass
class CoverReport:
    asked: list = field(default_factory=list)  # volunteers a message was planned for
    skipped: int = 0  # matching volunteers already asked about this shift


def _snapshot_volunteer(volunteer):
    values = audit.snapshot(volunteer, VOLUNTEER_AUDIT_FIELDS[:-2])
    values["skills"] = sorted(volunteer.skills)
    values["availability_text"] = [
        f"{row.weekday}:{row.start_time:%H:%M}-{row.end_time:%H:%M}"
        for row in volunteer.availability]
    return values


def _snapshot_shift(shift):
    values = audit.snapshot(shift, SHIFT_AUDIT_FIELDS[:-1])
    values["skills"] = sorted(shift.required_skills)
    return values


def _skills(checker, name):
    raw = checker.raw(name) or []
    if isinstance(raw, str):
        raw = [part for part in raw.replace(",", " ").split() if part]
    if not isinstance(raw, list | tuple | set):
        checker.fail(name, _("Choose one of the options."))
        return set()
    try:
        return {Skill(item) for item in raw}
    except ValueError:
        checker.fail(name, _("Choose one of the options."))
        return set()


def _availability(checker, name):
    """[(weekday, start, end)] from a list of dicts or of 'weekday HH:MM-HH:MM' texts."""
    raw = checker.raw(name) or []
    if not isinstance(raw, list | tuple):
        checker.fail(name, _("Enter the usual times as a list."))
        return []
    if len(raw) > MAX_AVAILABILITY:
        checker.fail(name, _("At most %(count)d usual times.", count=MAX_AVAILABILITY))
        return []
    rows = []
    for item in raw:
        row = Checker(item if isinstance(item, dict) else {})
        weekday = row.integer("weekday", 0, 6, required=True)
        start = row.time("start_time")
        end = row.time("end_time")
        if row.errors or weekday is None or start is None or end is None:
            checker.fail(name, _("Each usual time needs a weekday, a start and an end."))
            return []
        if end <= start:
            checker.fail(name, _("Each usual time must end after it starts."))
            return []
        rows.append((weekday, start, end))
    return sorted(set(rows))


def _volunteer_values(data, current=None):
    checker = Checker(data)
    values = {
        "name": checker.text("name", Volunteer.NAME_MAX, required=True),
        "name_kana": checker.kana("name_kana", Volunteer.KANA_MAX, required=True),
        "email": checker.email("email", Volunteer.EMAIL_MAX),
        "affiliation": checker.choice("affiliation", Affiliation),
        "is_active": checker.boolean("is_active", default=True),
        "notes": checker.text("notes", Volunteer.NOTES_MAX, multiline=True),
        "message_channel": checker.choice("message_channel", VolunteerChannel,
                                          default=VolunteerChannel.EMAIL),
        "shares_contact": checker.boolean("shares_contact"),
        "language": checker.language("language", LANGUAGES),
    }
    phone = checker.phone("phone")
    values["phone"] = phone.e164 if phone else None
    values["phone_kind"] = phone.kind if phone else None
    skills = _skills(checker, "skills")
    availability = _availability(checker, "availability")
    if not checker.errors and not values["phone"] and not values["email"]:
        checker.fail("phone", _("Enter a phone number or an e-mail address."))
    if values["message_channel"] == VolunteerChannel.SMS and not checker.errors \
            and not (phone and phone.can_receive_sms):
        checker.fail("message_channel",
                     _("Messages by SMS need a mobile phone number (070, 080 or 090)."))
    checker.done()
    return values, skills, availability


def _set_skills(volunteer, skills):
    wanted = set(skills)
    for row in list(volunteer.skill_rows):
        if Skill(row.skill) not in wanted:
            volunteer.skill_rows.remove(row)
    have = volunteer.skills
    for skill in sorted(wanted - have):
        volunteer.skill_rows.append(VolunteerSkill(skill=skill))


def _set_availability(volunteer, rows):
    volunteer.availability.clear()
    db.session.flush()
    for weekday, start, end in rows:
        volunteer.availability.append(
            Availability(weekday=weekday, start_time=start, end_time=end))


def create_volunteer(data, *, actor, now):
    values, skills, availability = _volunteer_values(data)
    volunteer = Volunteer(**values, created_dt=now, updated_dt=now, feed_token=new_feed_token())
    db.session.add(volunteer)
    _set_skills(volunteer, skills)
    _set_availability(volunteer, availability)
    db.session.flush()
    audit.record("volunteer.create", volunteer, actor=actor,
                 after=_snapshot_volunteer(volunteer), now=now)
    return volunteer


def update_volunteer(volunteer, changes, *, actor, now):
    """Change a profile; `changes` holds the fields to change (a coordinator's form
    sends them all, a volunteer's own form only what they may change)."""
    before = _snapshot_volunteer(volunteer)
    current = {**audit.snapshot(volunteer, ("name", "name_kana", "email", "affiliation",
                                            "is_active", "notes", "message_channel",
                                            "shares_contact", "language")),
               "phone": volunteer.phone, "skills": sorted(volunteer.skills),
               "availability": [{"weekday": row.weekday, "start_time": row.start_time,
                                 "end_time": row.end_time} for row in volunteer.availability]}
    values, skills, availability = _volunteer_values({**current, **changes}, volunteer)
    records.assign(volunteer, values)
    _set_skills(volunteer, skills)
    if "availability" in changes:
        _set_availability(volunteer, availability)
    volunteer.updated_dt = now
    db.session.flush()
    after = _snapshot_volunteer(volunteer)
    if after != before:
        audit.record("volunteer.update", volunteer, actor=actor, before=before, after=after,
                     now=now)
    if volunteer.user is not None and volunteer.user.display_name != volunteer.name:
        volunteer.user.display_name = volunteer.name[:volunteer.user.NAME_MAX]
    return volunteer


def renew_feed_token(volunteer, *, actor, now):
    """A new secret for the calendar feed: the old address stops working at once."""
    volunteer.feed_token = new_feed_token()
    volunteer.updated_dt = now
    db.session.flush()
    audit.record("volunteer.feed_renew", volunteer, actor=actor, note="calendar feed renewed",
                 now=now)
    return volunteer


# -- shifts ------------------------------------------------------------------------------

def _shift_values(data, session):
    checker = Checker(data)
    day = to_local(session.start_dt).date()
    start = checker.time("start_time", required=False) or to_local(session.start_dt).time()
    end = checker.time("end_time", required=False)
    values = {
        "role": checker.choice("role", ShiftRole),
        "places": checker.integer("places", 1, Shift.MAX_PLACES, required=True),
        "notes": checker.text("notes", Shift.NOTES_MAX),
    }
    skills = _skills(checker, "skills")
    if not checker.errors:
        start_dt = local_datetime(day, start)
        end_dt = local_datetime(day, end) if end is not None else session.end_dt
        if end_dt <= start_dt:
            checker.fail("end_time", _("The shift must end after it starts."))
        values.update(start_dt=start_dt, end_dt=end_dt)
    checker.done()
    return values, skills


def _check_session_open(session):
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))


def create_shift(session, data, *, actor, now):
    _check_session_open(session)
    values, skills = _shift_values(data, session)
    shift = Shift(session_id=session.id, **values, status=ShiftStatus.ACTIVE,
                  created_dt=now, updated_dt=now)
    shift.skill_rows = [ShiftSkill(skill=skill) for skill in sorted(skills)]
    db.session.add(shift)
    db.session.flush()
    audit.record("shift.create", shift, actor=actor, after=_snapshot_shift(shift), now=now)
    return shift


def lock_shift(shift):
    """Lock the shift row for the rest of the transaction and read it again."""
    return lock_rows(db.session, select(Shift).where(Shift.id == shift.id)
                     .options(lazyload("*")), of=Shift).one()


def _lock_assignment(assignment):
    """Lock the assignment's shift, then read the assignment again: what it says now
    (still active?) is what the change is checked against."""
    lock_shift(assignment.shift)
    db.session.refresh(assignment)


def _tell_changed(shift, *, now):
    """Every volunteer on the shift: SEQUENCE + 1, the change told, the reminder again."""
    notices.retime_shift(shift, now=now)
    for assignment in shift.active_assignments:
        assignment.sequence += 1
        assignment.updated_dt = now
        notices.cancel_pending(assignment.volunteer_id, shift.id, now=now,
                               templates=[ShiftTemplate.SHIFT_REMINDER])
        notices.plan(ShiftTemplate.SHIFT_CHANGED, assignment.volunteer, shift=shift, due=now,
                     now=now)
        notices.plan_reminder(assignment, now=now)


def update_shift(shift, data, *, actor, now):
    shift = lock_shift(shift)
    if shift.status == ShiftStatus.CANCELLED:
        raise ValidationError(_("This shift is cancelled."))
    _check_session_open(shift.session)
    before = _snapshot_shift(shift)
    values, skills = _shift_values(data, shift.session)
    taken = places.places_taken(shift)
    if values["places"] < taken:
        message = _("%(count)d volunteers hold a place on this shift; remove some before "
                    "making it smaller.", count=taken)
        raise ValidationError(message, fields={"places": message})
    moved = (values["start_dt"], values["end_dt"]) != (shift.start_dt, shift.end_dt)
    records.assign(shift, values)
    shift.skill_rows = [row for row in shift.skill_rows if Skill(row.skill) in skills]
    have = shift.required_skills
    shift.skill_rows += [ShiftSkill(skill=skill) for skill in sorted(skills - have)]
    shift.updated_dt = now
    db.session.flush()
    if moved:
        _tell_changed(shift, now=now)
    after = _snapshot_shift(shift)
    if after != before:
        audit.record("shift.update", shift, actor=actor, before=before, after=after, now=now)
    return shift


def _end_assignment(assignment, status, *, now, tell):
    assignment.status = status
    assignment.ended_dt = now
    assignment.sequence += 1
    assignment.updated_dt = now
    notices.cancel_pending(assignment.volunteer_id, assignment.shift_id, now=now)
    if tell:
        notices.plan(ShiftTemplate.SHIFT_CANCELLED, assignment.volunteer,
                     shift=assignment.shift, due=now, now=now)


def cancel_shift(shift, *, actor, now, note=None):
    shift = lock_shift(shift)
    if shift.status == ShiftStatus.CANCELLED:
        raise ValidationError(_("This shift is already cancelled."))
    return _cancel_locked(shift, actor=actor, now=now, note=note)


def _cancel_locked(shift, *, actor, now, note):
    """cancel_shift's work once the shift is locked and still active."""
    before = _snapshot_shift(shift)
    for assignment in shift.active_assignments:
        assignment_before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
        _end_assignment(assignment, AssignmentStatus.CANCELLED, now=now,
                        tell=shift.start_dt > now)
        audit.record("shift_assignment.cancel", assignment, actor=actor,
                     before=assignment_before,
                     after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), note=note, now=now)
    shift.status = ShiftStatus.CANCELLED
    shift.updated_dt = now
    db.session.flush()
    audit.record("shift.cancel", shift, actor=actor, before=before, after=_snapshot_shift(shift),
                 note=note, now=now)
    return shift


# -- who may take a shift ------------------------------------------------------------------

def _overlapping(volunteer, shift, gap):
    """The volunteer's other active assignments within `gap` of the shift's time."""
    return list(db.session.scalars(
        select(ShiftAssignment).join(ShiftAssignment.shift).join(Shift.session)
        .where(ShiftAssignment.volunteer_id == volunteer.id,
               ShiftAssignment.status == AssignmentStatus.ACTIVE,
               ShiftAssignment.shift_id != shift.id,
               Shift.status == ShiftStatus.ACTIVE,
               EventSession.status != SessionStatus.CANCELLED,
               Shift.start_dt < shift.end_dt + gap, Shift.end_dt > shift.start_dt - gap)
        .order_by(Shift.start_dt)))


def fits_availability(volunteer, shift):
    """Whether the shift lies inside one of the volunteer's usual times (a volunteer
    who gave none is taken to be available whenever asked)."""
    if not volunteer.availability:
        return True
    start, end = to_local(shift.start_dt), to_local(shift.end_dt)
    return any(row.weekday == start.weekday() and row.start_time <= start.time()
               and end.time() <= row.end_time and end.date() == start.date()
               for row in volunteer.availability)


def _describe(other):
    from desk.core.i18n import format_date_short, format_time

    return _("%(date)s %(start)s–%(end)s at %(venue)s",
             date=format_date_short(other.shift.start_dt), start=format_time(other.shift.start_dt),
             end=format_time(other.shift.end_dt), venue=other.shift.session.venue.display_name)


def staffing_warnings(shift, volunteer):
    """What a coordinator should know before putting `volunteer` on `shift`."""
    travel = timedelta(minutes=current_app.config["DESK_SHIFT_TRAVEL_MINUTES"])
    warnings = []
    for other in _overlapping(volunteer, shift, travel):
        overlaps = other.shift.start_dt < shift.end_dt and other.shift.end_dt > shift.start_dt
        if overlaps:
            warnings.append(Concern("overlap", _("%(name)s already has a shift then: %(shift)s.",
                                                 name=volunteer.name, shift=_describe(other))))
        elif other.shift.session.venue_id != shift.session.venue_id:
            warnings.append(Concern("travel", _(
                "%(name)s has a shift at another venue less than %(minutes)d minutes "
                "before or after: %(shift)s.", name=volunteer.name,
                minutes=travel.total_seconds() // 60, shift=_describe(other))))
    missing = shift.required_skills - volunteer.skills
    if missing:
        from desk.volunteers.labels import skill_label

        warnings.append(Concern("skills", _(
            "%(name)s does not have the skills this shift asks for: %(skills)s.",
            name=volunteer.name, skills="、".join(str(skill_label(skill))
                                                 for skill in sorted(missing)))))
    if not fits_availability(volunteer, shift):
        warnings.append(Concern("availability", _(
            "This shift is outside %(name)s's usual times.", name=volunteer.name)))
    return warnings


def _take_place(shift, volunteer, *, source, now):
    """Under the shift's lock: the volunteer's place, new or taken up again."""
    assignment = queries.place_on_shift(volunteer, shift)
    if assignment is not None and assignment.status == AssignmentStatus.ACTIVE:
        raise ConflictError(_("%(name)s is already on this shift.", name=volunteer.name),
                            code="already_on_shift")
    if places.places_free(shift) == 0:
        raise ConflictError(_("All places on this shift are taken."), code="shift_full")
    if assignment is None:
        assignment = ShiftAssignment(volunteer=volunteer, source=source,
                                     status=AssignmentStatus.ACTIVE, sequence=0,
                                     assigned_dt=now, created_dt=now, updated_dt=now)
        shift.assignments.append(assignment)  # loads the collection first, then adds
    else:
        assignment.status = AssignmentStatus.ACTIVE
        assignment.source = source
        assignment.sequence += 1
        assignment.ended_dt = None
        assignment.check_in_dt = assignment.check_out_dt = None
        assignment.is_no_show = False
        assignment.assigned_dt = now
        assignment.updated_dt = now
    db.session.flush()
    return assignment


def _check_shift_open(shift):
    if shift.status == ShiftStatus.CANCELLED or shift.session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This shift is cancelled."))


def _lock_volunteer(volunteer):
    """Lock the volunteer's row (before any shift's): their own sign-ups wait for each
    other, so two overlapping shifts taken at once are checked one after the other."""
    return lock_rows(db.session, select(Volunteer).where(Volunteer.id == volunteer.id)
                     .options(lazyload("*")), of=Volunteer).one()


def sign_up_for_shift(shift, volunteer, *, actor, now):
    """A volunteer takes a place: immediate while places remain; the shift's row lock
    makes two volunteers wait for each other, so the last place is taken once, and a
    sign-up waits for a cancellation of the shift (or its session) to finish, then sees
    the shift cancelled. The volunteer's row lock, taken first, makes their own sign-ups
    for overlapping shifts wait for each other."""
    volunteer = _lock_volunteer(volunteer)
    shift = lock_shift(shift)
    if not volunteer.is_active:
        raise PermissionDenied(_("Your volunteer profile is not active. Please contact the "
                                 "coordinator."))
    _check_shift_open(shift)
    if shift.start_dt <= now:
        raise ValidationError(_("This shift has already started."))
    missing = shift.required_skills - volunteer.skills
    if missing:
        raise ValidationError(_("This shift asks for skills that are not in your profile."))
    clashes = [other for other in _overlapping(volunteer, shift, timedelta(0))
               if other.shift.start_dt < shift.end_dt and other.shift.end_dt > shift.start_dt]
    if clashes:
        raise ValidationError(_("You already have a shift then: %(shift)s.",
                                shift=_describe(clashes[0])))
    assignment = _take_place(shift, volunteer, source=AssignmentSource.SELF, now=now)
    notices.plan_reminder(assignment, now=now)
    audit.record("shift_assignment.sign_up", assignment, actor=actor,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def assign_volunteer(shift, volunteer, *, actor, now, confirmed=False):
    """A coordinator puts a volunteer on a shift. Overlaps, travel between venues,
    missing skills and times outside the volunteer's usual ones are StaffingWarnings
    until `confirmed`; a full shift or an inactive volunteer is refused."""
    shift = lock_shift(shift)
    if not volunteer.is_active:
        raise ValidationError(_("%(name)s is not an active volunteer.", name=volunteer.name))
    _check_shift_open(shift)
    warnings = staffing_warnings(shift, volunteer)
    if warnings and not confirmed:
        raise StaffingWarning(warnings)
    assignment = _take_place(shift, volunteer, source=AssignmentSource.COORDINATOR, now=now)
    if shift.start_dt > now:
        notices.plan(ShiftTemplate.SHIFT_CHANGED, volunteer, shift=shift, due=now, now=now)
        notices.plan_reminder(assignment, now=now)
    audit.record("shift_assignment.assign", assignment, actor=actor,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS),
                 note="; ".join(warning.kind for warning in warnings) or None, now=now)
    return assignment


def withdraw_cutoff(shift):
    return shift.start_dt - timedelta(hours=current_app.config["DESK_SHIFT_WITHDRAW_HOURS"])


def can_withdraw(assignment, now):
    return assignment.is_active and now < withdraw_cutoff(assignment.shift)


def withdraw_from_shift(assignment, *, actor, now):
    """The volunteer gives their place back, until DESK_SHIFT_WITHDRAW_HOURS before
    the shift; later only a coordinator can take them off (remove_from_shift)."""
    _lock_assignment(assignment)
    if not assignment.is_active:
        raise ValidationError(_("You are not on this shift."))
    if not can_withdraw(assignment, now):
        raise ValidationError(_(
            "It is less than %(hours)d hours before the shift. Please call the coordinator "
            "(%(phone)s) instead.", hours=current_app.config["DESK_SHIFT_WITHDRAW_HOURS"],
            phone=current_app.config["DESK_DESK_PHONE"]))
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    _end_assignment(assignment, AssignmentStatus.WITHDRAWN, now=now, tell=False)
    db.session.flush()
    audit.record("shift_assignment.withdraw", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def remove_from_shift(assignment, *, actor, now, note=None):
    """A coordinator takes a volunteer off a shift (at any time; the volunteer is told
    when the shift is still to come)."""
    _lock_assignment(assignment)
    if not assignment.is_active:
        raise ValidationError(_("This volunteer is not on the shift."))
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    _end_assignment(assignment, AssignmentStatus.REMOVED, now=now,
                    tell=assignment.shift.start_dt > now)
    db.session.flush()
    audit.record("shift_assignment.remove", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), note=note, now=now)
    return assignment


# -- on the day ------------------------------------------------------------------------------

def _is_staff(actor):
    return actor is not None and not isinstance(actor, str) and actor.is_staff


def check_in_open(shift, now):
    """Whether a volunteer may check themselves in now: from CHECK_IN_EARLY before the
    shift to its end (coordinators may at any time)."""
    return shift.start_dt - CHECK_IN_EARLY <= now <= shift.end_dt


def _check_place_still_free(assignment):
    """Under the shift's lock: a volunteer marked absent who turns up after all takes a
    place again, so one must still be free (a cover may have taken theirs)."""
    if assignment.is_no_show and places.places_free(assignment.shift) == 0:
        raise ConflictError(_("The place was given to someone else while this volunteer was "
                              "marked absent: add a place to the shift first."),
                            code="shift_full")


def check_in(assignment, *, actor, now):
    """From an hour before the shift until its end (a coordinator: at any time)."""
    _lock_assignment(assignment)
    if not assignment.is_active:
        raise ValidationError(_("This volunteer is not on the shift."))
    if assignment.check_in_dt is not None:
        raise ValidationError(_("Already checked in."))
    shift = assignment.shift
    if not _is_staff(actor) and not check_in_open(shift, now):
        raise ValidationError(_("Check-in opens one hour before the shift and closes at its end."))
    _check_place_still_free(assignment)
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    assignment.check_in_dt = now
    assignment.is_no_show = False
    assignment.updated_dt = now
    db.session.flush()
    audit.record("shift_assignment.check_in", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def check_out(assignment, *, actor, now):
    if assignment.check_in_dt is None:
        raise ValidationError(_("Check in first."))
    if assignment.check_out_dt is not None:
        raise ValidationError(_("Already checked out."))
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    assignment.check_out_dt = max(now, assignment.check_in_dt)
    assignment.updated_dt = now
    db.session.flush()
    audit.record("shift_assignment.check_out", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def set_times(assignment, data, *, actor, now):
    """A coordinator records or corrects check-in and check-out (local HH:MM on the
    shift's day); empty check-in clears both."""
    _lock_assignment(assignment)
    if not assignment.is_active:
        raise ValidationError(_("This volunteer is not on the shift."))
    checker = Checker(data)
    day = to_local(assignment.shift.start_dt).date()
    start = checker.time("check_in", required=False)
    end = checker.time("check_out", required=False)
    if end is not None and start is None:
        checker.fail("check_in", _("Enter the check-in time too."))
    if start is not None and end is not None and end < start:
        checker.fail("check_out", _("Check-out cannot be before check-in."))
    checker.done()
    start_dt = local_datetime(day, start) if start is not None else None
    if start_dt is not None and start_dt > now:
        message = _("This time has not come yet.")
        raise ValidationError(message, fields={"check_in": message})
    if start_dt is not None:
        _check_place_still_free(assignment)
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    assignment.check_in_dt = start_dt
    assignment.check_out_dt = local_datetime(day, end) if end is not None else None
    if start_dt is not None:
        assignment.is_no_show = False
    assignment.updated_dt = now
    db.session.flush()
    audit.record("shift_assignment.times", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def mark_no_show(assignment, *, actor, now):
    """The volunteer did not come (once the shift has started)."""
    _lock_assignment(assignment)
    if not assignment.is_active:
        raise ValidationError(_("This volunteer is not on the shift."))
    if assignment.shift.start_dt > now:
        raise ValidationError(_("The shift has not started yet."))
    if assignment.check_in_dt is not None:
        raise ValidationError(_("This volunteer checked in; clear the check-in first."))
    before = audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS)
    assignment.is_no_show = True
    assignment.updated_dt = now
    db.session.flush()
    audit.record("shift_assignment.no_show", assignment, actor=actor, before=before,
                 after=audit.snapshot(assignment, ASSIGNMENT_AUDIT_FIELDS), now=now)
    return assignment


def cover_reason(shift, *, now):
    """Why the shift needs cover now (a message), or None: a free place on the day, a
    volunteer who gave their place back or was taken off after the withdrawal cut-off,
    or one who did not come."""
    if shift.is_cancelled or shift.end_dt <= now:
        return None
    if any(row.is_active and row.is_no_show for row in shift.assignments):
        return _("A volunteer did not come.")
    if places.places_free(shift) == 0:
        return None
    cutoff = withdraw_cutoff(shift)
    if any(row.status in (AssignmentStatus.WITHDRAWN, AssignmentStatus.REMOVED)
           and row.ended_dt is not None and row.ended_dt >= cutoff for row in shift.assignments):
        return _("A volunteer left the shift after the cut-off.")
    if to_local(shift.start_dt).date() == local_today(now):
        return _("Places are still free today.")
    return None


def request_cover(shift, *, actor, now):
    """Ask every matching available volunteer to step in, in one action: active, with
    the shift's skills, free at that time (no overlapping shift), within their usual
    times, reachable, not already on the shift. Each is asked once per shift."""
    from desk.volunteers.queries import cover_candidates

    shift = lock_shift(shift)
    _check_shift_open(shift)
    if shift.end_dt <= now:
        raise ValidationError(_("This shift is over."))
    if places.places_free(shift) == 0:
        raise ValidationError(_("Every place on this shift is taken."))
    report = CoverReport()
    for volunteer in cover_candidates(shift):
        if notices.already_asked(volunteer.id, shift.id):
            report.skipped += 1
            continue
        if notices.plan(ShiftTemplate.SHIFT_COVER, volunteer, shift=shift, due=now,
                        now=now) is not None:
            report.asked.append(volunteer)
    if not report.asked and not report.skipped:
        raise ValidationError(_("No other volunteer matches this shift and can be reached."))
    db.session.flush()
    audit.record("shift.cover_request", shift, actor=actor,
                 after={"asked": [volunteer.id for volunteer in report.asked],
                        "skipped": report.skipped}, now=now)
    return report


# -- the session changed (desk.events.signals) ------------------------------------------------

def session_moved(session, *, before, actor, now):
    """The session's time or venue changed: its shifts move by as much as its start
    did, and their volunteers are told (SEQUENCE + 1, a new reminder)."""
    delta = session.start_dt - before["start_dt"]
    for shift in _live_shifts_locked(session):
        shift_before = _snapshot_shift(shift)
        if delta:
            shift.start_dt += delta
            shift.end_dt += delta
            shift.updated_dt = now
        db.session.flush()
        _tell_changed(shift, now=now)
        if delta:
            audit.record("shift.update", shift, actor=actor, before=shift_before,
                         after=_snapshot_shift(shift), note="the session moved", now=now)


def session_cancelled(session, *, actor, now):
    """The session was cancelled (by a coordinator, a series, or the typhoon
    broadcast): every shift of it is cancelled and its volunteers told."""
    for shift in _live_shifts_locked(session):
        _cancel_locked(shift, actor=actor, now=now, note=session.cancel_reason)


def _live_shifts_locked(session):
    """The session's active shifts, each locked (in id order) and read again; a shift
    cancelled meanwhile is left out."""
    shifts = db.session.scalars(select(Shift).where(
        Shift.session_id == session.id, Shift.status == ShiftStatus.ACTIVE)
        .order_by(Shift.id)).all()
    locked = [lock_shift(shift) for shift in shifts]
    return [shift for shift in locked if shift.status == ShiftStatus.ACTIVE]
