"""The coordinators' volunteer pages: the list of volunteers and their profiles, a
session's shifts (staffing, assigning with warnings, the day's check-in and check-out,
same-day cover) and the hours report with its CSV export.

Every route requires the coordinator or admin role (installed in blueprint.py). Each
action is a POST that calls one service, flashes and goes back to the page it
came from; the assignment of a volunteer the services warn about shows the warnings on
the shifts page and waits for an "Assign anyway".

The volunteer list is a GET with its filters in the query string (a coordinator's
bookmark): the name or reading searched is a volunteer's, never a resident's, and phone
numbers are not searchable here.
"""

from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from desk.core.errors import DeskError
from desk.core.i18n import format_date_long
from desk.core.phone import display_phone
from desk.core.timeutil import (
    add_months,
    fiscal_year_dates,
    fiscal_year_of,
    local_today,
    month_start,
    to_local,
    utcnow,
)
from desk.core.transaction import refusable
from desk.core.web import FAILED, apply_error, attempt, get_or_404, parse_day, parse_id
from desk.events.models import EventSession
from desk.extensions import db
from desk.people.labels import LANGUAGE_LABELS
from desk.volunteers import accounts, export, places, queries, services
from desk.volunteers.labels import (
    AFFILIATION_LABELS,
    ASSIGNMENT_STATUS_LABELS,
    CHANNEL_LABELS,
    ROLE_LABELS,
    SKILL_LABELS,
    WEEKDAY_LABELS,
)
from desk.volunteers.models import (
    Affiliation,
    AssignmentSource,
    Shift,
    ShiftAssignment,
    ShiftStatus,
    Skill,
    Volunteer,
)
from desk.volunteers.staff_forms import ShiftForm, VolunteerForm

SOURCE_LABELS = {
    AssignmentSource.SELF: _l("Signed up"),
    AssignmentSource.COORDINATOR: _l("Assigned by a coordinator"),
}
CONCERN_LABELS = {
    "overlap": _l("Overlapping shift"),
    "travel": _l("Travel between venues"),
    "skills": _l("Missing skills"),
    "availability": _l("Outside usual times"),
}
ACCOUNT_LABELS = {
    "none": _l("No account yet"),
    "invited": _l("Invited, not joined yet"),
    "active": _l("Has an account"),
    "disabled": _l("Account disabled"),
}
STATUS_FILTERS = {
    "active": _l("Active"),
    "inactive": _l("Inactive"),
    "all": _l("All"),
}
SEARCH_MAX = 50
PAST_SHIFTS_SHOWN = 50


def template_helpers():
    """Labels the volunteer staff pages look up (the blueprint's context processor)."""
    return {
        "volunteer_labels": {
            "affiliation": AFFILIATION_LABELS, "skill": SKILL_LABELS, "role": ROLE_LABELS,
            "assignment_status": ASSIGNMENT_STATUS_LABELS, "channel": CHANNEL_LABELS,
            "source": SOURCE_LABELS, "concern": CONCERN_LABELS, "weekday": WEEKDAY_LABELS,
            "language": LANGUAGE_LABELS, "status_filter": STATUS_FILTERS,
            "account": ACCOUNT_LABELS,
        },
        "hhmm": lambda value: to_local(value).strftime("%H:%M") if value else "",
        # check-in, check-out and no-shows are offered from the shift's day on
        "shift_due": lambda shift, now: to_local(shift.start_dt).date() <= local_today(now),
    }


# -- volunteers ---------------------------------------------------------------------------------

def _list_filters(args):
    """The list's filters from the query string; unknown values mean "all"."""
    status = args.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    affiliation = args.get("affiliation", "")
    affiliation = Affiliation(affiliation) if affiliation in set(Affiliation) else None
    skill = args.get("skill", "")
    skill = Skill(skill) if skill in set(Skill) else None
    text = "".join(char for char in args.get("q", "")[:SEARCH_MAX]
                   if char.isprintable() or char.isspace()).strip()
    return {"status": status, "affiliation": affiliation, "skill": skill, "q": text}


