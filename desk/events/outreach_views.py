"""Pages of outreach classes on request: the public request form and its confirmation,
the coordinators' list of requests, a request with its timeline and its steps, a
request taken by phone, and the community places. Each view parses, calls one service
(desk.events.outreach) and renders."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events import outreach, queries
from desk.events.labels import (
    DECLINE_REASON_LABELS,
    DEVICE_LABELS,
    GROUP_KIND_LABELS,
    OUTREACH_STATUS_LABELS,
    REPLY_CHANNEL_LABELS,
    TOPIC_LABELS,
)
from desk.events.models import (
    OutreachRequest,
    OutreachStatus,
    RequestSource,
    Venue,
    VenueKind,
)
from desk.events.outreach_forms import (
    OutreachDeclineForm,
    OutreachNoteForm,
    OutreachRequestForm,
    OutreachScheduleForm,
)
from desk.events.staff_views import session_data, venue_form_page
from desk.extensions import db

# the public form's limit per client address (Flask-Limiter), like the booking form
REQUEST_RATE_LIMIT = "10 per minute"
SENT_KEY = "outreach_request_sent"
LABELS = {"status_labels": OUTREACH_STATUS_LABELS, "group_kind_labels": GROUP_KIND_LABELS,
          "reply_channel_labels": REPLY_CHANNEL_LABELS, "topic_labels": TOPIC_LABELS,
          "device_labels": DEVICE_LABELS, "decline_reason_labels": DECLINE_REASON_LABELS}


# -- public ------------------------------------------------------------------------------

def request_form():
    form = OutreachRequestForm()
    if form.validate_on_submit():
        found = attempt(form, lambda: outreach.submit_request(
            form.data, source=RequestSource.WEB, locale=str(get_locale()), actor="web",
            now=utcnow()))
        if found is not FAILED:
            session[SENT_KEY] = found.id
            return redirect(url_for("public.outreach_sent"))
    return render_template("public/outreach_request.html", form=form)


def request_sent():
    """The confirmation: what happens next, with the request this browser sent (none:
    the page says how to send one)."""
    found = db.session.get(OutreachRequest, session[SENT_KEY]) if session.get(SENT_KEY) else None
    return render_template("public/outreach_sent.html", outreach_request=found, **LABELS)


# -- staff -------------------------------------------------------------------------------

def requests():
    raw = request.args.get("status", "")
    status = OutreachStatus(raw) if raw in set(OutreachStatus) else None
    return render_template("staff/outreach_requests.html",
                           outreach_requests=outreach.requests(status=status),
                           status=status, counts=outreach.status_counts(), **LABELS)


def request_new():
    form = OutreachRequestForm()
    if form.validate_on_submit():
        found = attempt(form, lambda: outreach.submit_request(
            form.data, source=RequestSource.STAFF, locale="ja", actor=current_user,
            now=utcnow()))
        if found is not FAILED:
            flash(_("The request has been recorded; the contact person will be told."),
                  "success")
            return redirect(url_for("staff.outreach_request", request_id=found.id))
    return render_template("staff/outreach_request_new.html", form=form)


def _detail(found, **forms):
    forms.setdefault("arrange_form", OutreachNoteForm(prefix="arrange"))
    forms.setdefault("decline_form", OutreachDeclineForm(prefix="decline"))
    return render_template("staff/outreach_request.html", outreach_request=found,
                           timeline=outreach.timeline(found), **forms, **LABELS)


def request_detail(request_id):
    return _detail(get_or_404(OutreachRequest, request_id))


def request_arrange(request_id):
    found = get_or_404(OutreachRequest, request_id)
    form = OutreachNoteForm(prefix="arrange")
    if form.validate_on_submit() and attempt(form, lambda: outreach.start_arranging(
            found, form.data, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("The request is being arranged."), "success")
        return redirect(url_for("staff.outreach_request", request_id=found.id))
    return _detail(found, arrange_form=form)


def request_decline(request_id):
    found = get_or_404(OutreachRequest, request_id)
    form = OutreachDeclineForm(prefix="decline")
    if form.validate_on_submit() and attempt(form, lambda: outreach.decline_request(
            found, form.data, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("The request has been declined; the contact person will be told."), "success")
        return redirect(url_for("staff.outreach_request", request_id=found.id))
    return _detail(found, decline_form=form)


def request_erase(request_id):
    """Erase the contact person's details; a refusal (already erased) is flashed."""
    found = get_or_404(OutreachRequest, request_id)
    form = OutreachNoteForm(prefix="erase")
    if not form.validate_on_submit():
        flash(_("The form has expired. Please send it again."), "error")
    elif attempt(form, lambda: outreach.blank_contact(
            found, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("The contact person's details have been erased."), "success")
    return redirect(url_for("staff.outreach_request", request_id=found.id))


# the session service's field names, as the schedule form names them
SCHEDULE_ALIASES = {"start_dt": "start_time", "end_dt": "end_time", "venue_id": "place_id",
                    "name": "place_name", "name_kana": "place_name_kana",
                    "short_name": "place_short_name"}


def request_schedule(request_id):
    found = get_or_404(OutreachRequest, request_id)
    if not found.is_open:
        abort(404)
    form = OutreachScheduleForm()
    if request.method == "GET":
        form.place_name.data = found.place_name
        form.day.data = found.preferred_date_1
        form.capacity.data = found.expected_count
    if form.validate_on_submit():
        result = attempt(form, lambda: outreach.schedule_request(
            found, session_data(form), actor=current_user, now=utcnow()), SCHEDULE_ALIASES)
        if result is not FAILED:
            flash(_("The outreach class has been scheduled; the contact person will be told."),
                  "success")
            return redirect(url_for("staff.outreach_request", request_id=found.id))
    return render_template("staff/outreach_schedule.html", form=form, outreach_request=found,
                           **LABELS)


def places():
    return render_template("staff/places.html",
                           places=queries.venues(kind=VenueKind.COMMUNITY))


def place_new():
    return venue_form_page(None, kind=VenueKind.COMMUNITY)


def place_edit(venue_id):
    return venue_form_page(get_or_404(Venue, venue_id), kind=VenueKind.COMMUNITY)
