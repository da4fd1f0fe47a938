"""A coordinator's note to the people of a session (staff blueprint: coordinators and
admins): write it, see what it will send, confirm; then watch it go out."""

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404
from desk.events import broadcast, session_messages
from desk.events.models import EventSession, SessionMessage
from desk.events.session_message_forms import SessionMessageForm
from desk.notify.labels import STATE_LABELS


def _data(form):
    return {"text_ja": form.text_ja.data, "text_en": form.text_en.data,
            "include_waitlist": form.include_waitlist.data, "key": form.key.data}


def compose(session_id):
    session = get_or_404(EventSession, session_id)
    form = SessionMessageForm()
    now = utcnow()
    preview = None
    if request.method == "GET":
        form.key.data = secrets.token_urlsafe(24)
    elif form.validate_on_submit():
        if request.form.get("step") == "confirm":
            result = attempt(form, lambda: session_messages.send_session_message(
                session, _data(form), actor=current_user, now=now))
            if result is not FAILED:
                message, created = result
                if created:
                    flash(_("The message is being sent to everyone on the list."), "success")
                else:
                    flash(_("This message was already sent: it is not sent again."), "info")
                return redirect(url_for("staff.session_message", session_id=session.id,
                                        message_id=message.id))
        else:
            preview = attempt(form, lambda: session_messages.preview(
                session, _data(form), now=now))
            preview = None if preview is FAILED else preview
    return render_template(
        "staff/session_message.html", form=form, session=session, preview=preview,
        lengths=session_messages.sms_lengths(session, form.text_ja.data, form.text_en.data),
        warn_segments=session_messages.WARN_SEGMENTS, now=now)


def progress(session_id, message_id):
    session = get_or_404(EventSession, session_id)
    message = get_or_404(SessionMessage, message_id)
    if message.session_id != session.id:
        abort(404)
    return render_template("staff/session_message_progress.html", session=session,
                           message=message, progress=session_messages.progress(message),
                           states=broadcast.PROGRESS_STATES, state_labels=STATE_LABELS)