def volunteer_list():
    filters = _list_filters(request.args)
    volunteers = queries.find_volunteers(status=filters["status"],
                                         affiliation=filters["affiliation"],
                                         skill=filters["skill"], text=filters["q"])
    return render_template("volunteers/staff/list.html", filters=filters,
                           volunteers=volunteers, accounts=accounts.account_states(volunteers))


def new():
    form = VolunteerForm()
    if form.validate_on_submit():
        volunteer = attempt(form, lambda: services.create_volunteer(
            form.volunteer_data(), actor=current_user, now=utcnow()))
        if volunteer is not FAILED:
            flash(_("%(name)s has been added.", name=volunteer.name), "success")
            return redirect(url_for("volunteer_staff.detail", volunteer_id=volunteer.id))
    return render_template("volunteers/staff/volunteer_form.html", form=form, volunteer=None)


def edit(volunteer_id):
    volunteer = get_or_404(Volunteer, volunteer_id)
    form = VolunteerForm(obj=volunteer)
    if request.method == "GET":
        form.phone.data = display_phone(volunteer.phone) if volunteer.phone else ""
        form.affiliation.data = volunteer.affiliation.value
        form.message_channel.data = volunteer.message_channel.value
        form.skills.data = sorted(skill.value for skill in volunteer.skills)
        form.fill_availability(volunteer.availability)
    if form.validate_on_submit():
        result = attempt(form, lambda: services.update_volunteer(
            volunteer, form.volunteer_data(), actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The profile of %(name)s has been saved.", name=volunteer.name), "success")
            return redirect(url_for("volunteer_staff.detail", volunteer_id=volunteer.id))
    return render_template("volunteers/staff/volunteer_form.html", form=form,
                           volunteer=volunteer)


def fiscal_year_to_date(today):
    return fiscal_year_dates(fiscal_year_of(today))[0], today


def detail(volunteer_id):
    volunteer = get_or_404(Volunteer, volunteer_id)
    now = utcnow()
    assignments = queries.assignments_of(volunteer)
    upcoming = [row for row in assignments if row.shift.end_dt > now]
    past = [row for row in reversed(assignments) if row.shift.end_dt <= now]
    first, last = fiscal_year_to_date(local_today(now))
    return render_template(
        "volunteers/staff/detail.html", volunteer=volunteer, upcoming=upcoming,
        past=past[:PAST_SHIFTS_SHOWN], past_total=len(past), now=now,
        hours=queries.hours_of(volunteer, first, last), fiscal_year=fiscal_year_of(last),
        first=first, last=last)


# -- the coordinators' start page -----------------------------------------------------------------

def understaffed_panel(*, venue, kind):
    """The panel on the coordinators' sessions page (desk.events.panels): sessions of
    the next DESK_STAFFING_DAYS days short of volunteers, narrowed by the page's venue
    and kind filters."""
    understaffed = [staffing for staffing in queries.understaffed_sessions(now=utcnow())
                    if (venue is None or staffing.session.venue_id == venue.id)
                    and (kind is None or staffing.session.kind == kind)]
    return Markup(render_template("volunteers/staff/_understaffed.html",
                                  understaffed=understaffed))


# -- a session's shifts -------------------------------------------------------------------------

def _back_to(shift, anchor=None):
    return redirect(url_for("volunteer_staff.shifts", session_id=shift.session_id,
                            _anchor=anchor))


def _shift_form_defaults(form, session):
    form.start_time.data = to_local(session.start_dt).time()
    form.end_time.data = to_local(session.end_dt).time()


def _render_shifts(session, *, form=None, pending=None):
    now = utcnow()
    if form is None:
        form = ShiftForm(formdata=None)
        _shift_form_defaults(form, session)
    shift_list = queries.shifts_of_session(session)
    return render_template(
        "volunteers/staff/shifts.html", session=session, shifts=shift_list, form=form,
        places=places.of_shifts(shift_list),
        staffing=queries.staffing_of([session])[0], volunteers=queries.find_volunteers(),
        pending=pending, now=now, cover_reasons={
            shift.id: services.cover_reason(shift, now=now) for shift in shift_list})


def shifts(session_id):
    return _render_shifts(get_or_404(EventSession, session_id))


def shift_new(session_id):
    session = get_or_404(EventSession, session_id)
    form = ShiftForm()
    if form.validate_on_submit():
        shift = attempt(form, lambda: services.create_shift(
            session, form.shift_data(), actor=current_user, now=utcnow()))
        if shift is not FAILED:
            flash(_("The shift has been added."), "success")
            return _back_to(shift, f"shift-{shift.id}")
    return _render_shifts(session, form=form)


def _shift(shift_id):
    return get_or_404(Shift, shift_id)


def shift_edit(shift_id):
    shift = _shift(shift_id)
    form = ShiftForm(obj=shift)
    if request.method == "GET":
        form.role.data = shift.role.value
        form.start_time.data = to_local(shift.start_dt).time()
        form.end_time.data = to_local(shift.end_dt).time()
        form.skills.data = sorted(skill.value for skill in shift.required_skills)
    if shift.status != ShiftStatus.CANCELLED and form.validate_on_submit():
        result = attempt(form, lambda: services.update_shift(
            shift, form.shift_data(), actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The shift has been saved."), "success")
            return _back_to(shift, f"shift-{shift.id}")
    return render_template("volunteers/staff/shift_form.html", form=form, shift=shift,
                           session=shift.session)


def _act(action, success, target, anchor=None):
    """Run one service call for a small action form and flash `success`, or the error
    (nothing changed); then back to the shifts page."""
    if attempt(None, action) is not FAILED:
        flash(success, "success")
    return _back_to(target, anchor)


def shift_cancel(shift_id):
    shift = _shift(shift_id)
    return _act(lambda: services.cancel_shift(shift, actor=current_user, now=utcnow()),
                _("The shift has been cancelled; its volunteers will be told."), shift,
                f"shift-{shift.id}")


def assign(shift_id):
    shift = _shift(shift_id)
    volunteer_id = parse_id(request.form.get("volunteer_id", ""))
    volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
    anchor = f"shift-{shift.id}"
    if volunteer is None:
        flash(_("Choose a volunteer to assign."), "error")
        return _back_to(shift, anchor)
    confirmed = request.form.get("confirmed") == "1"
    try:
        with refusable():
            services.assign_volunteer(shift, volunteer, actor=current_user, now=utcnow(),
                                      confirmed=confirmed)
    except services.StaffingWarning as warning:
        return _render_shifts(shift.session, pending={
            "shift_id": shift.id, "volunteer": volunteer, "warnings": warning.warnings})
    except DeskError as error:
        apply_error(None, error)
        return _back_to(shift, anchor)
    flash(_("%(name)s has been assigned to the shift.", name=volunteer.name), "success")
    return _back_to(shift, anchor)


def _assignment(assignment_id):
    return get_or_404(ShiftAssignment, assignment_id)


def remove(assignment_id):
    assignment = _assignment(assignment_id)
    name = assignment.volunteer.name
    return _act(lambda: services.remove_from_shift(assignment, actor=current_user, now=utcnow()),
                _("%(name)s has been taken off the shift.", name=name), assignment.shift,
                f"shift-{assignment.shift_id}")


def check_in(assignment_id):
    assignment = _assignment(assignment_id)
    return _act(lambda: services.check_in(assignment, actor=current_user, now=utcnow()),
                _("%(name)s is checked in.", name=assignment.volunteer.name), assignment.shift,
                f"assignment-{assignment.id}")


def check_out(assignment_id):
    assignment = _assignment(assignment_id)
    return _act(lambda: services.check_out(assignment, actor=current_user, now=utcnow()),
                _("%(name)s is checked out.", name=assignment.volunteer.name),
                assignment.shift, f"assignment-{assignment.id}")


def no_show(assignment_id):
    assignment = _assignment(assignment_id)
    return _act(lambda: services.mark_no_show(assignment, actor=current_user, now=utcnow()),
                _("%(name)s is marked as absent.", name=assignment.volunteer.name),
                assignment.shift, f"assignment-{assignment.id}")


def times(assignment_id):
    assignment = _assignment(assignment_id)
    data = {"check_in": request.form.get("check_in", ""),
            "check_out": request.form.get("check_out", "")}
    return _act(lambda: services.set_times(assignment, data, actor=current_user, now=utcnow()),
                _("The times of %(name)s have been saved.", name=assignment.volunteer.name),
                assignment.shift, f"assignment-{assignment.id}")


def cover(shift_id):
    shift = _shift(shift_id)
    report = attempt(None, lambda: services.request_cover(shift, actor=current_user,
                                                          now=utcnow()))
    if report is FAILED:
        return _back_to(shift, f"shift-{shift.id}")
    if report.asked:
        flash(ngettext("%(num)d volunteer has been asked to cover the shift.",
                       "%(num)d volunteers have been asked to cover the shift.",
                       len(report.asked)), "success")
    else:
        flash(_("Nobody new was asked."), "info")
    if report.skipped:
        flash(ngettext("%(num)d matching volunteer was asked before and not again.",
                       "%(num)d matching volunteers were asked before and not again.",
                       report.skipped), "info")
    return _back_to(shift, f"shift-{shift.id}")


# -- hours --------------------------------------------------------------------------------------

def _periods(today):
    """The quick links: (label, first, last)."""
    fiscal_year = fiscal_year_of(today)
    this_month = month_start(today)
    last_month = add_months(this_month, -1)
    return [
        (_("This fiscal year"), fiscal_year_dates(fiscal_year)[0], today),
        (_("Last fiscal year"), *fiscal_year_dates(fiscal_year - 1)),
        (_("This month"), this_month, today),
        (_("Last month"), last_month, this_month - timedelta(days=1)),
    ]


def _period(args, today):
    """(first, last, error) from ?from=&to=; the fiscal year to date by default."""
    default_first, default_last = fiscal_year_to_date(today)
    raw_first, raw_last = args.get("from", "").strip(), args.get("to", "").strip()
    first = parse_day(raw_first) if raw_first else default_first
    last = parse_day(raw_last) if raw_last else default_last
    if first is None or last is None:
        return None, None, _("Enter the dates as YYYY-MM-DD, for example %(example)s.",
                             example=today.isoformat())
    if last < first:
        return first, last, _("The last day (%(last)s) comes before the first (%(first)s).",
                              first=format_date_long(first), last=format_date_long(last))
    return first, last, None


def hours():
    today = local_today()
    first, last, error = _period(request.args, today)
    volunteers = affiliations = total = None
    if error is None:
        volunteers, affiliations = queries.hours_report(first, last)
        total = queries.hours_total(affiliations)
    return render_template(
        "volunteers/staff/hours.html", first=first, last=last, error=error,
        raw_first=request.args.get("from", "")[:20], raw_last=request.args.get("to", "")[:20],
        periods=_periods(today), volunteers=volunteers, affiliations=affiliations,
        total=total)


def hours_csv():
    first, last, error = _period(request.args, local_today())
    if error is not None:  # the page says what is wrong with the dates
        return redirect(url_for("volunteer_staff.hours", **{
            name: request.args.get(name, "")[:20] for name in ("from", "to")}))
    volunteers, affiliations = queries.hours_report(first, last)
    return Response(export.hours_csv(volunteers, affiliations),
                    mimetype="text/csv", headers={
                        "Content-Disposition":
                            f'attachment; filename="{export.filename(first, last)}"',
                        "Cache-Control": "no-store"})

