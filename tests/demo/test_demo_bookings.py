"""The demo's residents, bookings and attendance look real and obey the booking rules
(both databases). desk.demo.bookings writes them in bulk, so these checks, and DESIGN.md's
invariants over the whole demo (the last test, which also covers what desk.demo.volunteers
and desk.demo.consults write in bulk), are what keeps it honest: what it wrote must be
what the services could have written.

The demo is loaded once per database (tests/demo/conftest.py); the tests only read it.
"""

from collections import Counter
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from desk.auth.models import Role, User
from desk.consults.models import Ticket, Visit
from desk.core.audit import AuditEntry
from desk.core.kana import is_kana, kana_key
from desk.core.phone import PhoneKind
from desk.events import availability
from desk.events import bookings as booking_rules
from desk.events import notices as booking_notices
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    EventSession,
    SessionKind,
    SessionStatus,
    WaitlistFollowUp,
)
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import planning, quiet
from desk.notify.models import MessageState, OutboxMessage
from desk.people.models import AgeBand, Person, ProxyContact, ProxyRelation
from desk.volunteers import places
from desk.volunteers.models import AssignmentStatus, Shift, ShiftAssignment, ShiftStatus
from tests.demo.conftest import NOW


@pytest.fixture
def demo(demo_app):
    with demo_app.app_context():
        yield (db.session.scalars(select(EventSession)).all(),
               db.session.scalars(select(Booking)).all())


def test_demo_residents_look_like_the_citys_seniors(demo):
    people = db.session.scalars(select(Person)).all()
    assert 300 <= len(people) <= 500
    # but the phone line's new callers, whose name and reading staff are to confirm
    assert all(is_kana(person.name_kana) and person.kana_key == kana_key(person.name_kana)
               for person in people if not person.name_to_confirm)
    kinds = Counter(person.phone_kind for person in people)
    assert kinds[PhoneKind.MOBILE] > 0.5 * len(people)
    assert kinds[PhoneKind.LANDLINE] > 0.15 * len(people)
    assert all(person.phone.startswith(("+8190", "+8180", "+8170", "+81466"))
               for person in people)
    bands = Counter(person.age_band for person in people)
    assert set(AgeBand) <= set(bands)
    assert bands[AgeBand.SEVENTIES] + bands[AgeBand.EIGHTIES] > 0.55 * len(people)
    assert sum(person.district_id is not None for person in people) > 0.9 * len(people)
    assert sum(person.language == "en" for person in people) == 3
    consenting = [person for person in people if person.has_consent]
    assert len(consenting) > 0.85 * len(people)
    assert all(person.consent_dt and person.consent_method for person in consenting)
    assert any(person.email for person in people)

    # staff have something to review: flagged records, and likely duplicates (the same
    # phone under another reading, flagged by the public booking path)
    flagged = [person for person in people if person.needs_review]
    assert len(flagged) >= 5 and all(person.review_note for person in flagged)
    by_phone = Counter(person.phone for person in people)
    twins = [person for person in people if by_phone[person.phone] > 1]
    assert len(twins) >= 6
    assert all(len({person.kana_key for person in twins if person.phone == phone}) > 1
               for phone in {person.phone for person in twins})

    proxies = db.session.scalars(select(ProxyContact)).all()
    assert len(proxies) >= 20
    assert {proxy.relation for proxy in proxies} == {ProxyRelation.FAMILY,
                                                    ProxyRelation.CARE_MANAGER}
    assert any(proxy.wants_copies for proxy in proxies)
    assert all(proxy.consent_dt for proxy in proxies if proxy.wants_copies)


