"""The staff phone desk (coordinators and admins): a coordinator on a call finds or
registers the caller (step 1), picks a session (step 2), books seats, with a proxy when
a family member calls (step 3), and reads the booking back. Also: find a caller's
booking by its number and phone, cancel it, record whether they will come.

State travels between the steps as ids in the path; phone numbers only in POST bodies,
never in a URL (they would land in logs).
"""

from datetime import timedelta
from functools import partial

from babel.dates import format_date
from babel.lists import format_list
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.errors import DeskError
from desk.core.timeutil import local_today, to_local, utcnow
from desk.core.validation import Checker
from desk.core.web import FAILED, apply_error, attempt, get_or_404, parse_id
from desk.events import availability, bookings, queries, services, surveys
from desk.events.booking_forms import (
    ActionForm,
    BookingForm,
    BookingLookupForm,
    CallerSearchForm,
    ConfirmationForm,
    SessionFilterForm,
    focus_first,
)
from desk.events.labels import CONFIRMATION_LABELS, move_choice, will_they_come
from desk.events.models import Booking, BookingChannel, CancelReason, Confirmation, EventSession
from desk.events.public_forms import MoveForm
from desk.extensions import db
from desk.notify.planning import person_channels
from desk.people import queries as people_queries
from desk.people import services as people_services
from desk.people.forms import PersonFieldsForm
from desk.people.labels import no_reminder_reason
from desk.people.models import ConsentMethod, Person

SEARCH_LIMIT = 20
SESSION_RANGE_DAYS = 28
SESSION_LIST_LIMIT = 100


def spoken_date(value):
    """The date as read out to a caller, with the weekday: 12月3日（木） /
    Thursday, December 3."""
    day = to_local(value).date()
    locale = get_locale()
    if locale.language == "ja":
        return f"{format_date(day, 'M月d日', locale=locale)}（{format_date(day, 'EEE', locale=locale)}）"
    return format_date(day, "EEEE, MMMM d", locale=locale)


def flash_promoted(promoted):
    """Say who moved up from the waiting list (they are told by the service's messages)."""
    if promoted:
        names = format_list([booking.person.name for booking in promoted], locale=get_locale())
        flash(ngettext("%(names)s moved up from the waiting list and will be told.",
                       "%(num)d people moved up from the waiting list and will be told: "
                       "%(names)s.", len(promoted), names=names), "info")


def _person(person_id):
    """The person of the URL, or the record a merged one was merged into (the view
    then redirects to it)."""
    person = get_or_404(Person, person_id)
    if person.is_merged:
        return get_or_404(Person, person.merged_into_id)
    return person


def _filter_id(field):
    return parse_id(field.data or "") if not field.errors else None


# -- step 1: find or register the caller -----------------------------------------------------

def _render_find(search, person_form, result=None):
    focus_first(person_form if person_form.errors else search, "query")
    return render_template("staff/phone_desk.html", search=search, person_form=person_form,
                           result=result)


def phone_desk():
    """GET: the empty screen. POST: the search (by POST, so that a phone number typed
    in the search field stays out of the URL)."""
    search = CallerSearchForm()
    result = None
    if search.validate_on_submit():
        result = people_queries.search_people(search.query.data, page_size=SEARCH_LIMIT)
    return _render_find(search, PersonFieldsForm(formdata=None), result)


def phone_desk_person_new():
    form = PersonFieldsForm()
    if form.validate_on_submit():
        person = attempt(form, lambda: people_services.create_person(
            form.person_data(), channel=BookingChannel.PHONE_DESK,
            consent_method=ConsentMethod.PHONE_STAFF, actor=current_user, now=utcnow()))
        if person is not FAILED:
            flash(_("%(name)s has been registered.", name=person.name), "success")
            return redirect(url_for("staff.phone_desk_sessions", person_id=person.id))
    return _render_find(CallerSearchForm(formdata=None), form)


# -- step 2: choose a session ---------------------------------------------------------------

def phone_desk_sessions(person_id):
    person = _person(person_id)
    if person.id != person_id:
        return redirect(url_for("staff.phone_desk_sessions", person_id=person.id))
    now = utcnow()
    filters = SessionFilterForm(request.args)
    filters.validate()
    first_day = (filters.first_day.data if not filters.first_day.errors else None) \
        or local_today(now)
    last_day = filters.last_day.data if not filters.last_day.errors else None
    if last_day is None or last_day < first_day:
        last_day = first_day + timedelta(days=SESSION_RANGE_DAYS - 1)
    filters.first_day.data, filters.last_day.data = first_day, last_day
    found = queries.bookable_sessions(
        first_day, last_day, now=now, venue_id=_filter_id(filters.venue),
        program_id=_filter_id(filters.program), limit=SESSION_LIST_LIMIT)
    return render_template(
        "staff/phone_desk_sessions.html", person=person, filters=filters, sessions=found,
        counts=availability.of_sessions(found), limit=SESSION_LIST_LIMIT,
        upcoming=queries.upcoming_bookings_of([person], now),
        duplicates=people_queries.duplicates_of(person))


# -- step 3: seats, proxy, confirm ---------------------------------------------------------

def _closed_reason(session, now):
    """Why the phone desk cannot book this session now, or None."""
    try:
        bookings.check_open(session, channel=BookingChannel.PHONE_DESK, now=now)
    except DeskError as error:
        return error.message
    return None


