"""The one availability rule (desk.events.availability): which bookings hold seats,
how many places a new booking may take, and that the answer for many sessions at once
is the answer for each one alone."""

from datetime import date, time, timedelta

from desk.events import availability, services
from desk.events.models import BookingStatus
from desk.extensions import db
from tests.fixtures.factories import NOW

EARLY = NOW - timedelta(hours=3)  # 07:00 JST on the day of the sessions held "today"
TODAY = date(2026, 11, 23)


def _book(session, person, seats=1):
    return services.book_seat(session, person, seats=seats, channel="phone_desk", actor="test",
                              now=EARLY).booking


def _single(session):
    return (availability.seats_taken(session), availability.seats_free(session),
            availability.places_free(session))


def _batch(session):
    counted = availability.of_sessions([session])[session.id]
    return counted.taken, counted.seats_free, counted.free


def test_booked_seats_count_until_a_no_show_frees_them(ctx, create_session, create_person):
    session = create_session(day=TODAY, start=time(9), end=time(10, 30), capacity=5)
    pair = _book(session, create_person(), seats=2)
    single = _book(session, create_person())
    waiting = _book(session, create_person(), seats=3)
    cancelled = _book(session, create_person())
    services.cancel_booking(cancelled, actor="test", now=EARLY)
    db.session.commit()
    assert waiting.status == BookingStatus.WAITLISTED
    assert _single(session) == _batch(session) == (3, 2, 2)
    assert availability.of_sessions([session])[session.id].waiting == 1
    services.set_attendance(pair, "no_show", actor="test", now=NOW)
    services.set_attendance(single, "attended", actor="test", now=NOW)
    db.session.commit()
    assert _single(session) == _batch(session) == (1, 4, 4)
    assert availability.seats_taken_by([session.id]) == {session.id: 1}


def test_a_reserved_slot_stays_taken_by_a_no_show(ctx, create_session, create_person):
    session = create_session(kind="consultation", day=TODAY, start=time(9), end=time(11),
                             capacity=4, slot_minutes=30)
    first = _book(session, create_person())
    _book(session, create_person())
    db.session.commit()
    assert _single(session) == _batch(session) == (2, 2, 2)
    services.set_attendance(first, "no_show", actor="test", now=NOW)
    db.session.commit()
    # the seat is free again, its slot (whose time has passed) is not
    assert _single(session) == _batch(session) == (1, 3, 2)
    assert availability.of_sessions([session])[session.id].slots_free == 2


def test_many_sessions_are_answered_as_each_alone(ctx, create_session, create_person):
    empty = create_session(capacity=4)
    full = create_session(capacity=2)
    slotted = create_session(kind="consultation", capacity=3, slot_minutes=30,
                             start=time(10), end=time(11, 30))
    for _number in range(3):
        _book(full, create_person())
    _book(slotted, create_person())
    db.session.commit()
    counted = availability.of_sessions([empty, full, slotted])
    for session in (empty, full, slotted):
        assert _single(session) == (counted[session.id].taken, counted[session.id].seats_free,
                                    counted[session.id].free)
    assert (counted[empty.id].free, counted[full.id].free, counted[slotted.id].free) == (4, 0, 2)
    assert counted[full.id].waiting == 1 and counted[empty.id].slots_free is None
    assert availability.seats_taken_by([empty.id, full.id]) == {full.id: 2}
    assert availability.of_sessions([]) == {} and availability.seats_taken_by([]) == {}
