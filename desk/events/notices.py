"""Planning a booking's messages as outbox rows, in the transaction that makes them
necessary (desk.events.bookings calls these).

Each message goes to the person and their consenting proxy contacts on their own
channels (desk.notify.planning), is about the booking (topic "booking", the booking's
id) and must not go out once the session has started: its `not_after` is the session's
start, moved with the session (`retime_session`). Nothing is planned that would be due
by then. What the messages say: desk.events.messages.
"""

import enum
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from desk.core.timeutil import local_datetime, to_local
from desk.events.models import Booking, BookingStatus, SessionMessage
from desk.notify import planning
from desk.notify.models import OutboxMessage

TOPIC = "booking"
# a coordinator's note to the people of a session (desk.events.session_messages): its
# rows are about the note, one per person, and follow their booking and the session
NOTE_TOPIC = "session_message"


class BookingTemplate(enum.StrEnum):
    BOOKING_CONFIRMED = "booking_confirmed"
    WAITLIST_CONFIRMED = "waitlist_confirmed"
    WAITLIST_PROMOTED = "waitlist_promoted"
    MOVED_TO_WAITLIST = "moved_to_waitlist"
    REMINDER = "reminder"
    BOOKING_CANCELLED = "booking_cancelled"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_CHANGED = "session_changed"
    BOOKING_MOVED = "booking_moved"
    SEAT_OFFERED = "seat_offered"  # desk.events.offers: reply 1 / press 1 to take the seat
    # desk.events.followups: the next matching class for a party still waiting at the start
    FOLLOWUP_OFFERED = "followup_offered"


# the messages about the booking's own session (a follow-up offers another class)
OWN_SESSION_TEMPLATES = tuple(template for template in BookingTemplate
                              if template != BookingTemplate.FOLLOWUP_OFFERED)

# what may still be sent about a cancelled booking
CANCELLATION_TEMPLATES = (BookingTemplate.BOOKING_CANCELLED, BookingTemplate.SESSION_CANCELLED)


def message_values(template, *, session, person, booking_id, due, now):
    """The outbox rows, as column values, that `plan` adds (the demo data writes them
    in bulk). Nothing for a session that will have started by `due`."""
    return planning.person_message_values(template, person=person, topic=TOPIC,
                                          topic_id=booking_id, due=due, now=now,
                                          not_after=session.start_dt)


def plan(template, booking, *, due, now, reminders=False):
    """Queue `template` about `booking` for the person and their consenting proxies;
    with `reminders`, the reminders still ahead too (booked after a reminder's time, the
    message planned now stands in for it). All in one INSERT, written at once
    (desk.notify.planning.queue). Returns how many rows."""
    session = booking.session
    rows = message_values(template, session=session, person=booking.person,
                          booking_id=booking.id, due=due, now=now)
    if reminders:
        for reminder in reminder_times(session):
            if reminder > now:
                rows += message_values(BookingTemplate.REMINDER, session=session,
                                       person=booking.person, booking_id=booking.id,
                                       due=reminder, now=now)
    return planning.queue(rows)


def reminder_due(session):
    """The day before the session, at DESK_REMINDER_TIME in Japan time."""
    day_before = to_local(session.start_dt).date() - timedelta(days=1)
    return local_datetime(day_before, current_app.config["DESK_REMINDER_TIME"])


def reminder_times(session):
    """When a session's reminders are due: the day before at DESK_REMINDER_TIME and,
    where the program asks for it, on the morning of the session too."""
    times = [reminder_due(session)]
    program = session.program
    if program is not None and program.morning_reminder_time is not None:
        morning = local_datetime(to_local(session.start_dt).date(),
                                 program.morning_reminder_time)
        if morning < session.start_dt:
            times.append(morning)
    return times


def _notes_of(session_id):
    return select(SessionMessage.id).where(SessionMessage.session_id == session_id)


def cancel_pending(booking, *, now, templates=None, channel=None, address=None):
    """Cancel the queued messages of a booking (all, or those of `templates`, or those
    to one address on one channel). All of a cancelled booking's: the coordinators'
    notes still waiting for its person (and their proxy contacts) go as well."""
    count = planning.cancel_queued(TOPIC, [booking.id], now=now, templates=templates,
                                   channel=channel, address=address)
    if (booking.status == BookingStatus.CANCELLED
            and (templates, channel, address) == (None, None, None)):
        count += planning.cancel_where(
            OutboxMessage.topic == NOTE_TOPIC,
            OutboxMessage.topic_id.in_(_notes_of(booking.session_id)),
            OutboxMessage.person_id == booking.person_id, now=now)
    return count


def retime_session(session, *, now):
    """The session moved: the queued messages of its bookings, and of the coordinators'
    notes to its people, must not go out after its new start."""
    return (planning.retime(TOPIC, select(Booking.id).where(Booking.session_id == session.id),
                            not_after=session.start_dt, now=now)
            + planning.retime(NOTE_TOPIC, _notes_of(session.id), not_after=session.start_dt,
                              now=now))
