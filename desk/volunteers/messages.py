"""What a message to a volunteer says, rendered from its template in the volunteer's
language, and what notify asks about such messages (desk.volunteers.outbox registers
these).

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

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core.errors import ConflictError
from desk.core.i18n import (
    city_name,
    force_locale,
    format_date_long,
    format_date_short,
    format_datetime_long,
    format_time,
)
from desk.core.web import public_url_for
from desk.events.labels import kind_label
from desk.events.messages import place_options
from desk.extensions import db
from desk.notify.channels.base import PermanentError
from desk.notify.content import Content, fewest_segments, squash, tidy
from desk.notify.kinds import Addressee
from desk.notify.models import MessageChannel, ReplyAction
from desk.notify.spoken import locale_key
from desk.volunteers import passwords
from desk.volunteers.labels import role_label, skill_label
from desk.volunteers.models import AssignmentStatus, Shift, Volunteer
from desk.volunteers.notices import AccountTemplate, ShiftTemplate, sms_address

SHIFT_LABELS = {
    ShiftTemplate.SHIFT_REMINDER: _l("Shift reminder"),
    ShiftTemplate.SHIFT_CHANGED: _l("Shift assigned or changed"),
    ShiftTemplate.SHIFT_CANCELLED: _l("Shift cancelled or taken off"),
    ShiftTemplate.SHIFT_COVER: _l("Call for cover"),
}
ACCOUNT_LABELS = {
    AccountTemplate.ACCOUNT_INVITE: _l("Volunteer invitation"),
    AccountTemplate.PASSWORD_RESET: _l("Password reset"),
}
SHIFT_ERROR_LABELS = {
    "no_shift": _l("The shift no longer exists"),
    "no_volunteer": _l("The volunteer no longer exists"),
    "not_on_shift": _l("The volunteer is no longer on the shift"),
}
ACCOUNT_ERROR_LABELS = {"no_secret": _l("The one-time code was already used up")}
RECIPIENT_LABEL = _l("Volunteer")

# shift messages that only make sense while the volunteer holds the place
WHILE_ON_SHIFT = frozenset({ShiftTemplate.SHIFT_REMINDER, ShiftTemplate.SHIFT_CHANGED})

# where the secret goes: (the e-mail's link, the page where an SMS code is typed)
SECRET_ENDPOINTS = {
    AccountTemplate.ACCOUNT_INVITE: ("volunteer_public.join_link",
                                     "volunteer_public.join_code"),
    AccountTemplate.PASSWORD_RESET: ("password.reset_link", "password.reset_code"),
}


def volunteer_of(message):
    if message.recipient_id is None:
        return None
    return db.session.get(Volunteer, message.recipient_id)


def shift_of(message):
    if message.topic_id is None:
        return None
    return db.session.get(Shift, message.topic_id)


def _template(channel, template, suffix="txt"):
    return current_app.jinja_env.get_template(
        f"volunteers/messages/{channel}/{template}.{suffix}")


def _listed(items):
    separator = ", " if locale_key() == "en" else "、"
    return separator.join(str(item) for item in items)


def _common(message):
    volunteer = volunteer_of(message)
    if volunteer is None:
        raise PermanentError("the message's volunteer no longer exists", code="no_volunteer")
    return {
        "name": volunteer.name,
        "phone": current_app.config["DESK_DESK_PHONE"],
        "city": city_name(),
        "locale": locale_key(),
    }


def _assignment_of(shift, volunteer_id):
    return next((row for row in shift.assignments if row.volunteer_id == volunteer_id), None)


def shift_context(message):
    """What the shift templates say; PermanentError when the shift is gone or the
    volunteer no longer holds the place a reminder or change is about."""
    context = _common(message)
    shift = shift_of(message)
    if shift is None:
        raise PermanentError("the message's shift no longer exists", code="no_shift")
    assignment = _assignment_of(shift, message.recipient_id)
    if message.template in WHILE_ON_SHIFT and (assignment is None or not assignment.is_active
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
    (desk.events.messages.place_options: short name with title, with kind, alone)."""
    return fewest_segments([squash(template.render(context, place=place))
                            for place in place_options(context)])


