"""The coordinators' broadcast pages (the staff blueprint requires the coordinator or
admin role): cancel a day, after a preview of what it cancels, then watch the messages."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from desk.core.timeutil import local_today, parse_iso_date, utcnow
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.core.web import FAILED, attempt
from desk.events import broadcast
from desk.events.broadcast_forms import BroadcastForm
from desk.events.models import Venue
from desk.extensions import db
from desk.notify.labels import STATE_LABELS


def _venue_id(raw):
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _ids(sessions):
    return ",".join(str(session.id) for session in sessions)


def broadcast_page():
    form = BroadcastForm()
    now = utcnow()
    preview = None
    if form.validate_on_submit():
        venue_id = _venue_id(form.venue_id.data)
        sessions = broadcast.sessions_to_cancel(form.day.data, venue_id=venue_id, now=now)
        confirmed = request.form.get("step") == "confirm"
        if confirmed and form.previewed.data == _ids(sessions):
            result = attempt(form, lambda: broadcast.cancel_day(
                form.day.data, form.cancel_reason.data, venue_id=venue_id,
                actor=current_user, now=now))
            if result is not FAILED:
                flash(ngettext("%(num)d session has been cancelled; everyone booked is "
                               "being told.",
                               "%(num)d sessions have been cancelled; everyone booked is "
                               "being told.", len(result)), "success")
                return redirect(url_for("staff.broadcast_progress",
                                        day=form.day.data.isoformat(),
                                        venue=venue_id or ""))
        elif confirmed:
            flash(_("The sessions of that day have changed since the preview. Check the "
                    "list again."), "error")
        preview = sessions
        form.previewed.data = _ids(sessions)
    return render_template("staff/broadcast.html", form=form, preview=preview,
                           booked=broadcast.people_booked(preview or []))


def progress():
    day = parse_iso_date(request.args.get("day", ""))
    if day is None or not DATE_MIN <= day <= DATE_MAX:
        day = local_today()
    venue_id = _venue_id(request.args.get("venue"))
    venue = db.session.get(Venue, venue_id) if venue_id else None
    return render_template("staff/broadcast_progress.html", day=day, venue=venue,
                           progress=broadcast.progress(day, venue_id=venue.id if venue else None),
                           states=broadcast.PROGRESS_STATES, state_labels=STATE_LABELS)
