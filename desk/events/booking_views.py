"""Public booking pages (no login): book a seat, the booking's own page behind its
secret link (with the calendar file and a cancel button), and cancelling with the
booking code and phone number.

What these pages show of stored personal data: nothing. The booking's page shows the
session, the code, the seats and the status, never a name or a phone number; no page
shows who else booked. The answer to a cancellation by code and phone is the same
whether or not such a booking exists.
"""

from functools import partial

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from desk.core.errors import DeskError
from desk.core.i18n import format_date_long
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events import (
    availability,
    followups,
    ics,
    offers,
    public_booking,
    queries,
    services,
    slots,
)
from desk.events.bookings import booking_by_token, check_open, waitlist_position
from desk.events.labels import move_choice
from desk.events.models import BookingChannel, CancelReason, EventSession
from desk.events.public_forms import (
    BookingForm,
    CancelByCodeForm,
    ConfirmForm,
    FollowUpForm,
    MoveForm,
    OfferForm,
)
from desk.extensions import db

CHANNEL = BookingChannel.WEB


def booking_closed(session, now):
    """Why `session` cannot be booked on the web now, or None while it can."""
    try:
        check_open(session, channel=CHANNEL, now=now)
    except DeskError as error:
        return error.message
    return None


def _booking_or_404(token):
    booking = booking_by_token(token)
    if booking is None:
        abort(404)
    return booking


def book(session_id):
    session = get_or_404(EventSession, session_id)
    now = utcnow()
    closed = booking_closed(session, now)
    form = BookingForm()
    if closed is None and form.validate_on_submit():
        result = attempt(form, lambda: public_booking.book_online(
            session, form.booking_data(language=str(get_locale())), channel=CHANNEL,
            now=now, proxy_data=form.proxy_data(), request_key=form.request_key_value()))
        if result is not FAILED:
            if not result.reveal:
                flash(_("You already have a booking for this session. We have sent its "
                        "details again to the phone number (or e-mail) of that booking."),
                      "info")
                return redirect(url_for("public.session", session_id=session.id))
            return redirect(url_for("public.booking", token=result.booking.token))
    status = 409 if closed is not None and request.method == "POST" else 200
    free = availability.places_free(session) if closed is None else None
    next_slot = slots.first_free_slot(session) if free else None
    return render_template("public/book.html", session=session, form=form, closed=closed,
                           free=free, next_slot=next_slot), status


def booking(token):
    booking = _booking_or_404(token)
    now = utcnow()
    followup = followups.followup_of(booking)
    return render_template("public/booking.html", booking=booking, session=booking.session,
                           position=waitlist_position(booking), now=now,
                           offer=offers.open_offer(booking),
                           followup=followup if followups.is_takeable(followup, now=now)
                           else None)


def offer(token):
    """A seat offered from the waiting list: one big button takes it."""
    booking = _booking_or_404(token)
    offer = offers.latest_offer(booking)
    if offer is None:
        abort(404)
    now = utcnow()
    form = OfferForm()
    status = 200
    if form.validate_on_submit():
        service = offers.decline_offer if form.decline.data else offers.take_offer
        if attempt(form, lambda: service(offer, actor=str(CHANNEL), now=now)) is not FAILED:
            flash(_("Thank you for letting us know. The seat goes to the next person.")
                  if form.decline.data else _("Your seat is booked."), "success")
            return redirect(url_for("public.booking", token=token))
        status = 409
    return render_template("public/offer.html", booking=booking, session=booking.session,
                           offer=offer, form=form, takeable=offers.is_takeable(offer, now=now),
                           started=booking.session.start_dt <= now, deadline=offers.deadline_text(offer)), status


def followup(token):
    """The next class offered to a party still waiting when its session started: one big
    button books it (the booking moves there)."""
    booking = _booking_or_404(token)
    followup = followups.followup_of(booking)
    if followup is None or followup.target_session is None:
        abort(404)
    now = utcnow()
    form = FollowUpForm()
    status = 200
    if form.validate_on_submit():
        if form.decline.data:
            result = attempt(form, lambda: followups.decline_followup(
                followup, actor=str(CHANNEL), now=now))
        else:
            result = attempt(form, lambda: followups.take_followup(
                followup, channel=CHANNEL, actor=str(CHANNEL), now=now))
        if result is not FAILED:
            flash(_("Thank you for letting us know.") if form.decline.data
                  else _("Your seat is booked."), "success")
            return redirect(url_for("public.booking", token=token))
        status = 409
    return render_template("public/followup.html", booking=booking,
                           session=followup.target_session, followup=followup, form=form,
                           takeable=followups.is_takeable(followup, now=now)), status


def booking_ics(token):
    booking = _booking_or_404(token)
    body = ics.booking_calendar(booking, now=utcnow())
    return Response(body, content_type=ics.MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="booking-{booking.code}.ics"',
        "Cache-Control": "no-store",
    })


def booking_cancel(token):
    booking = _booking_or_404(token)
    now = utcnow()
    form = ConfirmForm()
    if booking.is_active and form.validate_on_submit():
        result = attempt(form, lambda: services.cancel_booking(
            booking, reason=CancelReason.PERSON, actor=str(CHANNEL), now=now))
        if result is not FAILED:
            flash(_("Your booking is cancelled."), "success")
            return redirect(url_for("public.booking", token=token))
    return render_template("public/booking_cancel.html", booking=booking,
                           session=booking.session, form=form,
                           started=booking.session.start_dt <= now)


def booking_move(token):
    """Another date of the same class, into a free seat (or, when asked, onto a full
    date's waiting list): desk.events.bookings.move_booking."""
    booking = _booking_or_404(token)
    now = utcnow()
    started = booking.session.start_dt <= now
    targets = (queries.move_targets(booking, now=now, other_programs=False)
               if booking.is_active and not started else [])
    form = MoveForm(targets=targets, describe=partial(move_choice, with_title=False))
    if targets and form.validate_on_submit():
        target = db.session.get(EventSession, form.target.data)
        result = attempt(form, lambda: services.move_booking(
            booking, target, channel=CHANNEL, actor=str(CHANNEL), now=now,
            to_waitlist=form.to_waitlist.data))
        if result is not FAILED:
            flash(_("Your booking has been moved to %(date)s. Your booking code stays the "
                    "same.", date=format_date_long(target.start_dt)), "success")
            return redirect(url_for("public.booking", token=token))
    return render_template("public/booking_move.html", booking=booking,
                           session=booking.session, form=form, started=started)


def cancel():
    form = CancelByCodeForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: public_booking.cancel_by_code(
            form.code.data, form.phone.data, channel=CHANNEL, now=utcnow()))
        if result is not FAILED:
            return redirect(url_for("public.cancel_sent"))
    return render_template("public/cancel.html", form=form)


def cancel_sent():
    return render_template("public/cancel_sent.html")
