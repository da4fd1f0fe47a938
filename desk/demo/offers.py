"""The demo's seats freed close to the start (desk.events.offers), built through the
services: a small class later today (or tomorrow morning), full, with a waiting list,
where three seats were freed in the last hours. The first offer was let pass and
expired, so the seat went to the third on the list, whose offer is still open; the
second was taken by an SMS reply "1"; the third was declined by key 2 and is now
offered to the fifth. The coordinators' pages and the public offer page have something
to show, and every state of an offer is in the audit log."""

from datetime import time, timedelta

from sqlalchemy import select

from desk.core.timeutil import local_datetime, to_local
from desk.demo import outbox
from desk.events import offers
from desk.events import services as event_services
from desk.events.models import SessionKind
from desk.events.notices import TOPIC
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.people.models import PhoneKind
from desk.volunteers import services as volunteer_services

ACTOR = "demo"
CAPACITY = 4
WAITING = 5


def _start(now):
    """About six hours ahead, on the hour, in the centres' opening hours (else 10:00 the
    next morning): always inside the 24-hour offer window."""
    start = to_local(now + timedelta(hours=6)).replace(minute=0, second=0, microsecond=0)
    if start.hour < 9:
        return local_datetime(start.date(), time(10))
    if start.hour > 19:
        return local_datetime(start.date() + timedelta(days=1), time(10))
    return start


def _dispatch(booking_ids, moment):
    """The messages about these bookings as the dispatcher left them at `moment`: gone
    out through the log backend once due (after the quiet hours), else still queued."""
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == TOPIC, OutboxMessage.topic_id.in_(booking_ids),
            OutboxMessage.state == MessageState.QUEUED)):
        message.due_dt, gone = outbox.dispatched(message.channel, message.due_dt, moment)
        if gone:
            message.state = MessageState.LOGGED
            message.updated_dt = message.due_dt
    db.session.flush()


def load_offers(*, venue, program, residents, now, closed_day):
    """The class and its offers; None when the day is one the centres are closed
    (`closed_day(day)`). `residents`: Person records to book, in arrival order."""
    start_dt = _start(now)
    if closed_day(to_local(start_dt).date()):
        return None
    session = event_services.create_session({
        "kind": SessionKind.CLASS.value, "venue_id": venue.id, "program_id": program.id,
        "capacity": CAPACITY, "start_dt": start_dt,
        "end_dt": start_dt + timedelta(minutes=90)}, actor=ACTOR, now=now - timedelta(days=9))
    volunteer_services.create_shift(session, {"role": "lead", "places": 1}, actor=ACTOR,
                                    now=now - timedelta(days=9))
    people = [person for person in residents
              if person.has_consent and person.phone_kind == PhoneKind.MOBILE
              and not person.name_to_confirm][:CAPACITY + WAITING]
    booked = []
    for index, person in enumerate(people):
        moment = now - timedelta(days=8) + timedelta(hours=index * 5)
        booking = event_services.book_seat(session, person, channel="web", actor="web",
                                           now=moment).booking
        booked.append(booking)
    seated, waiting = booked[:CAPACITY], booked[CAPACITY:]
    ids = [booking.id for booking in booked]
    at = {minutes: now - timedelta(minutes=minutes) for minutes in (180, 170, 150, 60, 30, 20)}
    # three hours ago a seat freed: offered to the first waiting, who let it pass
    _dispatch(ids, at[180])
    event_services.cancel_booking(seated[0], actor="web", now=at[180])
    first = offers.open_offer(waiting[0])
    # ten minutes later another: offered to the second waiting, who replied 1 by SMS
    _dispatch(ids, at[170])
    event_services.cancel_booking(seated[1], actor="web", now=at[170])
    _dispatch(ids, at[150])
    offers.take_offer(offers.open_offer(waiting[1]), actor="sms reply", now=at[150])
    # the first offer's deadline passed an hour ago: the third waiting has it now
    _dispatch(ids, at[60])
    offers.expire_offer(first, actor="system", now=at[60])
    # half an hour ago a third seat: the fourth waiting pressed 2 in the call ("I cannot
    # come"), so the fifth has it now
    _dispatch(ids, at[30])
    event_services.cancel_booking(seated[2], actor="web", now=at[30])
    _dispatch(ids, at[20])
    offers.decline_offer(offers.open_offer(waiting[3]), actor="voice call", now=at[20])
    _dispatch(ids, now)
    db.session.flush()
    return session
