"""Attendance on the day: the roster of a session (sorted by kana), check-in, walk-ins,
the anonymous headcount, closing, and the printable A4 roster.

Volunteers may open the roster and its print view and check people in until the
roster is closed (blueprint.VOLUNTEER_ENDPOINTS), but only the rosters of sessions they
staff, around the session's day (desk.events.access); they never see phone numbers.
Walk-ins and closing are for coordinators and admins, and so are edits after closing:
the booking service refuses the rest with PermissionDenied, shown here as a 403.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from desk.core.errors import DeskError, PermissionDenied
from desk.core.timeutil import local_today, utcnow
from desk.core.transaction import refusable
from desk.core.web import FAILED, attempt, get_or_404, parse_day
from desk.events import access, queries, services
from desk.events.booking_forms import (
    ActionForm,
    AttendanceForm,
    CallerSearchForm,
    HeadcountForm,
    WalkInExistingForm,
    WalkInPersonForm,
    focus_first,
    seat_choices,
)
from desk.events.bookings import booking_status_label
from desk.events.labels import (
    ATTENDANCE_LABELS,
    CANCEL_REASON_LABELS,
    CHANNEL_LABELS,
    will_they_come,
)
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    EventSession,
    SessionKind,
    SessionStatus,
)
from desk.events.phone_desk_views import spoken_date
from desk.people import queries as people_queries
from desk.people import services as people_services
from desk.people.models import ConsentMethod, Person

SEARCH_LIMIT = 20


def _roster_url(session, anchor=None):
    return url_for("staff.roster", session_id=session.id, _anchor=anchor)


def _can_check_in(session, now):
    """Whether this user may mark attendance now (the service decides; this only
    chooses which buttons to show)."""
    return (session.day_has_come(now) and session.status != SessionStatus.CANCELLED
            and (not session.is_attendance_closed or current_user.is_staff))


def _refused(error):
    """Say why (nothing changed). A volunteer after closing gets a 403 page with the
    reason."""
    if isinstance(error, PermissionDenied):
        return render_template("errors/error.html", title=_("Not allowed"),
                               message=error.message), 403
    flash(error.message, "error")
    return None


def _closed_to_me(session, now):
    """The 403 page when the current user may not open this roster now, else None."""
    try:
        access.check_roster_access(current_user, session, now=now)
    except PermissionDenied as error:
        return _refused(error)
    return None


# -- the roster ------------------------------------------------------------------------------

def roster(session_id):
    session = get_or_404(EventSession, session_id)
    now = utcnow()
    refused = _closed_to_me(session, now)
    if refused is not None:
        return refused
    return render_template(
        "staff/roster.html", session=session, roster=queries.roster(session), now=now,
        can_check_in=_can_check_in(session, now),
        can_mark_no_show=session.start_dt <= now,
        can_close=(current_user.is_staff and not session.is_attendance_closed
                   and session.status != SessionStatus.CANCELLED and session.start_dt <= now),
        can_walk_in=(current_user.is_staff and session.takes_bookings
                     and _can_check_in(session, now)),
        shows_headcount=session.kind == SessionKind.AWARENESS_EVENT,
        headcount_form=HeadcountForm(formdata=None,
                                     anonymous_headcount=session.anonymous_headcount),
        attendance_labels=ATTENDANCE_LABELS, channel_labels=CHANNEL_LABELS,
        will_they_come=will_they_come, cancel_reason_labels=CANCEL_REASON_LABELS,
        spoken_date=spoken_date(session.start_dt))


def roster_attendance(session_id, booking_id):
    session = get_or_404(EventSession, session_id)
    booking = get_or_404(Booking, booking_id)
    if booking.session_id != session.id:
        abort(404)
    refused = _closed_to_me(session, utcnow())
    if refused is not None:
        return refused
    form = AttendanceForm()
    if not form.validate_on_submit():
        flash(_("Choose attended, no-show or clear."), "error")
        return redirect(_roster_url(session))
    value = None if form.attendance.data == "clear" else Attendance(form.attendance.data)
    try:
        with refusable():
            services.set_attendance(booking, value, actor=current_user, now=utcnow())
    except DeskError as error:
        response = _refused(error)
        if response is not None:
            return response
    else:
        mark = ATTENDANCE_LABELS[value] if value else _("not marked")
        flash(_("%(name)s: %(mark)s.", name=booking.person.name, mark=mark), "success")
    return redirect(_roster_url(session, f"booking-{booking.id}"))


def roster_headcount(session_id):
    session = get_or_404(EventSession, session_id)
    refused = _closed_to_me(session, utcnow())
    if refused is not None:
        return refused
    form = HeadcountForm()
    if not form.validate_on_submit():
        errors = form.anonymous_headcount.errors or [_("Enter a number.")]
        flash(_("People counted without a booking: %(error)s", error=errors[0]), "error")
        return redirect(_roster_url(session, "headcount"))
    count = form.anonymous_headcount.data
    try:
        with refusable():
            services.set_anonymous_headcount(session, count, actor=current_user,
                                             now=utcnow())
    except DeskError as error:
        response = _refused(error)
        if response is not None:
            return response
    else:
        flash(ngettext("Headcount saved: %(num)d person.", "Headcount saved: %(num)d people.",
                       count), "success")
    return redirect(_roster_url(session, "headcount"))


def roster_close(session_id):
    session = get_or_404(EventSession, session_id)
    form = ActionForm()
    if form.validate_on_submit():
        changes = attempt(form, lambda: services.close_attendance(
            session, actor=current_user, now=utcnow()))
        if changes is not FAILED:
            flash(ngettext("Attendance closed. %(num)d booking nobody marked is now a no-show.",
                           "Attendance closed. %(num)d bookings nobody marked are now no-shows.",
                           len(changes.no_shows)), "success")
            return redirect(_roster_url(session))
    return render_template("staff/roster_close.html", session=session, form=form,
                           roster=queries.roster(session), now=utcnow(),
                           spoken_date=spoken_date(session.start_dt))


# -- walk-ins ----------------------------------------------------------------------------------

def _render_walk_in(session, search, person_form, result=None):
    focus_first(person_form if person_form.errors else search, "query")
    return render_template("staff/roster_walk_in.html", session=session, search=search,
                           person_form=person_form, result=result, seat_choices=seat_choices(),
                           spoken_date=spoken_date(session.start_dt))


def _flash_walk_in(result):
    booking = result.booking
    if result.created:
        flash(_("%(name)s has been added as a walk-in and checked in.",
                name=booking.person.name), "success")
    elif booking.attendance is None and booking.status == BookingStatus.BOOKED:
        flash(_("%(name)s already has a booking for this session: check them in on the "
                "roster.", name=booking.person.name), "info")
    else:
        flash(_("%(name)s already has a booking for this session (%(status)s); nothing was "
                "changed.", name=booking.person.name,
                status=booking_status_label(booking.status)), "info")


def roster_walk_in(session_id):
    """GET: search and new-person form. POST: the search (phones stay out of URLs)."""
    session = get_or_404(EventSession, session_id)
    search = CallerSearchForm()
    result = None
    if search.validate_on_submit():
        result = people_queries.search_people(search.query.data, page_size=SEARCH_LIMIT)
    return _render_walk_in(session, search, WalkInPersonForm(formdata=None), result)


def _add_walk_in(session, person, seats, survey_consent):
    return services.book_seat(session, person, seats=seats, channel=BookingChannel.WALK_IN,
                              actor=current_user, now=utcnow(), walk_in=True,
                              survey_consent=survey_consent)


def roster_walk_in_new(session_id):
    session = get_or_404(EventSession, session_id)
    form = WalkInPersonForm()
    if form.validate_on_submit():
        def register_and_add():
            person = people_services.create_person(
                form.person_data(), channel=BookingChannel.WALK_IN,
                consent_method=ConsentMethod.PAPER, actor=current_user, now=utcnow())
            return _add_walk_in(session, person, form.seats.data, form.survey_consent.data)

        result = attempt(form, register_and_add)
        if result is not FAILED:
            _flash_walk_in(result)
            return redirect(_roster_url(session, f"booking-{result.booking.id}"))
    return _render_walk_in(session, CallerSearchForm(formdata=None), form)


def roster_walk_in_add(session_id):
    session = get_or_404(EventSession, session_id)
    form = WalkInExistingForm()
    if not form.validate_on_submit():
        flash(_("Choose the person and the number of seats again."), "error")
        return redirect(url_for("staff.roster_walk_in", session_id=session.id))
    person = get_or_404(Person, form.person_id.data)
    try:
        with refusable():
            result = _add_walk_in(session, people_services.require_person(person),
                                  form.seats.data, form.survey_consent.data)
    except DeskError as error:
        return _refused(error) or redirect(url_for("staff.roster_walk_in",
                                                   session_id=session.id))
    _flash_walk_in(result)
    return redirect(_roster_url(session, f"booking-{result.booking.id}"))


# -- printing ------------------------------------------------------------------------------

def roster_print(session_id):
    session = get_or_404(EventSession, session_id)
    refused = _closed_to_me(session, utcnow())
    if refused is not None:
        return refused
    return render_template("staff/roster_print.html", day=None,
                           sheets=[(session, queries.roster(session))],
                           attendance_labels=ATTENDANCE_LABELS)


def rosters_print():
    """Every roster of one day (?date=YYYY-MM-DD, default today), one A4 page each; for a
    volunteer, those of the day's sessions whose roster they may open."""
    day = parse_day(request.args.get("date", "")) or local_today()
    sessions = access.rosters_open_to(current_user, queries.roster_sessions_on(day),
                                      now=utcnow())
    return render_template("staff/roster_print.html", day=day,
                           sheets=[(session, queries.roster(session)) for session in sessions],
                           attendance_labels=ATTENDANCE_LABELS)
