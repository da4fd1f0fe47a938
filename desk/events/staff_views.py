"""The coordinators' schedule pages. They require the coordinator or admin role
(installed in blueprint.py, where the few roster pages volunteers may use are listed)."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from desk.core.districts import District, all_districts
from desk.core.i18n import format_date_long
from desk.core.phone import display_phone
from desk.core.timeutil import (
    add_months,
    local_datetime,
    local_today,
    month_start,
    to_local,
    utcnow,
    week_start,
)
from desk.core.web import FAILED, attempt, get_or_404, parse_day
from desk.events import (
    availability,
    outreach,
    panels,
    queries,
    recurrence,
    services,
    session_messages,
)
from desk.events.forms import (
    CancelForm,
    DistrictForm,
    ProgramForm,
    SeriesForm,
    SessionForm,
    VenueForm,
)
from desk.events.labels import KIND_LABELS, left_alone_message
from desk.events.models import (
    EventSession,
    Program,
    SessionKind,
    SessionSeries,
    Venue,
    VenueKind,
)
from desk.events.phone_desk_views import flash_promoted
from desk.events.public_views import parse_filters

SESSION_ERROR_ALIASES = {"start_dt": "start_time", "end_dt": "end_time"}


def home():
    return redirect(url_for("staff.sessions"))


# -- the calendar ------------------------------------------------------------------------

def sessions():
    view = "month" if request.args.get("view") == "month" else "week"
    anchor = parse_day(request.args.get("date", "")) or local_today()
    venue, kind = parse_filters(request.args)
    if view == "week":
        first_day = week_start(anchor)
        last_day = first_day + timedelta(days=6)
        previous_day, next_day = first_day - timedelta(days=7), first_day + timedelta(days=7)
    else:
        month_first = month_start(anchor)
        first_day = week_start(month_first)
        last_day = add_months(month_first, 1) - timedelta(days=1)
        last_day = week_start(last_day) + timedelta(days=6)
        previous_day, next_day = add_months(month_first, -1), add_months(month_first, 1)
    found = queries.sessions_between(first_day, last_day,
                                     venue_id=venue.id if venue else None, kind=kind)
    days = queries.group_by_day(found, first_day, (last_day - first_day).days + 1)
    return render_template(
        "staff/sessions.html", view=view, anchor=anchor, days=days,
        weeks=[list(days.items())[index:index + 7] for index in range(0, len(days), 7)],
        first_day=first_day, last_day=last_day, previous_day=previous_day, next_day=next_day,
        month_first=month_start(anchor), today=local_today(), venue=venue, kind=kind,
        venues=queries.venues(), kinds=KIND_LABELS, count=len(found),
        counts=availability.of_sessions(session for session in found
                                        if session.takes_bookings),
        panels=panels.render_all(venue=venue, kind=kind))


# -- sessions ----------------------------------------------------------------------------

def session_data(form):
    """The form's fields, with its day and clock times as the session's start and end
    (the session forms and the outreach request's scheduling form alike)."""
    data = dict(form.data)
    if form.day.data and form.start_time.data:
        data["start_dt"] = local_datetime(form.day.data, form.start_time.data)
    if form.day.data and form.end_time.data:
        data["end_dt"] = local_datetime(form.day.data, form.end_time.data)
    return data


def session_new():
    form = SessionForm()
    if request.method == "GET":
        day = parse_day(request.args.get("date", ""))
        if day:
            form.day.data = day
    if form.validate_on_submit():
        session = attempt(form, lambda: services.create_session(
            session_data(form), actor=current_user, now=utcnow()), SESSION_ERROR_ALIASES)
        if session is not FAILED:
            flash(_("The session has been added."), "success")
            return redirect(url_for("staff.session_edit", session_id=session.id))
    return render_template("staff/session_form.html", form=form, session=None)


def session_edit(session_id):
    session = get_or_404(EventSession, session_id)
    form = SessionForm(obj=session)
    if request.method == "GET":
        start, end = to_local(session.start_dt), to_local(session.end_dt)
        form.day.data, form.start_time.data, form.end_time.data = (
            start.date(), start.time(), end.time())
        form.program_id.data = str(session.program_id or "")
        form.venue_id.data = str(session.venue_id)
        form.kind.data = session.kind.value
    if form.validate_on_submit():
        result = attempt(form, lambda: services.update_session(
            session, session_data(form), actor=current_user, now=utcnow()),
            SESSION_ERROR_ALIASES)
        if result is not FAILED:
            flash(_("The session has been saved."), "success")
            _flash_booking_changes(result.booking_changes)
            return redirect(url_for("staff.session_edit", session_id=session.id))
    linked = (outreach.request_of_session(session.id)
              if session.kind == SessionKind.OUTREACH_CLASS else None)
    return render_template("staff/session_form.html", form=form, session=session, now=utcnow(),
                           notes=session_messages.history(session), outreach_request=linked)


def _flash_booking_changes(changes):
    """Say what a session change did to its bookings (the messages to the people
    concerned are already planned in the outbox)."""
    if changes is None:
        return
    if changes.cancelled:
        flash(ngettext("%(num)d booking was cancelled and the person will be told.",
                       "%(num)d bookings were cancelled and the people will be told.",
                       len(changes.cancelled)), "info")
    if changes.waitlisted:
        flash(ngettext("%(num)d booking no longer fits and moved to the waiting list; the "
                       "person will be told.",
                       "%(num)d bookings no longer fit and moved to the waiting list; the "
                       "people will be told.", len(changes.waitlisted)), "info")
    flash_promoted(changes.promoted)


def session_cancel(session_id):
    session = get_or_404(EventSession, session_id)
    form = CancelForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: services.cancel_session(
            session, form.cancel_reason.data, actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The session has been cancelled."), "success")
            _flash_booking_changes(result.booking_changes)
            return redirect(url_for("staff.session_edit", session_id=session.id))
    return render_template("staff/session_cancel.html", form=form, session=session)


def _status_action(session_id, action, message):
    session = get_or_404(EventSession, session_id)
    form = CancelForm()
    if attempt(form, lambda: action(session, actor=current_user, now=utcnow())) is not FAILED:
        flash(message, "success")
    return redirect(url_for("staff.session_edit", session_id=session.id))


def session_reinstate(session_id):
    return _status_action(session_id, services.reinstate_session,
                          _("The session has been reinstated."))


def session_complete(session_id):
    return _status_action(session_id, services.complete_session,
                          _("The session has been marked as held."))


# -- series ------------------------------------------------------------------------------

def series_list():
    return render_template("staff/series_list.html", series_list=queries.series_list())


def _series_aliases(form):
    """A custom rule's errors go next to the custom rule, a pattern's next to the
    pattern."""
    return {"rrule": "custom_rule" if form.frequency.data == "custom" else "frequency"}


def _series_data(form):
    """The form's data for the series service, with the repeat pattern as an RRULE.

    Returns None (and marks the form) when the pattern itself is incomplete."""
    data = dict(form.data)
    if form.frequency.data == "custom":
        data["rrule"] = form.custom_rule.data
        return data
    try:
        data["rrule"] = recurrence.build_rule(
            form.frequency.data, weekdays=form.weekdays.data,
            ordinals=[int(value) for value in form.ordinals.data or ()],
            interval=form.interval.data or 1)
    except recurrence.RecurrenceError as error:
        target = getattr(form, error.field, form.frequency)
        target.errors = [*target.errors, str(error)]
        return None
    return data


def _fill_series_form(form, series):
    form.kind.data = series.kind.value
    form.program_id.data = str(series.program_id or "")
    form.venue_id.data = str(series.venue_id)
    form.skip_dates.data = "\n".join(day.isoformat() for day in series.skip_dates)
    pattern = recurrence.describe_rule(series.rrule)
    if pattern is None:
        form.frequency.data = "custom"
        form.custom_rule.data = series.rrule
    else:
        form.frequency.data = pattern["frequency"]
        form.weekdays.data = pattern["weekdays"]
        form.ordinals.data = [str(ordinal) for ordinal in pattern["ordinals"]]
        form.interval.data = pattern["interval"]


def _flash_report(report):
    parts = []
    if report.created:
        parts.append(ngettext("%(num)d session added", "%(num)d sessions added",
                              len(report.created)))
    if report.updated:
        parts.append(ngettext("%(num)d session changed", "%(num)d sessions changed",
                              len(report.updated)))
    if report.removed:
        parts.append(ngettext("%(num)d session removed", "%(num)d sessions removed",
                              len(report.removed)))
    if report.cancelled:
        parts.append(ngettext("%(num)d session cancelled", "%(num)d sessions cancelled",
                              len(report.cancelled)))
    summary = _("; ").join(parts) if parts else _("no session needed a change")
    flash(_("Series saved: %(summary)s.", summary=summary), "success")
    for session, reason in report.left_alone:
        flash(left_alone_message(reason) % {
            "title": session.display_title,
            "date": format_date_long(session.start_dt)}, "info")


def series_new():
    form = SeriesForm()
    if form.validate_on_submit():
        data = _series_data(form)
        if data is not None:
            result = attempt(form, lambda: services.create_series(
                data, actor=current_user, now=utcnow()), _series_aliases(form))
            if result is not FAILED:
                series, report = result
                _flash_report(report)
                return redirect(url_for("staff.series_edit", series_id=series.id))
    return render_template("staff/series_form.html", form=form, series=None)


def series_edit(series_id):
    series = get_or_404(SessionSeries, series_id)
    form = SeriesForm(obj=series)
    if request.method == "GET":
        _fill_series_form(form, series)
    if form.validate_on_submit():
        data = _series_data(form)
        if data is not None:
            report = attempt(form, lambda: services.update_series(
                series, data, actor=current_user, now=utcnow()), _series_aliases(form))
            if report is not FAILED:
                _flash_report(report)
                return redirect(url_for("staff.series_edit", series_id=series.id))
    return render_template("staff/series_form.html", form=form, series=series, now=utcnow())


def series_cancel(series_id):
    series = get_or_404(SessionSeries, series_id)
    form = CancelForm()
    if form.validate_on_submit():
        report = attempt(form, lambda: services.cancel_series(
            series, form.cancel_reason.data, actor=current_user, now=utcnow()))
        if report is not FAILED:
            _flash_report(report)
            return redirect(url_for("staff.series_edit", series_id=series.id))
    return render_template("staff/series_cancel.html", form=form, series=series, now=utcnow())


# -- venues, programs, districts -----------------------------------------------------------

def venues():
    return render_template("staff/venues.html", venues=queries.venues(kind=VenueKind.CITY))


def venue_new():
    return venue_form_page(None, kind=VenueKind.CITY)


def venue_edit(venue_id):
    return venue_form_page(get_or_404(Venue, venue_id), kind=VenueKind.CITY)


# the list each kind of venue goes back to, and what saving it says
_VENUE_PAGES = {
    VenueKind.CITY: ("staff.venues", _l("The venue has been added."),
                     _l("The venue has been saved.")),
    VenueKind.COMMUNITY: ("staff.places", _l("The community place has been added."),
                          _l("The community place has been saved.")),
}


def venue_form_page(venue, *, kind):
    """Add (`venue` None) or edit a venue of this kind (a city venue, a community
    place: each edited only from its own list)."""
    if venue is not None and venue.kind != kind:
        abort(404)
    list_endpoint, added, saved = _VENUE_PAGES[kind]
    form = VenueForm(obj=venue)
    if venue is not None and request.method == "GET":
        form.district_id.data = str(venue.district_id or "")
        form.phone.data = display_phone(venue.phone)
    if form.validate_on_submit():
        if venue is None:
            result = attempt(form, lambda: services.create_venue(form.data, actor=current_user,
                                                                 kind=kind))
        else:
            result = attempt(form, lambda: services.update_venue(venue, form.data,
                                                                 actor=current_user))
        if result is not FAILED:
            flash(str(saved if venue is not None else added), "success")
            return redirect(url_for(list_endpoint))
    return render_template("staff/venue_form.html", form=form, venue=venue,
                           is_place=kind == VenueKind.COMMUNITY)


def programs():
    return render_template("staff/programs.html", programs=queries.programs())


def program_new():
    form = ProgramForm()
    if form.validate_on_submit():
        program = attempt(form, lambda: services.create_program(form.data, actor=current_user))
        if program is not FAILED:
            flash(_("The program has been added."), "success")
            return redirect(url_for("staff.programs"))
    return render_template("staff/program_form.html", form=form, program=None)


def program_edit(program_id):
    program = get_or_404(Program, program_id)
    form = ProgramForm(obj=program)
    if request.method == "GET":
        form.topic.data, form.level.data, form.device.data = (
            program.topic.value, program.level.value, program.device.value)
    if form.validate_on_submit():
        if attempt(form, lambda: services.update_program(program, form.data,
                                                         actor=current_user)) is not FAILED:
            flash(_("The program has been saved."), "success")
            return redirect(url_for("staff.programs"))
    return render_template("staff/program_form.html", form=form, program=program)


def districts():
    form = DistrictForm()
    if form.validate_on_submit():
        if attempt(form, lambda: services.create_district(form.data,
                                                          actor=current_user)) is not FAILED:
            flash(_("The district has been added."), "success")
            return redirect(url_for("staff.districts"))
    return render_template("staff/districts.html", form=form, districts=all_districts())


def district_edit(district_id):
    district = get_or_404(District, district_id)
    form = DistrictForm(obj=district)
    if form.validate_on_submit():
        if attempt(form, lambda: services.update_district(district, form.data,
                                                          actor=current_user)) is not FAILED:
            flash(_("The district has been saved."), "success")
            return redirect(url_for("staff.districts"))
    return render_template("staff/district_form.html", form=form, district=district)
