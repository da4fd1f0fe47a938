"""The volunteer's own pages (mobile first): my next shifts with check-in, check-out and
withdrawal, the open shifts I can take, my hours, one shift's details, my profile and
my calendar feed.

Only the volunteer role reaches them (installed in blueprint.py). Every action works
on the logged-in volunteer's own place only: the assignment is looked up by the shift
and the volunteer linked to the account, never by an id from the request.

What a volunteer may see (need-to-know): for a session they staff, the attendees'
names and readings (queries.attendee_names: no phone numbers, ages or districts); the
other volunteers on the same shift by name, with phone and e-mail only when both agreed
to share (queries.colleagues).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.timeutil import (
    fiscal_year_dates,
    fiscal_year_of,
    local_today,
    month_start,
    utcnow,
)
from desk.core.web import FAILED, attempt, get_or_404
from desk.events import access
from desk.volunteers import places, queries, services
from desk.volunteers.labels import ROLE_LABELS, SKILL_LABELS
from desk.volunteers.me_forms import ProfileForm
from desk.volunteers.models import Shift

FEED_ENDPOINT = "volunteer_public.feed"


def template_helpers():
    return {
        "shift_role_label": lambda role: ROLE_LABELS.get(role, role),
        "skill_names": lambda skills: _(", ").join(
            str(SKILL_LABELS[skill]) for skill in sorted(skills)),
    }


def _render(template, **context):
    return render_template(template, **template_helpers(), **context)


def _me():
    return queries.volunteer_for_user(current_user)


def _not_linked():
    return _render("volunteers/me/not_linked.html")


def _my_place(volunteer, shift_id):
    """The volunteer's own row on the shift, or 404 (also for someone else's shift)."""
    assignment = queries.place_on_shift(volunteer, get_or_404(Shift, shift_id))
    if assignment is None:
        abort(404)
    return assignment


class Place:
    """One of my places with what I can do about it now."""

    def __init__(self, assignment, now):
        self.assignment = assignment
        self.shift = assignment.shift
        shift = self.shift
        live = assignment.is_active and not shift.is_cancelled
        self.can_check_in = (live and assignment.check_in_dt is None
                             and services.check_in_open(shift, now))
        self.can_check_out = (live and assignment.check_in_dt is not None
                              and assignment.check_out_dt is None)
        self.can_withdraw = live and services.can_withdraw(assignment, now)
        self.withdraw_until = services.withdraw_cutoff(shift)
        self.is_over = shift.end_dt <= now


def _hours(volunteer, now):
    today = local_today(now)
    fiscal_year = fiscal_year_of(today)
    first, _last = fiscal_year_dates(fiscal_year)
    this_month = month_start(today)
    return {
        "fiscal_year": fiscal_year,
        "year": queries.hours_of(volunteer, first, today),
        "month_first": this_month,
        "month": queries.hours_of(volunteer, this_month, today),
    }


# -- home ---------------------------------------------------------------------------------

def home():
    volunteer = _me()
    if volunteer is None:
        return _not_linked()
    now = utcnow()
    mine = queries.my_assignments(volunteer, now=now)
    return _render(
        "volunteers/me/home.html", volunteer=volunteer, now=now,
        places=[Place(assignment, now) for assignment in mine],
        open_shifts=queries.open_shifts_for(volunteer, now=now, mine=mine),
        hours=_hours(volunteer, now),
        withdraw_hours=current_app.config["DESK_SHIFT_WITHDRAW_HOURS"],
        open_days=queries.OPEN_SHIFT_DAYS)


# -- actions on my own place ------------------------------------------------------------------

def _act(action, success):
    """Run one service call and flash what it did, or why not (nothing changed)."""
    if attempt(None, action) is not FAILED:
        flash(success, "success")
    return redirect(_back())


def _back():
    """Home, or the shift's page when the button was pressed there."""
    shift_id = request.view_args.get("shift_id")
    if request.form.get("from") == "shift" and shift_id is not None:
        return url_for("volunteer.shift", shift_id=shift_id)
    return url_for("volunteer.home")


def _me_or_flash():
    volunteer = _me()
    if volunteer is None:
        flash(_("Your volunteer profile is not linked to this account yet. Please contact "
                "the coordinator."), "error")
    return volunteer


