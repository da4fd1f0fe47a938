"""The schedule's business operations: districts, venues, programs, sessions, series.

Each function checks its rules (raising a ValidationError with translated messages
and changing nothing), changes the models, flushes, and writes the audit entry. None
commits: the request, the API call or the CLI command commits once.

Updates take a mapping of the fields to change (a form's data, or the JSON of a
PATCH): the current values are merged under it and the whole is checked again.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.core import audit, records
from desk.core.districts import District
from desk.core.errors import ValidationError
from desk.core.i18n import format_time
from desk.core.timeutil import local_datetime
from desk.core.validation import Checker
from desk.events import bookings, holds, recurrence, signals, slots
from desk.events.bookings import (  # noqa: F401  (the booking service, as DESIGN.md names it)
    BookingClosedError,
    BookingError,
    book_public,
    book_seat,
    cancel_booking,
    close_attendance,
    move_booking,
    promote_waitlist,
    set_anonymous_headcount,
    set_attendance,
    set_confirmation,
)
from desk.events.models import (
    ACTIVE_BOOKING_STATUSES,
    KINDS_WITH_CAPACITY,
    KINDS_WITH_PROGRAM,
    MAX_CAPACITY,
    Booking,
    Device,
    EventSession,
    Level,
    Program,
    SeriesSkip,
    SeriesStatus,
    SessionKind,
    SessionSeries,
    SessionStatus,
    Topic,
    Venue,
    VenueKind,
)
from desk.extensions import db

MAX_SESSION_LENGTH = timedelta(hours=12)

DISTRICT_FIELDS = ("name", "name_kana", "name_en", "position")
VENUE_FIELDS = ("name", "name_kana", "name_en", "short_name", "short_name_en", "address",
                "district_id", "phone", "accessibility_notes", "accessibility_notes_en",
                "default_capacity", "latitude", "longitude", "is_active")
PROGRAM_FIELDS = ("title", "title_kana", "title_en", "description", "description_en", "topic",
                  "level", "device", "default_duration_minutes", "what_to_bring",
                  "what_to_bring_en", "morning_reminder_time", "is_active")
SESSION_FIELDS = ("kind", "program_id", "title", "title_en", "venue_id", "start_dt", "end_dt",
                  "capacity", "notes", "notes_en", "requesting_group", "requesting_contact",
                  "slot_minutes")
SESSION_AUDIT_FIELDS = (*SESSION_FIELDS, "status", "cancel_reason", "series_id",
                        "occurrence_date", "is_detached")
# The fields a series decides for each of its sessions.
SERIES_GOVERNED_FIELDS = ("kind", "program_id", "title", "title_en", "venue_id", "start_dt",
                          "end_dt", "capacity", "notes", "notes_en")
SERIES_FIELDS = ("kind", "program_id", "title", "title_en", "venue_id", "capacity", "notes",
                 "notes_en", "rrule", "start_date", "until_date", "start_time", "end_time",
                 "skip_dates")
SERIES_AUDIT_FIELDS = (*SERIES_FIELDS, "status", "cancel_reason")


# -- shared checks ---------------------------------------------------------------------

def _unique(checker, model, column, value, current, name, message):
    if value is None:
        return
    query = select(model.id).where(func.lower(column) == value.lower())
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    if db.session.scalar(query.limit(1)) is not None:
        checker.fail(name, message)


def _values_of(instance, fields):
    return {name: getattr(instance, name) for name in fields}


def _changed(before, after):
    return {key for key in after if before.get(key) != after.get(key)}


# -- districts -------------------------------------------------------------------------

def _district_values(data, current=None):
    checker = Checker(data)
    values = {
        "name": checker.text("name", District.NAME_MAX, required=True),
        "name_kana": checker.text("name_kana", 100, required=True),
        "name_en": checker.text("name_en", District.NAME_MAX),
        "position": checker.integer("position", 0, 9999) or 0,
    }
    _unique(checker, District, District.name, values["name"], current, "name",
            _("A district with this name already exists."))
    _unique(checker, District, District.name_en, values["name_en"], current, "name_en",
            _("A district with this English name already exists."))
    checker.done()
    return values


def create_district(data, *, actor):
    return records.create(District, _district_values(data), action="district.create",
                          fields=DISTRICT_FIELDS, actor=actor)


def update_district(district, changes, *, actor):
    values = _district_values({**_values_of(district, DISTRICT_FIELDS), **changes}, district)
    records.update(district, values, action="district.update", fields=DISTRICT_FIELDS,
                   actor=actor)
    return district


# -- venues ----------------------------------------------------------------------------

def _venue_values(data, current=None):
    checker = Checker(data)
    district = checker.reference("district_id", District, required=False,
                                 message=_("Choose a district from the list."))
    phone = checker.phone("phone")
    values = {
        "name": checker.text("name", Venue.NAME_MAX, required=True),
        "name_kana": checker.text("name_kana", Venue.KANA_MAX, required=True),
        "name_en": checker.text("name_en", Venue.NAME_EN_MAX),
        "short_name": checker.text("short_name", Venue.SHORT_NAME_MAX, required=True),
        "short_name_en": checker.text("short_name_en", Venue.SHORT_NAME_EN_MAX),
        "address": checker.text("address", Venue.ADDRESS_MAX, required=True),
        "district_id": district.id if district else None,
        "phone": phone.e164 if phone else None,
        "accessibility_notes": checker.text("accessibility_notes", Venue.NOTES_MAX,
                                            multiline=True),
        "accessibility_notes_en": checker.text("accessibility_notes_en", Venue.NOTES_MAX,
                                               multiline=True),
        "default_capacity": checker.integer("default_capacity", 0, MAX_CAPACITY, required=True),
        "latitude": checker.number("latitude", -90, 90),
        "longitude": checker.number("longitude", -180, 180),
        "is_active": checker.boolean("is_active", default=True),
    }
    if (values["latitude"] is None) != (values["longitude"] is None) and not checker.errors:
        checker.fail("longitude", _("Enter both latitude and longitude, or neither."))
    _unique(checker, Venue, Venue.name, values["name"], current, "name",
            _("A venue with this name already exists."))
    _unique(checker, Venue, Venue.name_en, values["name_en"], current, "name_en",
            _("A venue with this English name already exists."))
    checker.done()
    return values


def create_venue(data, *, actor, kind=VenueKind.CITY):
    """A city venue, or (kind COMMUNITY) a community place where outreach classes are
    held (desk.events.outreach)."""
    return records.create(Venue, {**_venue_values(data), "kind": kind}, action="venue.create",
                          fields=(*VENUE_FIELDS, "kind"), actor=actor)


def update_venue(venue, changes, *, actor):
    values = _venue_values({**_values_of(venue, VENUE_FIELDS), **changes}, venue)
    records.update(venue, values, action="venue.update", fields=VENUE_FIELDS, actor=actor)
    return venue


# -- programs --------------------------------------------------------------------------

def _program_values(data, current=None):
    checker = Checker(data)
    values = {
        "title": checker.text("title", Program.TITLE_MAX, required=True),
        "title_kana": checker.text("title_kana", Program.KANA_MAX, required=True),
        "title_en": checker.text("title_en", Program.TITLE_EN_MAX),
        "description": checker.text("description", Program.DESCRIPTION_MAX, multiline=True),
        "description_en": checker.text("description_en", Program.DESCRIPTION_MAX,
                                       multiline=True),
        "topic": checker.choice("topic", Topic),
        "level": checker.choice("level", Level, default=Level.BEGINNER),
        "device": checker.choice("device", Device, default=Device.ANY),
        "default_duration_minutes": checker.integer(
            "default_duration_minutes", Program.DURATION_MIN, Program.DURATION_MAX,
            required=True),
        "what_to_bring": checker.text("what_to_bring", Program.BRING_MAX, multiline=True),
        "what_to_bring_en": checker.text("what_to_bring_en", Program.BRING_MAX,
                                         multiline=True),
        "morning_reminder_time": checker.time("morning_reminder_time", required=False),
        "is_active": checker.boolean("is_active", default=True),
    }
    _unique(checker, Program, Program.title, values["title"], current, "title",
            _("A program with this title already exists."))
    checker.done()
    return values


def create_program(data, *, actor):
    return records.create(Program, _program_values(data), action="program.create",
                          fields=PROGRAM_FIELDS, actor=actor)


def update_program(program, changes, *, actor):
    values = _program_values({**_values_of(program, PROGRAM_FIELDS), **changes}, program)
    records.update(program, values, action="program.update", fields=PROGRAM_FIELDS,
                   actor=actor)
    return program


# -- what a session and a series share ---------------------------------------------------

def _occasion_values(checker, *, current_venue_id=None, for_series=False):
    """kind, program, title, venue, capacity and notes (title and notes also in English),
    checked together."""
    kind = checker.choice("kind", SessionKind)
    if for_series and kind == SessionKind.OUTREACH_CLASS:
        checker.fail("kind", _("Outreach classes are held on request, one at a time; "
                               "they cannot be a series."))
    needs_program = kind in KINDS_WITH_PROGRAM
    program = checker.reference("program_id", Program, required=needs_program,
                                message=_("Choose a program from the list."))
    venue = checker.reference("venue_id", Venue, required=True,
                              message=_("Choose a venue from the list."))
    if venue is not None and not venue.is_active and venue.id != current_venue_id:
        checker.fail("venue_id", _("This venue is no longer in use. Choose another one."))
    if venue is not None and venue.is_community and kind != SessionKind.OUTREACH_CLASS \
            and "kind" not in checker.errors:
        checker.fail("venue_id", _("A community place hosts outreach classes only. Choose a "
                                   "city venue, or make the session an outreach class."))
    title_required = kind == SessionKind.AWARENESS_EVENT and program is None
    title = checker.text("title", EventSession.TITLE_MAX, required=title_required)
    title_en = checker.text("title_en", EventSession.TITLE_EN_MAX)
    notes = checker.text("notes", EventSession.NOTES_MAX, multiline=True)
    notes_en = checker.text("notes_en", EventSession.NOTES_MAX, multiline=True)
    # an English text translates a Japanese one: alone, Japanese readers would see none
    if title_en and not title and "title" not in checker.errors:
        checker.fail("title_en", _("Enter the title in Japanese as well, or leave the "
                                   "English title empty."))
    if notes_en and not notes and "notes" not in checker.errors:
        checker.fail("notes_en", _("Enter the notes in Japanese as well, or leave the "
                                   "English notes empty."))
    capacity = checker.integer("capacity", 0, MAX_CAPACITY)
    if capacity is None and kind in KINDS_WITH_CAPACITY and venue is not None \
            and "capacity" not in checker.errors:
        capacity = venue.default_capacity
    return {
        "kind": kind,
        "program_id": program.id if program else None,
        "title": title,
        "title_en": title_en,
        "venue_id": venue.id if venue else None,
        "capacity": capacity,
        "notes": notes,
        "notes_en": notes_en,
    }


# -- sessions --------------------------------------------------------------------------

def _session_values(data, current=None):
    checker = Checker(data)
    values = _occasion_values(checker, current_venue_id=current.venue_id if current else None)
    start_dt = checker.datetime("start_dt")
    end_dt = checker.datetime("end_dt")
    if start_dt and end_dt:
        if end_dt <= start_dt:
            checker.fail("end_dt", _("The end must be after the start."))
        elif end_dt - start_dt > MAX_SESSION_LENGTH:
            checker.fail("end_dt", _("A session can last at most 12 hours."))
    outreach = values["kind"] == SessionKind.OUTREACH_CLASS
    group = checker.text("requesting_group", EventSession.GROUP_MAX, required=outreach)
    contact = checker.text("requesting_contact", EventSession.CONTACT_MAX)
    slot_minutes = _slot_values(checker, values, start_dt, end_dt, current)
    checker.done()
    values.update(
        start_dt=start_dt,
        end_dt=end_dt,
        requesting_group=group if outreach else None,
        requesting_contact=contact if outreach else None,
        slot_minutes=slot_minutes,
    )
    return values


def _slot_values(checker, values, start_dt, end_dt, current):
    """The length of a consultation session's reserved slots (None: walk-ins only;
    ignored for other kinds). Its capacity is then the number of slots offered: at
    least one, and no more than fit between the start and the end. The slots already
    booked must still fit."""
    if values["kind"] != SessionKind.CONSULTATION:
        return None
    minutes = checker.integer("slot_minutes", slots.SLOT_MINUTES_MIN, slots.SLOT_MINUTES_MAX)
    if minutes is None or not start_dt or not end_dt or end_dt <= start_dt:
        return minutes
    fit = slots.slots_that_fit(start_dt, end_dt, minutes)
    booked = len(slots.held(current)) if current is not None and current.id else 0
    times = {"start": format_time(start_dt), "end": format_time(end_dt)}
    if booked > fit:
        checker.fail("slot_minutes", _(
            "%(booked)d people have booked a reserved time, but from %(start)s to %(end)s "
            "only %(fit)d slots of %(minutes)d minutes fit. Keep the times and the slot "
            "length, or cancel bookings first.", booked=booked, fit=fit, minutes=minutes,
            **times))
    elif fit == 0:
        checker.fail("slot_minutes", _(
            "A slot of %(minutes)d minutes does not fit between %(start)s and %(end)s.",
            minutes=minutes, **times))
    elif not values["capacity"] and "capacity" not in checker.errors:
        checker.fail("capacity", _(
            "Enter how many reserved slots to offer: from 1 to %(fit)d (slots of "
            "%(minutes)d minutes from %(start)s to %(end)s).", fit=fit, minutes=minutes,
            **times))
    elif values["capacity"] and values["capacity"] > fit:
        checker.fail("capacity", _(
            "From %(start)s to %(end)s, %(fit)d slots of %(minutes)d minutes fit: offer "
            "at most %(fit)d.", fit=fit, minutes=minutes, **times))
    return minutes


def create_session(data, *, actor, now):
    session = EventSession(**_session_values(data), status=SessionStatus.SCHEDULED,
                           created_dt=now, updated_dt=now)
    db.session.add(session)
    db.session.flush()
    audit.record("session.create", session, actor=actor,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS), now=now)
    return session


def update_session(session, changes, *, actor, now):
    """Change a session. A session of a series becomes a one-off change: later edits of
    the series leave it alone."""
    session = bookings.lock_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled. Reinstate it before changing it."))
    before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    current = _values_of(session, SESSION_FIELDS)
    was = {"start_dt": session.start_dt, "end_dt": session.end_dt, "venue_id": session.venue_id}
    values = _session_values({**current, **changes}, session)
    changed = _changed(current, values)
    if not changed:
        return session
    booked = has_active_bookings(session)
    if booked and "kind" in changed and values["kind"] not in KINDS_WITH_CAPACITY:
        message = _("This session has bookings, so it must stay a kind that takes bookings. "
                    "Cancel the bookings first.")
        raise ValidationError(message, fields={"kind": message})
    had_slots, old_slot_minutes = session.has_reserved_slots, session.slot_minutes
    if booked and had_slots and values["slot_minutes"] is None:
        message = _("This session has bookings of reserved times, so it must keep its "
                    "reserved slots. Cancel the bookings first.")
        raise ValidationError(message, fields={"slot_minutes": message})
    records.assign(session, values)
    if session.series_id is not None and changed & {*SERIES_GOVERNED_FIELDS, "slot_minutes"}:
        session.is_detached = True
    bookings.session_changed(session, now=now)
    db.session.flush()
    audit.record("session.update", session, actor=actor, before=before,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS), now=now)
    if changed & {"start_dt", "end_dt", "venue_id"}:
        signals.session_moved.send(session, before=was, actor=actor, now=now)
    if booked:
        slots_moved = []
        if had_slots and changed & {"start_dt", "slot_minutes"}:
            slots_moved = bookings.move_slots(session, old_start_dt=was["start_dt"],
                                              old_slot_minutes=old_slot_minutes, actor=actor)
        if changed & {"start_dt", "end_dt", "venue_id"} or slots_moved:
            bookings.replan_session_messages(session, actor=actor, now=now)
        if "capacity" in changed or slots_moved:
            session.booking_changes = bookings.fit_capacity(session, actor=actor, now=now)
    return session


def has_active_bookings(session):
    if session.id is None:
        return False
    return db.session.scalar(
        select(Booking.id).where(Booking.session_id == session.id,
                                 Booking.status.in_(ACTIVE_BOOKING_STATUSES)).limit(1)) is not None


def _reason(reason):
    checker = Checker({"cancel_reason": reason})
    value = checker.text("cancel_reason", EventSession.REASON_MAX, required=True)
    checker.done()
    return value


def cancel_session(session, reason, *, actor, now):
    reason = _reason(reason)
    session = bookings.lock_session(session)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is already cancelled."))
    if session.status == SessionStatus.COMPLETED:
        raise ValidationError(_("This session has already been held; it cannot be cancelled."))
    before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason
    bookings.session_changed(session, now=now)
    db.session.flush()
    audit.record("session.cancel", session, actor=actor, before=before,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS), now=now)
    session.booking_changes = bookings.cancel_session_bookings(session, actor=actor, now=now)
    signals.session_cancelled.send(session, actor=actor, now=now)
    return session


def reinstate_session(session, *, actor, now):
    session = bookings.lock_session(session)
    if session.status != SessionStatus.CANCELLED:
        raise ValidationError(_("Only a cancelled session can be reinstated."))
    if session.start_dt <= now:
        raise ValidationError(_("This session's time has passed; it cannot be reinstated."))
    if session.series is not None and session.series.status == SeriesStatus.CANCELLED:
        raise ValidationError(_("The series of this session is cancelled."))
    before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    session.status = SessionStatus.SCHEDULED
    session.cancel_reason = None
    bookings.session_changed(session, now=now)
    db.session.flush()
    audit.record("session.reinstate", session, actor=actor, before=before,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS), now=now)
    return session


def complete_session(session, *, actor, now):
    session = bookings.lock_session(session)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be marked as held."))
    if session.start_dt > now:
        raise ValidationError(_("This session has not started yet."))
    before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
    session.status = SessionStatus.COMPLETED
    bookings.session_changed(session, now=now)
    db.session.flush()
    audit.record("session.complete", session, actor=actor, before=before,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS), now=now)
    return session


def apply_session_status(session, status, reason, *, actor, now):
    """Move a session to `status` (the API's PATCH of `status`)."""
    try:
        status = SessionStatus(status)
    except ValueError:
        message = _("Choose one of the options.")
        raise ValidationError(message, fields={"status": message}) from None
    if status == session.status:
        return session
    if status == SessionStatus.CANCELLED:
        return cancel_session(session, reason, actor=actor, now=now)
    if status == SessionStatus.COMPLETED:
        return complete_session(session, actor=actor, now=now)
    return reinstate_session(session, actor=actor, now=now)


# -- series ----------------------------------------------------------------------------

@dataclass
class SeriesReport:
    """What a series operation did, for the coordinator to read."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)  # [(session, reason code)]



def _series_values(data, current=None):
    checker = Checker(data)
    values = _occasion_values(checker, current_venue_id=current.venue_id if current else None,
                              for_series=True)
    rule = None
    try:
        rule = recurrence.normalise_rule(checker.raw("rrule"))
    except recurrence.RecurrenceError as error:
        checker.fail("rrule", str(error))
    start_date = checker.date("start_date")
    until_date = checker.date("until_date")
    start_time = checker.time("start_time")
    end_time = checker.time("end_time")
    if start_time and end_time and end_time <= start_time:
        checker.fail("end_time", _("The end must be after the start."))
    skip_dates = checker.date_list("skip_dates", SessionSeries.MAX_OCCURRENCES)
    dates = []
    if rule and start_date and until_date and skip_dates is not None:
        try:
            dates = recurrence.occurrences(rule, start_date, until_date, skip_dates,
                                           limit=SessionSeries.MAX_OCCURRENCES)
        except recurrence.RecurrenceError as error:
            checker.fail(error.field, str(error))
    checker.done()
    values.update(rrule=rule, start_date=start_date, until_date=until_date,
                  start_time=start_time, end_time=end_time)
    return values, skip_dates, dates


def _series_snapshot(series):
    return audit.snapshot(series, SERIES_AUDIT_FIELDS)


def _target(series, day):
    """The governed values the series gives the session on `day`."""
    return {
        "kind": series.kind,
        "program_id": series.program_id,
        "title": series.title,
        "title_en": series.title_en,
        "venue_id": series.venue_id,
        "capacity": series.capacity,
        "notes": series.notes,
        "notes_en": series.notes_en,
        "start_dt": local_datetime(day, series.start_time),
        "end_dt": local_datetime(day, series.end_time),
    }


def _left_alone_reason(session, now):
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if session.status == SessionStatus.COMPLETED:
        return "completed"
    if session.start_dt <= now:
        return "past"
    if session.is_detached:
        return "one_off"
    if has_active_bookings(session):
        return "has_bookings"
    return holds.held_by(session)


def _new_series_session(series, day, *, actor, now):
    # through the relationship, so that series.sessions stays right within the transaction
    session = EventSession(**_target(series, day), series=series, occurrence_date=day,
                           status=SessionStatus.SCHEDULED, created_dt=now, updated_dt=now)
    db.session.add(session)
    db.session.flush()
    audit.record("session.create", session, actor=actor,
                 after=audit.snapshot(session, SESSION_AUDIT_FIELDS),
                 note=f"series {series.id}", now=now)
    return session


def _set_skips(series, skip_dates):
    wanted = set(skip_dates)
    for skip in list(series.skips):
        if skip.skip_date not in wanted:
            series.skips.remove(skip)
    have = {skip.skip_date for skip in series.skips}
    for day in sorted(wanted - have):
        series.skips.append(SeriesSkip(skip_date=day))


def create_series(data, *, actor, now):
    values, skip_dates, dates = _series_values(data)
    series = SessionSeries(**values, status=SeriesStatus.ACTIVE, created_dt=now)
    db.session.add(series)
    _set_skips(series, skip_dates)
    db.session.flush()
    audit.record("series.create", series, actor=actor, after=_series_snapshot(series), now=now)
    report = SeriesReport()
    for day in dates:
        report.created.append(_new_series_session(series, day, actor=actor, now=now))
    return series, report


def update_series(series, changes, *, actor, now):
    """Change a series and bring its sessions in line.

    Sessions that already took place, were cancelled or held, or were changed on their
    own are never overwritten or removed: they are listed in the report's `left_alone`.
    New dates (a new pattern, a longer period, a skip taken back) get sessions only
    where they are still to come: an edit never adds sessions to the past.
    """
    if series.status == SeriesStatus.CANCELLED:
        raise ValidationError(_("This series is cancelled; it cannot be changed."))
    before = _series_snapshot(series)
    current = {**_values_of(series, SERIES_FIELDS[:-1]), "skip_dates": series.skip_dates}
    values, skip_dates, dates = _series_values({**current, **changes}, series)
    records.assign(series, values)
    _set_skips(series, skip_dates)
    db.session.flush()
    report = SeriesReport()
    wanted = set(dates)
    existing = {session.occurrence_date: session for session in series.sessions}
    for day, session in sorted(existing.items(), key=lambda item: item[0]):
        # locked before it is looked at: a booking made meanwhile waits, or is seen
        session = bookings.lock_session(session)
        reason = _left_alone_reason(session, now)
        target = _target(series, day) if day in wanted else None
        if reason is not None:
            differs = target is None or _changed(_values_of(session, SERIES_GOVERNED_FIELDS),
                                                 target)
            if differs:
                report.left_alone.append((session, reason))
            continue
        if target is None:
            audit.record("session.delete", session, actor=actor,
                         before=audit.snapshot(session, SESSION_AUDIT_FIELDS),
                         note=f"series {series.id}", now=now)
            report.removed.append(day)
            series.sessions.remove(session)
            db.session.delete(session)
            continue
        session_before = audit.snapshot(session, SESSION_AUDIT_FIELDS)
        was = {"start_dt": session.start_dt, "end_dt": session.end_dt,
               "venue_id": session.venue_id}
        if records.assign(session, target):
            bookings.session_changed(session, now=now)
            db.session.flush()
            if was != {name: getattr(session, name) for name in was}:
                signals.session_moved.send(session, before=was, actor=actor, now=now)
            audit.record("session.update", session, actor=actor, before=session_before,
                         after=audit.snapshot(session, SESSION_AUDIT_FIELDS),
                         note=f"series {series.id}", now=now)
            report.updated.append(session)
    for day in sorted(wanted - set(existing)):
        if local_datetime(day, series.start_time) <= now:
            continue  # a session is never added to the past by an edit
        report.created.append(_new_series_session(series, day, actor=actor, now=now))
    db.session.flush()
    after = _series_snapshot(series)
    if after != before or report.created or report.updated or report.removed:
        audit.record("series.update", series, actor=actor, before=before, after=after, now=now)
    return report


def cancel_series(series, reason, *, actor, now):
    """Cancel a series and every session of it that is still to come."""
    reason = _reason(reason)
    if series.status == SeriesStatus.CANCELLED:
        raise ValidationError(_("This series is already cancelled."))
    before = _series_snapshot(series)
    series.status = SeriesStatus.CANCELLED
    series.cancel_reason = reason
    report = SeriesReport()
    for session in series.sessions:
        if session.status == SessionStatus.SCHEDULED and session.start_dt > now:
            cancel_session(session, reason, actor=actor, now=now)
            report.cancelled.append(session)
    db.session.flush()
    audit.record("series.cancel", series, actor=actor, before=before,
                 after=_series_snapshot(series), now=now)
    return report