def _book(person, session, form, now):
    """Add the proxy (when someone books for the person) and book, in one transaction."""
    proxy = None
    proxy_data = form.proxy_data()
    if proxy_data is not None:
        proxy = people_services.add_proxy(person, proxy_data,
                                          consent_method=ConsentMethod.PHONE_STAFF,
                                          actor=current_user, now=now)
    return services.book_seat(session, person, seats=form.seats.data,
                              channel=BookingChannel.PHONE_DESK, actor=current_user, now=now,
                              proxy=proxy, survey_consent=form.survey_consent.data)


def _flash_booked(result):
    booking = result.booking
    if not result.created:
        flash(_("%(name)s already has a booking for this session; nothing was changed. "
                "Here it is.", name=booking.person.name), "info")
    elif result.waitlist_position is not None:
        flash(_("Added to the waiting list as number %(position)d. Read the details back "
                "to the caller.", position=result.waitlist_position), "success")
    else:
        flash(_("Booked. Read the details back to the caller."), "success")


def phone_desk_book(person_id, session_id):
    person = _person(person_id)
    session = get_or_404(EventSession, session_id)
    if person.id != person_id:
        return redirect(url_for("staff.phone_desk_book", person_id=person.id,
                                session_id=session.id))
    form = BookingForm()
    if form.validate_on_submit():
        now = utcnow()
        result = attempt(form, lambda: _book(person, session, form, now),
                         BookingForm.PROXY_ALIASES)
        if result is not FAILED:
            _flash_booked(result)
            return redirect(url_for("staff.booking", booking_id=result.booking.id))
    now = utcnow()
    focus_first(form)
    return render_template(
        "staff/booking_new.html", person=person, session=session, form=form,
        closed=_closed_reason(session, now), existing=bookings.active_booking(session, person),
        free=availability.places_free(session), waiting=len(bookings.waitlist(session)),
        spoken_date=spoken_date(session.start_dt))


# -- the booking: read-back, confirmation, cancellation ---------------------------------------

def booking(booking_id):
    item = get_or_404(Booking, booking_id)
    person = item.person
    return render_template(
        "staff/booking.html", booking=item, position=bookings.waitlist_position(item),
        spoken_date=spoken_date(item.session.start_dt), reminded=bool(person_channels(person)),
        no_reminder=no_reminder_reason(person.phone, person.phone_kind, person.reminder_channel),
        confirmation_label=will_they_come(item),
        confirmation_form=ConfirmationForm(formdata=None, confirmation=item.confirmation.value),
        survey=surveys.invitation_of(item) if item.survey_consent else None, now=utcnow())


def booking_confirmation(booking_id):
    item = get_or_404(Booking, booking_id)
    form = ConfirmationForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the answers."), "error")
    elif attempt(form, lambda: services.set_confirmation(
            item, form.confirmation.data, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("Saved: %(answer)s.",
                answer=CONFIRMATION_LABELS[Confirmation(form.confirmation.data)]), "success")
    return redirect(url_for("staff.booking", booking_id=item.id))


def booking_cancel(booking_id):
    item = get_or_404(Booking, booking_id)
    form = ActionForm()
    if form.validate_on_submit():
        changes = attempt(form, lambda: services.cancel_booking(
            item, reason=CancelReason.STAFF, actor=current_user, now=utcnow()))
        if changes is not FAILED:
            flash(_("The booking has been cancelled; %(name)s will be told.",
                    name=item.person.name), "success")
            flash_promoted(changes.promoted)
            return redirect(url_for("staff.booking", booking_id=item.id))
    return render_template("staff/booking_cancel.html", booking=item, form=form,
                           spoken_date=spoken_date(item.session.start_dt))


def booking_move(booking_id):
    """Move the booking to another session (the same program's dates first, any other
    that takes bookings after them): desk.events.bookings.move_booking."""
    item = get_or_404(Booking, booking_id)
    now = utcnow()
    started = item.session.start_dt <= now
    targets = (queries.move_targets(item, now=now, other_programs=True)
               if item.is_active and not started else [])
    form = MoveForm(targets=targets, describe=partial(move_choice, with_title=True))
    if targets and form.validate_on_submit():
        target = db.session.get(EventSession, form.target.data)
        result = attempt(form, lambda: services.move_booking(
            item, target, channel=BookingChannel.PHONE_DESK, actor=current_user, now=now,
            to_waitlist=form.to_waitlist.data))
        if result is not FAILED:
            flash(_("The booking has been moved to %(date)s; %(name)s will be told.",
                    date=spoken_date(target.start_dt), name=item.person.name), "success")
            flash_promoted(result.promoted)
            return redirect(url_for("staff.booking", booking_id=item.id))
    focus_first(form, "target")
    return render_template("staff/booking_move.html", booking=item, form=form,
                           started=started, spoken_date=spoken_date(item.session.start_dt))


def booking_find():
    """A booking by its number and the phone number of the person or their proxy (the
    code alone never identifies a booking)."""
    form = BookingLookupForm()
    if form.validate_on_submit():
        try:
            checker = Checker({"phone": form.phone.data})
            phone = checker.phone("phone", required=True)
            checker.done()
        except DeskError as error:
            apply_error(form, error)
        else:
            found = bookings.find_booking(form.code.data, phone.e164)
            if found is not None:
                return redirect(url_for("staff.booking", booking_id=found.id))
            form.code.errors = [_("No booking has this number together with this phone "
                                  "number. Check both, or find the person on the phone desk.")]
    focus_first(form, "code")
    return render_template("staff/booking_find.html", form=form)