def sign_up(shift_id):
    volunteer = _me_or_flash()
    if volunteer is None:
        return redirect(url_for("volunteer.home"))
    shift = get_or_404(Shift, shift_id)
    return _act(lambda: services.sign_up_for_shift(shift, volunteer, actor=current_user,
                                                   now=utcnow()),
                _("You are on the shift. Thank you!"))


def withdraw(shift_id):
    volunteer = _me_or_flash()
    if volunteer is None:
        return redirect(url_for("volunteer.home"))
    assignment = _my_place(volunteer, shift_id)
    return _act(lambda: services.withdraw_from_shift(assignment, actor=current_user,
                                                     now=utcnow()),
                _("You have withdrawn from the shift."))


def check_in(shift_id):
    volunteer = _me_or_flash()
    if volunteer is None:
        return redirect(url_for("volunteer.home"))
    assignment = _my_place(volunteer, shift_id)
    return _act(lambda: services.check_in(assignment, actor=current_user, now=utcnow()),
                _("Checked in. Thank you for coming!"))


def check_out(shift_id):
    volunteer = _me_or_flash()
    if volunteer is None:
        return redirect(url_for("volunteer.home"))
    assignment = _my_place(volunteer, shift_id)
    return _act(lambda: services.check_out(assignment, actor=current_user, now=utcnow()),
                _("Checked out. Thank you for your help today!"))


# -- one shift -------------------------------------------------------------------------------

def shift(shift_id):
    volunteer = _me()
    if volunteer is None:
        return _not_linked()
    shift = get_or_404(Shift, shift_id)
    session = shift.session
    now = utcnow()
    assignment = queries.place_on_shift(volunteer, shift)
    place = Place(assignment, now) if assignment is not None and assignment.is_active else None
    staffs = not session.is_cancelled and queries.staffs_session(volunteer, session)
    # the attendees' names and the roster link: while the roster opens (need to know)
    roster_open = staffs and access.may_open_roster(current_user, session, now=now)
    on_this_shift = place is not None and not shift.is_cancelled
    offered = None
    if place is None and not shift.is_cancelled:
        offered = next((item for item in queries.open_shifts_for(volunteer, now=now)
                        if item.shift.id == shift.id), None)
    return _render(
        "volunteers/me/shift.html", volunteer=volunteer, shift=shift, session=session, now=now,
        place=place, offered=offered, staffs=staffs, free=places.places_free(shift),
        roster_open=roster_open,
        attendees=queries.attendee_names(session) if roster_open else [],
        colleagues=queries.colleagues(assignment) if on_this_shift else [],
        withdraw_hours=current_app.config["DESK_SHIFT_WITHDRAW_HOURS"])


# -- my profile ------------------------------------------------------------------------------

def _feed_urls(volunteer):
    """(https, webcal) addresses of the personal calendar feed at DESK_PUBLIC_URL (what
    calendar apps reach), or None while the feed route is not there."""
    if FEED_ENDPOINT not in current_app.view_functions:
        return None
    from desk.volunteers.feed import feed_url, webcal_url

    return feed_url(volunteer.feed_token), webcal_url(volunteer.feed_token)


def profile():
    volunteer = _me()
    if volunteer is None:
        return _not_linked()
    form = ProfileForm()
    if request.method == "POST":
        if form.validate_on_submit():
            changes = form.changes()
            result = attempt(form, lambda: services.update_volunteer(
                volunteer, changes, actor=current_user, now=utcnow()))
            if result is not FAILED:
                flash(_("Your profile has been saved."), "success")
                return redirect(url_for("volunteer.profile"))
            volunteer = _me()  # the rollback expired it
        form.add_blank_rows()
    else:
        form.fill(volunteer)
    return _render("volunteers/me/profile.html", volunteer=volunteer, form=form,
                   feed=_feed_urls(volunteer))


def renew_feed():
    volunteer = _me_or_flash()
    if volunteer is None:
        return redirect(url_for("volunteer.home"))
    if attempt(None, lambda: services.renew_feed_token(
            volunteer, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("Your calendar has a new address. The old address no longer works: add the "
                "new one to your calendar app."), "success")
    return redirect(url_for("volunteer.profile", _anchor="calendar"))
