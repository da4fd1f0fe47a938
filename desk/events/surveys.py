"""The one-tap survey the day after a class: who is asked, when, and the answers.

Who: a booking at a class or an outreach class that is booked, marked attended (walk-ins
included) and whose person agreed to the survey when booking (`Booking.survey_consent`,
asked on the web, at the kiosk and at the staff desk; not asked = not sent). The person
must still take messages (`desk.notify.planning.person_channels`: consent to messages and
a channel): the survey goes by SMS, or by e-mail when that is their channel or their
phone takes only calls; never as a voice call, never as a copy to a proxy contact.

When: marking the booking attended plans one message, due the day after the session at
DESK_SURVEY_TIME (Japan time; quiet hours are the dispatcher's), or at once when the
attendance is taken later than that. The invitation lives DESK_SURVEY_DAYS days from that
time (`expires_dt`, the message's `not_after`). Un-marking the attendance cancels the
queued message; marking it again plans it again only when none went out (never twice).

The answers: one per invitation (one per booking, so one per person and session),
answered once, never edited; the link is short (/s/<token>, 12 URL-safe characters, 72
random bits) and stops working at `expires_dt`. What the KPI report counts of them:
desk.reports.metrics.
"""

import enum
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import ConflictError
from desk.core.timeutil import local_datetime, to_local
from desk.core.validation import Checker
from desk.events.models import (
    KINDS_WITH_PROGRAM,
    Attendance,
    Booking,
    BookingStatus,
    SurveyInvitation,
    Topic,
    WillUse,
)
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, RecipientKind

TOPIC = "survey"
SURVEYED_KINDS = KINDS_WITH_PROGRAM  # classes and outreach classes


class SurveyTemplate(enum.StrEnum):
    INVITATION = "survey_invitation"


class SurveyClosed(ConflictError):
    """The survey's link is no longer open (answered or expired); nothing was saved."""


def invitation_due(session):
    """The day after the session, at DESK_SURVEY_TIME in Japan time."""
    day_after = to_local(session.start_dt).date() + timedelta(days=1)
    return local_datetime(day_after, current_app.config["DESK_SURVEY_TIME"])


def expiry_of(session):
    return invitation_due(session) + timedelta(days=current_app.config["DESK_SURVEY_DAYS"])


def survey_channel(person):
    """(channel, address) the survey goes to, or None: the person's first channel that is
    not a voice call (a landline's person gets it by e-mail when they have an address)."""
    for channel, address in planning.person_channels(person):
        if channel != MessageChannel.VOICE:
            return channel, address
    return None


def is_invited(booking):
    """Whether `booking` is one the survey is for (see the module's docstring)."""
    return (booking.survey_consent and booking.status == BookingStatus.BOOKED
            and booking.attendance == Attendance.ATTENDED
            and booking.session.kind in SURVEYED_KINDS
            and not booking.person.is_anonymised)


def invitation_of(booking):
    return db.session.scalar(select(SurveyInvitation).where(
        SurveyInvitation.booking_id == booking.id))


def _planned_before(invitation):
    """Whether a message of the invitation was ever planned and not cancelled (queued,
    sending, sent or failed): then it is never planned again."""
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.topic == TOPIC, OutboxMessage.topic_id == invitation.id,
        OutboxMessage.state != MessageState.CANCELLED).limit(1)) is not None


def invite(booking, *, now):
    """The booking was marked attended: plan its survey when it is one (see the module's
    docstring). Returns the invitation, or None when nobody is to be asked."""
    if not is_invited(booking):
        return None
    target = survey_channel(booking.person)
    due = max(invitation_due(booking.session), now)
    expires = expiry_of(booking.session)
    if target is None or due >= expires:
        return None
    invitation = invitation_of(booking)
    if invitation is None:
        invitation = SurveyInvitation(booking_id=booking.id, token=new_token(),
                                      created_dt=now, expires_dt=expires)
        db.session.add(invitation)
        db.session.flush()
    elif invitation.is_answered or _planned_before(invitation):
        return invitation
    channel, address = target
    planning.queue([planning.message_values(
        SurveyTemplate.INVITATION, topic=TOPIC, topic_id=invitation.id,
        recipient_kind=RecipientKind.PERSON, channel=channel, address=address,
        locale=booking.person.language, due=due, now=now, not_after=invitation.expires_dt,
        person_id=booking.person_id)])
    return invitation


def withdraw(booking, *, now):
    """The booking is no longer attended (marked no-show, cleared, cancelled): its survey
    message still queued is cancelled. Returns how many."""
    invitation = invitation_of(booking)
    if invitation is None:
        return 0
    return planning.cancel_queued(TOPIC, [invitation.id], now=now)


def new_token():
    return secrets.token_urlsafe(9)  # 12 characters


def invitation_by_token(token):
    if not token or len(token) != SurveyInvitation.TOKEN_LENGTH:
        return None
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token == token))


def is_open(invitation, now):
    return not invitation.is_answered and now < invitation.expires_dt


def answer(invitation, data, *, now):
    """Save the answers of the survey page ({useful 1–5, will_use yes/maybe/no,
    next_topic, next_text}; each may be left blank, not all of them). Once only and
    before `expires_dt` (SurveyClosed otherwise), checked under the invitation's row
    lock, so two taps at once save one answer."""
    invitation = lock_rows(db.session, select(SurveyInvitation).where(
        SurveyInvitation.id == invitation.id)).one()
    if invitation.is_answered:
        raise SurveyClosed(_("This survey has already been answered. Thank you."))
    if now >= invitation.expires_dt:
        raise SurveyClosed(_("This survey has closed."))
    checker = Checker(data)
    values = {
        "useful": checker.integer("useful", SurveyInvitation.USEFUL_MIN,
                                  SurveyInvitation.USEFUL_MAX),
        "will_use": checker.choice("will_use", WillUse, required=False),
        "next_topic": checker.choice("next_topic", Topic, required=False),
        "next_text": checker.text("next_text", SurveyInvitation.NEXT_TEXT_MAX),
    }
    if not checker.errors and all(value is None for value in values.values()):
        checker.fail("useful", _("Please answer at least one question."))
    checker.done()
    for name, value in values.items():
        setattr(invitation, name, value)
    invitation.answered_dt = now
    db.session.flush()
    audit.record("survey.answer", invitation, actor="web",
                 after={"booking_id": invitation.booking_id, "useful": invitation.useful,
                        "will_use": invitation.will_use and invitation.will_use.value,
                        "next_topic": invitation.next_topic and invitation.next_topic.value},
                 now=now)
    return invitation


def session_answers(session):
    """The online answers of a session, oldest first."""
    return list(db.session.scalars(
        select(SurveyInvitation).join(Booking, Booking.id == SurveyInvitation.booking_id)
        .where(Booking.session_id == session.id, SurveyInvitation.answered_dt.is_not(None))
        .order_by(SurveyInvitation.answered_dt, SurveyInvitation.id)))
