"""The demo's waiting lists followed up (desk.events.followups), built through the
services: every class of the current fiscal year that started with people still
waiting had its follow-up job run ten minutes after the start (the next class of the
same program, else of the same level nearby, or nothing). Every other party offered a
class that is still to come replied 1 an hour later and was moved there (an SMS reply
or a key in the call); the others have not answered. The messages went out through the
log backend once due. The coordinators' unmet-demand page has real figures."""

from datetime import timedelta

from sqlalchemy import select

from desk.core.timeutil import fiscal_year_dates, fiscal_year_of, local_today
from desk.demo import outbox
from desk.events import bookings, followups
from desk.events.models import BookingChannel, SessionKind, SessionStatus
from desk.events.notices import TOPIC, BookingTemplate
from desk.events.offers import OfferClosedError
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage

ACTORS = ("sms reply", "voice call")


def _dispatch(followup, moment):
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == TOPIC, OutboxMessage.topic_id == followup.booking_id,
            OutboxMessage.template == BookingTemplate.FOLLOWUP_OFFERED,
            OutboxMessage.state == MessageState.QUEUED)):
        message.due_dt, gone = outbox.dispatched(message.channel, message.due_dt, moment)
        if gone:
            message.state = MessageState.LOGGED
            message.updated_dt = message.due_dt


def load_followups(sessions, *, now):
    """(followed up, offered, taken) for the classes of `sessions` of this fiscal year
    that have started."""
    first, _last = fiscal_year_dates(fiscal_year_of(local_today(now)))
    started = sorted((session for session in sessions
                      if session.kind == SessionKind.CLASS and session.program_id is not None
                      and session.status == SessionStatus.SCHEDULED
                      and session.start_dt <= now and local_today(session.start_dt) >= first),
                     key=lambda session: (session.start_dt, session.id))
    made = offered = taken = 0
    for session in started:
        moment = session.start_dt + timedelta(minutes=10)
        for booking in bookings.waitlist(session):
            followup = followups.follow_up(booking, actor="system", now=moment)
            if followup is None:
                continue
            made += 1
            if not followup.is_open:
                continue
            offered += 1
            answered = moment + timedelta(hours=1)
            _dispatch(followup, min(answered, now))
            if offered % 2 or followup.target_session.start_dt <= now:
                continue
            try:
                followups.take_followup(followup, channel=BookingChannel.PHONE_LINE,
                                        actor=ACTORS[offered // 2 % 2], now=answered)
            except OfferClosedError:
                continue
            taken += 1
    db.session.flush()
    return made, offered, taken
