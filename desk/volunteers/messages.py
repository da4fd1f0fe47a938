"""What a message to a volunteer says, rendered from its template in the volunteer's
language (desk.notify.content.render hands volunteer rows over to `render`).

- Shift messages (reminder, new or changed, cancelled or taken off, a call for cover):
  SMS from templates/volunteers/messages/sms/<template>.txt, one line, no links; the
  place is named as fully as the fewest segments allow (the venue's short name with the
  session's title, with the kind of session, or alone, as for bookings), so that a
  Japanese text fits one 70-character segment where it can and never takes more than
  two. E-mail from templates/volunteers/messages/email/<template>.txt (its `subject`
  set inside) and .html, with the link to the volunteer's shift page. No calendar file:
  the personal feed (desk.volunteers.feed) keeps the volunteer's calendar up to date.
- Invitations and password resets carry the one-time secret kept in the outbox row
  until it has been handed over (desk.notify.dispatch wipes it): the code by SMS, the
  link by e-mail, and how many hours it stays valid (passwords.validity_hours).

Volunteers get SMS or e-mail, never calls. A message that cannot be written any more
(its shift or volunteer is gone, its secret was wiped) raises PermanentError: the
dispatcher records it as failed with the reason.
"""

from flask import current_app
from flask_babel import force_locale, get_locale

from desk.core.i18n import format_date_long, format_date_short, format_time
from desk.core.web import public_url_for
from desk.events.labels import kind_label
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, _squash, _tidy, fewest_segments, place_options
from desk.notify.models import MessageChannel, MessageTemplate
from desk.volunteers import passwords
from desk.volunteers.labels import role_label, skill_label
from desk.volunteers.models import AssignmentStatus

SHIFT_TEMPLATES = frozenset({MessageTemplate.SHIFT_REMINDER, MessageTemplate.SHIFT_CHANGED,
                             MessageTemplate.SHIFT_CANCELLED, MessageTemplate.SHIFT_COVER})
SECRET_TEMPLATES = frozenset({MessageTemplate.ACCOUNT_INVITE, MessageTemplate.PASSWORD_RESET})
TEMPLATES = SHIFT_TEMPLATES | SECRET_TEMPLATES
# shift messages that only make sense while the volunteer holds the place
WHILE_ON_SHIFT = frozenset({MessageTemplate.SHIFT_REMINDER, MessageTemplate.SHIFT_CHANGED})

# where the secret goes: (the e-mail's link, the page where an SMS code is typed)
SECRET_ENDPOINTS = {
    MessageTemplate.ACCOUNT_INVITE: ("volunteer_public.join_link", "volunteer_public.join_code"),
    MessageTemplate.PASSWORD_RESET: ("password.reset_link", "password.reset_code"),
}


def _template(channel, template, suffix="txt"):
    return current_app.jinja_env.get_template(
        f"volunteers/messages/{channel}/{template}.{suffix}")


def _locale_key():
    return "en" if str(get_locale()) == "en" else "ja"


def _listed(items):
    separator = ", " if _locale_key() == "en" else "、"
    return separator.join(str(item) for item in items)


def _common(message):
    volunteer = message.volunteer
    if volunteer is None:
        raise PermanentError("the message's volunteer no longer exists", code="no_volunteer")
    return {
        "name": volunteer.name,
        "phone": current_app.config["DESK_DESK_PHONE"],
        "city": current_app.config["DESK_MUNICIPALITY_NAME"],
        "locale": _locale_key(),
    }


def _assignment_of(shift, volunteer_id):
    return next((row for row in shift.assignments if row.volunteer_id == volunteer_id), None)


def shift_context(message):
    """What the shift templates say; PermanentError when the shift is gone or the
    volunteer no longer holds the place a reminder or change is about."""
    context = _common(message)
    shift = message.shift
    if shift is None:
        raise PermanentError("the message's shift no longer exists", code="no_shift")
    assignment = _assignment_of(shift, message.volunteer_id)
    template = MessageTemplate(message.template)
    if template in WHILE_ON_SHIFT and (assignment is None or not assignment.is_active
                                       or shift.is_cancelled):
        raise PermanentError("the volunteer is no longer on this shift", code="not_on_shift")
    session = shift.session
    context.update(
        shift=shift,
        session=session,
        venue=session.venue,
        title=session.display_title,
        kind=str(kind_label(session.kind)),
        role=str(role_label(shift.role)),
        date=format_date_short(shift.start_dt),
        date_long=format_date_long(shift.start_dt),
        start=format_time(shift.start_dt),
        end=format_time(shift.end_dt),
        skills=_listed(skill_label(skill) for skill in sorted(shift.required_skills)),
        notes=shift.notes,
        # taken off the shift by a coordinator (the shift itself goes on)
        removed=(assignment is not None and assignment.status == AssignmentStatus.REMOVED
                 and not shift.is_cancelled),
        reason=session.cancel_reason if session.is_cancelled else None,
    )
    return context


def sms_text(template, context):
    """The one-line SMS that names the place as fully as the fewest segments allow
    (desk.notify.content.place_options: short name with title, with kind, alone)."""
    return fewest_segments([_squash(template.render(context, place=place))
                            for place in place_options(context)])


def secret_context(message, channel):
    context = _common(message)
    if not message.secret:
        raise PermanentError("the one-time code of this message was already handed over "
                             "or withdrawn", code="no_secret")
    template = MessageTemplate(message.template)
    link_endpoint, code_endpoint = SECRET_ENDPOINTS[template]
    # how long the link or code works: as desk.volunteers.passwords made the link
    context["hours"] = passwords.validity_hours(template, channel)
    if channel == MessageChannel.SMS:
        context.update(code=message.secret, page_url=public_url_for(code_endpoint))
    else:
        context["link"] = public_url_for(link_endpoint, link_token=message.secret)
    return context


def _email(message, context):
    module = _template("email", message.template).make_module(context)
    subject = _squash(str(module.subject))
    html = _template("email", message.template, "html").render(context, subject=subject)
    return Content(MessageChannel.EMAIL, email_subject=subject, email_text=_tidy(str(module)),
                   email_html=html, ics=None, ics_method=None)


def render(message, *, now=None):
    """The Content of an outbox message to a volunteer (SMS or e-mail). `now` is
    accepted like desk.notify.content.render's; nothing here depends on it."""
    template = MessageTemplate(message.template)
    if template not in TEMPLATES:
        raise PermanentError("not a message for volunteers", code="no_template")
    channel = MessageChannel(message.channel)
    if channel == MessageChannel.VOICE:
        raise PermanentError("volunteers get SMS or e-mail, not calls", code="no_voice")
    with force_locale(message.locale):
        if template in SECRET_TEMPLATES:
            context = secret_context(message, channel)
            if channel == MessageChannel.SMS:
                return Content(channel, sms_body=_squash(
                    _template("sms", template).render(context)))
            return _email(message, context)
        context = shift_context(message)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_text(_template("sms", template), context))
        context["shift_url"] = public_url_for("volunteer.shift", shift_id=message.shift_id)
        return _email(message, context)
