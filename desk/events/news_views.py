"""The pages of the news about new classes: the public page that asks for it, the page
the digest links to (the classes for the subscriber, behind the subscription's token)
with its one-button stop page, the offer at the end of a web booking, and the
coordinators' counts and the form on a person's page (desk.events.news)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events import news, news_queries
from desk.events.bookings import booking_by_token
from desk.events.models import BookingChannel, NewsStopSource
from desk.events.news_forms import BookingNewsForm, PublicNewsForm, StaffNewsForm
from desk.events.public_forms import ConfirmForm
from desk.people.models import ConsentMethod, Person

ALIASES = {"consent": "news_consent"}


def _subscribed(subscription):
    flash(_("Thank you. We will tell you about new classes. You can stop this at any time."),
          "success")
    return redirect(url_for("public.news_list", token=subscription.token))


def subscribe():
    form = PublicNewsForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: news.subscribe_public(
            form.subscribe_data(language=str(get_locale())), channel=BookingChannel.WEB,
            method=ConsentMethod.WEB, now=utcnow()), ALIASES)
        if result is not FAILED:
            return _subscribed(result)
    return render_template("public/news_subscribe.html", form=form)


def booking_news(token):
    """The offer at the end of a web booking: the booking's person hears about new
    classes."""
    booking = booking_by_token(token)
    if booking is None:
        abort(404)
    channel = news.automatic_channel(booking.person)
    form = BookingNewsForm(channel=str(channel) if channel else None)
    if form.validate_on_submit():
        result = attempt(form, lambda: news.subscribe_after_booking(
            booking, form.news_data(), method=ConsentMethod.WEB,
            actor=str(BookingChannel.WEB), now=utcnow()), ALIASES)
        if result is not FAILED:
            return _subscribed(result)
    return render_template("public/news_booking.html", form=form, booking=booking)


def _by_token_or_404(token):
    subscription = news.by_token(token)
    if subscription is None:
        abort(404)
    return subscription


def news_list(token):
    subscription = _by_token_or_404(token)
    sessions, counts = news_queries.upcoming_for(subscription, now=utcnow())
    return render_template("public/news_list.html", subscription=subscription,
                           sessions=sessions, counts=counts, now=utcnow(),
                           **news_queries.LABELS)


def news_stop(token):
    subscription = _by_token_or_404(token)
    form = ConfirmForm()
    if subscription.is_active and form.validate_on_submit():
        news.stop_by_token(token, now=utcnow())
        flash(_("The news about new classes is stopped. Booking messages still come."),
              "success")
        return redirect(url_for("public.news_stop", token=token))
    return render_template("public/news_stop.html", subscription=subscription, form=form)


# -- coordinators -----------------------------------------------------------------------------

def staff_news():
    return render_template("staff/news.html", counts=news_queries.counts())


def person_news(person_id):
    person = get_or_404(Person, person_id)
    form = StaffNewsForm(prefix="news")
    if form.validate_on_submit():
        result = attempt(form, lambda: news.subscribe_news(
            person, form.news_data(), method=form.consent_method.data,
            actor=current_user, now=utcnow()), ALIASES)
        if result is not FAILED:
            flash(_("The news about new classes is recorded."), "success")
    for name, errors in form.errors.items():
        if name.endswith("csrf_token"):
            flash(_("The form has expired. Please send it again."), "error")
        else:
            flash(f"{form[name].label.text}: {' '.join(errors)}", "error")
    return redirect(url_for("people.detail", person_id=person.id) + "#news")


def person_news_stop(person_id):
    person = get_or_404(Person, person_id)
    subscription = news.active_subscription(person)
    if subscription is not None and ConfirmForm().validate_on_submit():
        news.stop_news(subscription, source=NewsStopSource.STAFF, actor=current_user,
                       now=utcnow())
        flash(_("The news about new classes is stopped."), "success")
    return redirect(url_for("people.detail", person_id=person.id) + "#news")