def test_demo_bookings_obey_the_booking_rules(demo):
    sessions, bookings = demo
    assert len(bookings) > 3000
    codes = [booking.code for booking in bookings]
    assert len(set(codes)) == len(codes) and all(len(code) == 8 and code.isdigit()
                                                 for code in codes)
    active = Counter((booking.session_id, booking.person_id) for booking in bookings
                     if booking.is_active)
    assert max(active.values()) == 1

    by_session = {}
    for booking in bookings:
        by_session.setdefault(booking.session_id, []).append(booking)
    for session in sessions:
        mine = by_session.get(session.id, [])
        if not session.takes_bookings:
            assert not mine
            continue
        assert availability.seats_taken(session) <= session.capacity
        for booking in mine:
            assert booking.queue_dt <= NOW
            if not booking.is_walk_in:
                assert booking.queue_dt < session.start_dt
            if booking.booked_dt:
                assert booking.booked_dt >= booking.queue_dt
        if session.status == SessionStatus.SCHEDULED:
            free = availability.seats_free(session)
            # no seat left empty that a waiting party fits
            assert all(booking.seats > free for booking in booking_rules.waitlist(session))
            assert all(booking.attendance is None for booking in mine)
        if session.status == SessionStatus.CANCELLED:  # those still active were told
            assert all(booking.status == BookingStatus.CANCELLED for booking in mine)
            assert not mine or any(booking.cancel_reason == CancelReason.SESSION_CANCELLED
                                   for booking in mine)

    channels = Counter(booking.channel for booking in bookings)
    assert {BookingChannel.PHONE_DESK, BookingChannel.WEB, BookingChannel.KIOSK,
            BookingChannel.WALK_IN} <= set(channels)
    coordinators = set(db.session.scalars(select(User.id).where(User.role == Role.COORDINATOR)))
    assert all(booking.actor_id in coordinators for booking in bookings
               if booking.channel in (BookingChannel.PHONE_DESK, BookingChannel.WALK_IN))
    assert all(booking.actor_id is None for booking in bookings
               if booking.channel in (BookingChannel.WEB, BookingChannel.KIOSK))
    by_proxy = [booking for booking in bookings if booking.proxy_id]
    assert by_proxy and all(booking.proxy.person_id == booking.person_id
                            for booking in by_proxy)
    assert Counter(booking.seats for booking in bookings)[2] > 0
    reasons = Counter(booking.cancel_reason for booking in bookings)
    assert reasons[CancelReason.PERSON] > 0 and reasons[CancelReason.STAFF] > 0


def test_demo_classes_ahead_are_booked_and_some_have_waiting_lists(demo):
    sessions, bookings = demo
    soon = [session for session in sessions if session.takes_bookings
            and session.status == SessionStatus.SCHEDULED
            and NOW < session.start_dt <= NOW + timedelta(days=30)]
    assert soon
    booked = {booking.session_id for booking in bookings if booking.is_active}
    assert sum(session.id in booked for session in soon) >= 0.8 * len(soon)
    full = [session for session in soon if availability.seats_free(session) == 0]
    assert len(full) >= 3
    assert any(booking_rules.waitlist(session) for session in soon)
    far = [session for session in sessions if session.takes_bookings
           and session.start_dt > NOW + timedelta(days=75)]
    assert far and not any(session.id in booked for session in far)


def test_demo_classes_held_have_their_attendance_taken(demo):
    sessions, bookings = demo
    held = [session for session in sessions
            if session.takes_bookings and session.status == SessionStatus.COMPLETED]
    assert len(held) > 200
    assert all(session.attendance_closed_dt and session.attendance_closed_dt > session.end_dt
               for session in held)
    held_ids = {session.id for session in held}
    marked = [booking for booking in bookings if booking.session_id in held_ids
              and booking.status == BookingStatus.BOOKED]
    assert all(booking.attendance is not None for booking in marked)
    assert all(booking.attendance is None for booking in bookings
               if booking.status != BookingStatus.BOOKED)
    no_shows = sum(booking.attendance == Attendance.NO_SHOW for booking in marked)
    assert 0.05 < no_shows / len(marked) < 0.15
    walk_ins = [booking for booking in marked if booking.is_walk_in]
    assert walk_ins and all(booking.attendance == Attendance.ATTENDED
                            and booking.channel == BookingChannel.WALK_IN for booking in walk_ins)
    attended = {booking.session_id for booking in marked
                if booking.attendance == Attendance.ATTENDED}
    assert len(attended) >= 0.9 * len(held)
    events = [session for session in sessions if session.kind == SessionKind.AWARENESS_EVENT
              and session.status == SessionStatus.COMPLETED]
    assert events and all(session.anonymous_headcount > 0 for session in events)