def secret_context(message, channel):
    context = _common(message)
    if not message.secret:
        raise PermanentError("the one-time code of this message was already handed over "
                             "or withdrawn", code="no_secret")
    template = AccountTemplate(message.template)
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
    subject = squash(str(module.subject))
    html = _template("email", message.template, "html").render(context, subject=subject)
    return Content(MessageChannel.EMAIL, email_subject=subject, email_text=tidy(str(module)),
                   email_html=html, ics=None, ics_method=None)


def _channel(message):
    channel = MessageChannel(message.channel)
    if channel == MessageChannel.VOICE:
        raise PermanentError("volunteers get SMS or e-mail, not calls", code="no_voice")
    return channel


def render_account(message, *, now):
    """The Content of an invitation or a password reset (SMS or e-mail)."""
    channel = _channel(message)
    with force_locale(message.locale):
        context = secret_context(message, channel)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=squash(
                _template("sms", message.template).render(context)))
        return _email(message, context)


def render_shift(message, *, now):
    """The Content of a message about a shift (SMS or e-mail)."""
    channel = _channel(message)
    with force_locale(message.locale):
        context = shift_context(message)
        if channel == MessageChannel.SMS:
            return Content(channel, sms_body=sms_text(_template("sms", message.template),
                                                      context))
        context["shift_url"] = public_url_for("volunteer.shift", shift_id=message.topic_id)
        return _email(message, context)


# -- what notify asks about these messages -----------------------------------------------------

def check_shift_message(message, *, now):
    """"Send again" helps until the shift starts (a call for cover: while it goes on)."""
    shift = shift_of(message)
    if shift is None:
        return
    if message.template == ShiftTemplate.SHIFT_COVER:
        if shift.end_dt <= now:
            raise ConflictError(_("This shift is over."))
    elif shift.start_dt <= now:
        raise ConflictError(_("The shift has already started: sending the message now "
                              "would not help."))


def check_account_message(message, *, now):
    """A one-time code is never sent twice: once handed over, only a new one helps."""
    if not message.secret:
        raise ConflictError(_("The one-time code of this message cannot be sent again: "
                              "send a new invitation or password reset instead."))


def describe_shifts(messages):
    """{message id: "role, session title, start"} for the coordinators' pages."""
    ids = {message.topic_id for message in messages if message.topic_id is not None}
    shifts = {shift.id: shift for shift in db.session.scalars(
        select(Shift).where(Shift.id.in_(ids)))} if ids else {}
    texts = {}
    for message in messages:
        shift = shifts.get(message.topic_id)
        if shift is not None:
            texts[message.id] = ", ".join((str(role_label(shift.role)),
                                           shift.session.display_title,
                                           format_datetime_long(shift.start_dt)))
    return texts


def answer_sms(message, text, *, address, previous, now):
    """Nobody reads replies to volunteers' messages: the desk's number instead (a
    volunteer's "1" never touches a booking of the same number)."""
    return ReplyAction.HELP, _(
        "Replies to messages about shifts are not read. Please call the desk: %(phone)s",
        phone=current_app.config["DESK_DESK_PHONE"])


def current_address(message):
    volunteer = volunteer_of(message)
    if volunteer is None:
        return None
    if message.channel == MessageChannel.EMAIL:
        return volunteer.email
    return sms_address(volunteer)


def addressees(messages):
    """{message id: Addressee} of messages to volunteers (one query for all)."""
    ids = {message.recipient_id for message in messages if message.recipient_id is not None}
    volunteers = {volunteer.id: volunteer for volunteer in db.session.scalars(
        select(Volunteer).where(Volunteer.id.in_(ids)))} if ids else {}
    found = {}
    for message in messages:
        volunteer = volunteers.get(message.recipient_id)
        if volunteer is not None:
            found[message.id] = Addressee(
                volunteer.name, url_for("volunteer_staff.detail", volunteer_id=volunteer.id),
                str(RECIPIENT_LABEL))
    return found