def test_demo_bookings_have_their_audit_entries_and_messages(demo):
    sessions, bookings = demo
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "bookings")).all()
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry.action, []).append(entry)
    created = {entry.object_id: entry for entry in by_action["booking.create"]}
    assert set(created) == {booking.id for booking in bookings}
    for booking in bookings:
        entry = created[booking.id]
        assert entry.created_dt == booking.created_dt
        assert entry.after["code"] == booking.code and entry.before is None
    cancelled = [b for b in bookings if b.status == BookingStatus.CANCELLED
                 and b.cancel_reason != CancelReason.SESSION_CANCELLED]
    assert {entry.object_id for entry in by_action["booking.cancel"]} >= {
        booking.id for booking in cancelled}
    assert by_action["booking.promote"]
    assert all(entry.before["status"] == "waitlisted" and entry.after["status"] == "booked"
               for entry in by_action["booking.promote"])
    assert len(by_action["booking.attendance"]) == sum(
        booking.attendance is not None and not booking.is_walk_in for booking in bookings)

    messages = db.session.scalars(select(OutboxMessage)).all()
    states = Counter(message.state for message in messages)
    assert states[MessageState.LOGGED] > 1000 and states[MessageState.QUEUED] > 0
    assert not any(message.state == MessageState.QUEUED and message.due_dt < NOW
                   for message in messages)
    walk_in_ids = {booking.id for booking in bookings if booking.is_walk_in}
    assert not any(message.topic == "booking" and message.topic_id in walk_in_ids
                   for message in messages)
    reminders = {message.topic_id for message in messages
                 if message.template == BookingTemplate.REMINDER
                 and message.state == MessageState.QUEUED}
    for booking in bookings:
        due = booking_notices.reminder_due(booking.session)
        if (booking.status == BookingStatus.BOOKED and due > NOW and booking.booked_dt < due
                and planning.person_channels(booking.person)):
            assert booking.id in reminders
    # the same count from the database: every message is about a booking it knows (or,
    # for a volunteer, a shift: tests/demo/test_demo_volunteers.py; for a visitor at a
    # consultation desk, a ticket: tests/demo/test_demo_consults.py; a coordinator's note
    # to the people of a session, the note: tests/events/test_session_messages.py; the
    # digest of new classes, its delivery: tests/events/test_news.py; for the contact
    # person of an outreach request, the request: tests/events/test_outreach.py)
    orphans = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.topic_id.is_(None)))
    assert orphans == 0
    assert set(db.session.scalars(select(OutboxMessage.topic).distinct())) <= {
        "booking", "shift", "ticket", "session_message", "news", "outreach"}


def test_demo_data_keeps_the_invariants_of_design_md(demo):
    """DESIGN.md's invariants over the whole demo, read back from the database: what
    the services wrote and what desk.demo.volunteers and desk.demo.consults wrote in
    bulk alike."""
    sessions, bookings = demo
    by_id = {session.id: session for session in sessions}

    # no session over its capacity; one active booking per person and session
    held = Counter()
    for booking in bookings:
        if booking.status == BookingStatus.BOOKED and booking.attendance != Attendance.NO_SHOW:
            held[booking.session_id] += booking.seats
    assert all(seats <= (by_id[session_id].capacity or 0)
               for session_id, seats in held.items())
    active = Counter((booking.session_id, booking.person_id) for booking in bookings
                     if booking.is_active)
    assert set(active.values()) == {1}

    # the waiting list moves in arrival order: when a booking was promoted, nobody who
    # had queued before it, fitted the seats it took and was still waiting was passed over
    # (a seat offered close to the start goes to whoever takes their offer first: the
    # offers go out in arrival order, tests/events/test_offers.py)
    promotions = db.session.execute(
        select(AuditEntry.object_id, AuditEntry.created_dt)
        .where(AuditEntry.object_type == "bookings", AuditEntry.action == "booking.promote",
               AuditEntry.note.is_distinct_from("seat offer taken"))
    ).all()
    assert promotions
    by_booking = {booking.id: booking for booking in bookings}
    queues = {}
    for booking in bookings:
        queues.setdefault(booking.session_id, []).append(booking)

    def waiting_at(booking, moment):
        return (booking.queue_dt <= moment and not booking.is_walk_in
                and (booking.booked_dt is None or booking.booked_dt > moment)
                and (booking.cancelled_dt is None or booking.cancelled_dt > moment)
                and booking.created_dt < moment)

    for booking_id, moment in promotions:
        promoted = by_booking[booking_id]
        passed_over = [other for other in queues[promoted.session_id]
                       if other.id != promoted.id and waiting_at(other, moment)
                       and (other.queue_dt, other.id) < (promoted.queue_dt, promoted.id)
                       and other.seats <= promoted.seats]
        assert not passed_over, (promoted.id, [other.id for other in passed_over])

    # no shift over its places; nobody active on a cancelled shift or session
    shifts = db.session.scalars(select(Shift)).all()
    assignments = db.session.scalars(select(ShiftAssignment)).all()
    holding = Counter(assignment.shift_id for assignment in assignments
                      if assignment.status == AssignmentStatus.ACTIVE
                      and not assignment.is_no_show)
    shift_by_id = {shift.id: shift for shift in shifts}
    assert all(count <= shift_by_id[shift_id].places for shift_id, count in holding.items())
    assert all(places.of_shifts([shift])[shift.id].taken == holding[shift.id]
               for shift in shifts[:200])
    for assignment in assignments:
        if assignment.status != AssignmentStatus.ACTIVE:
            continue
        shift = shift_by_id[assignment.shift_id]
        assert shift.status == ShiftStatus.ACTIVE
        assert by_id[shift.session_id].status != SessionStatus.CANCELLED

    # ticket numbers: 1, 2, 3 ... once each per consultation session
    numbers = {}
    for session_id, number in db.session.execute(select(Ticket.session_id, Ticket.number)):
        numbers.setdefault(session_id, []).append(number)
    assert numbers
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in numbers.values())

    # nothing sent after its session started; nothing due before now still waiting (what
    # the demo plans at `now`, such as the notices of a session cancelled now, is due now)
    messages = db.session.scalars(select(OutboxMessage)).all()
    quiet_hours = current_app.config["DESK_QUIET_HOURS"]
    assert not [message.id for message in messages
                if message.sent_dt is not None and message.not_after is not None
                and message.sent_dt >= message.not_after]
    assert not [message.id for message in messages
                if message.state == MessageState.QUEUED and message.due_dt < NOW]
    # SMS and calls wait out the quiet hours: none went out inside them
    assert not [message.id for message in messages
                if message.state in (MessageState.LOGGED, MessageState.SENT)
                and quiet.needs_quiet(message.channel)
                and quiet.quiet_until(message.sent_dt or message.updated_dt, quiet_hours)]

    # every change to bookings, attendance, consult logs and shifts is in the audit log
    logged = {(object_type, object_id) for object_type, object_id in db.session.execute(
        select(AuditEntry.object_type, AuditEntry.object_id).distinct())}
    assert all(("bookings", booking.id) in logged for booking in bookings)
    assert all((ShiftAssignment.__tablename__, assignment.id) in logged
               for assignment in assignments)
    assert all((Shift.__tablename__, shift.id) in logged for shift in shifts)
    tickets = db.session.scalars(select(Ticket.id)).all()
    assert all((Ticket.__tablename__, ticket_id) in logged for ticket_id in tickets)
    visits = db.session.scalars(select(Visit.id)).all()
    assert visits and all((Visit.__tablename__, visit_id) in logged for visit_id in visits)


def test_demo_has_moved_bookings_with_their_audit_and_one_message(demo_app):
    with demo_app.app_context():
        # (a party that took the class offered after waiting at the start moved too:
        # tests/demo/test_demo_followups.py)
        followed = select(WaitlistFollowUp.booking_id)
        moved = db.session.scalars(select(Booking).where(
            Booking.moved_from_session_id.is_not(None), Booking.id.not_in(followed))
            .order_by(Booking.id)).all()
        assert len(moved) >= 1
        for booking in moved:
            old = booking.moved_from_session
            assert booking.is_active and old.program_id == booking.session.program_id
            assert old.start_dt < booking.session.start_dt
            entry = db.session.scalars(select(AuditEntry).where(
                AuditEntry.action == "booking.move", AuditEntry.object_id == booking.id)).one()
            assert (entry.before["session_id"], entry.after["session_id"]) == (
                old.id, booking.session_id)
            messages = db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
                OutboxMessage.template == BookingTemplate.BOOKING_MOVED,
                OutboxMessage.recipient_kind == "person")).all()
            # one message per channel of the person: the move's, nothing else about it
            assert sorted(message.channel for message in messages) == sorted(
                channel for channel, _address in planning.person_channels(booking.person))
