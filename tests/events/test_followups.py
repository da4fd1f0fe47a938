"""The waiting list followed up (desk.events.followups), on SQLite and PostgreSQL.

NOW is Monday 2026-11-23 10:00 JST. The class `waited` (capacity 1) starts that day at
15:00 JST with one booked and two on its waiting list; AFTER is 16:00, an hour after
its start. The next classes are on 2026-12-03.
"""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.events import bookings, followups, messages, offers, replies, services
from desk.events.models import BookingStatus, FollowUpState, WaitlistFollowUp
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import tasks
from desk.notify.kinds import Menu, Repeat, Say
from desk.notify.models import MessageChannel, MessageState, OutboxMessage, ReplyAction
from desk.notify.segments import count_segments
from desk.reports import demand
from tests.fixtures.factories import NOW

START = NOW + timedelta(hours=5)
AFTER = NOW + timedelta(hours=6)


def book(session, person, *, now=NOW - timedelta(days=2), seats=1):
    return services.book_seat(session, person, seats=seats, channel="web", actor="test",
                              now=now).booking


@pytest.fixture
def district(create_district):
    return create_district(name="湘南台地区", name_kana="ショウナンダイチク")


@pytest.fixture
def venue(create_venue, district):
    return create_venue(district_id=district.id)


@pytest.fixture
def program(create_program):
    return create_program(level="beginner")


@pytest.fixture
def waited(ctx, create_session, venue, program):
    return create_session(day=date(2026, 11, 23), start=time(15), end=time(16, 30), capacity=1,
                          venue_id=venue.id, program_id=program.id)


@pytest.fixture
def queue(waited, create_person):
    booked = book(waited, create_person(), now=NOW - timedelta(days=3))
    assert booked.status == BookingStatus.BOOKED
    waiting = [book(waited, create_person(), now=NOW - timedelta(days=2, minutes=10 - i))
               for i in range(2)]
    assert all(b.status == BookingStatus.WAITLISTED for b in waiting)
    db.session.commit()
    return waiting


def followups_of(session):
    db.session.expire_all()
    return db.session.scalars(select(WaitlistFollowUp).where(
        WaitlistFollowUp.session_id == session.id).order_by(WaitlistFollowUp.id)).all()


def followup_messages(booking):
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.template == BookingTemplate.FOLLOWUP_OFFERED,
        OutboxMessage.state == MessageState.QUEUED)).all()


def sms_of(booking):
    [message] = [m for m in followup_messages(booking) if m.channel == MessageChannel.SMS]
    return message


# -- who is followed up, with which class ------------------------------------------------------

def test_only_after_the_start_and_only_the_waiting(waited, queue, create_session, venue,
                                                   program):
    target = create_session(venue_id=venue.id, program_id=program.id, capacity=5)
    assert followups.run_followups(now=START - timedelta(minutes=1)) == []
    made = followups.run_followups(now=AFTER)
    rows = followups_of(waited)
    assert [row.id for row in rows] == made
    assert [(row.booking_id, row.target_session_id, row.state) for row in rows] == [
        (queue[0].id, target.id, FollowUpState.OPEN), (queue[1].id, target.id, FollowUpState.OPEN)]
    for booking in queue:
        [message] = [m for m in followup_messages(booking) if m.channel == MessageChannel.SMS]
        assert message.not_after == target.start_dt
    # the seat is not held: the target still has all its seats free for anyone
    from desk.events import availability
    assert availability.places_free(target) == 5


def test_the_job_is_idempotent(waited, queue, create_session, venue, program):
    create_session(venue_id=venue.id, program_id=program.id)
    assert len(followups.run_followups(now=AFTER)) == 2
    assert followups.run_followups(now=AFTER) == []
    assert followups.run_followups(now=AFTER + timedelta(hours=1)) == []
    assert len(followups_of(waited)) == 2
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.template == BookingTemplate.FOLLOWUP_OFFERED)) == 2


def test_a_held_class_is_followed_up_and_closing_its_roster_keeps_the_offer(
        waited, queue, create_session, venue, program):
    create_session(venue_id=venue.id, program_id=program.id)
    bookings.close_attendance(waited, actor="test", now=AFTER)
    db.session.commit()
    assert len(followups.run_followups(now=AFTER)) == 2
    assert len(followup_messages(queue[0])) >= 1


def test_closing_the_roster_after_the_followup_keeps_its_message(waited, queue,
                                                                 create_session, venue,
                                                                 program):
    create_session(venue_id=venue.id, program_id=program.id)
    followups.run_followups(now=AFTER)
    bookings.close_attendance(waited, actor="test", now=AFTER + timedelta(minutes=30))
    assert len(followup_messages(queue[0])) >= 1


def test_sessions_started_long_ago_are_not_followed_up(app, waited, queue, create_session,
                                                       venue, program, monkeypatch):
    create_session(venue_id=venue.id, program_id=program.id)
    monkeypatch.setitem(app.config, "DESK_FOLLOWUP_HOURS", 24)
    assert followups.run_followups(now=START + timedelta(hours=25)) == []


def test_the_dispatchers_periodic_jobs_run_it(waited, queue, create_session, venue, program):
    create_session(venue_id=venue.id, program_id=program.id)
    results = tasks.run_periodic(now=AFTER)
    assert len(results["waitlist_followups"]) == 2


def test_same_program_first_then_same_level_near(waited, queue, create_session, create_venue,
                                                 create_program, create_district, venue,
                                                 program, district):
    other_program = create_program(level="beginner")
    near = create_session(day=date(2026, 11, 25), venue_id=venue.id,
                          program_id=other_program.id)
    same = create_session(day=date(2026, 12, 10), program_id=program.id,
                          venue_id=create_venue(district_id=create_district().id).id)
    followups.run_followups(now=AFTER)
    assert {row.target_session_id for row in followups_of(waited)} == {same.id}
    assert near.id != same.id


def test_level_fallback_near_only(waited, queue, create_session, create_venue, create_program,
                                  create_district, district):
    beginner, advanced = create_program(level="beginner"), create_program(level="advanced")
    far = create_venue(district_id=create_district().id)
    near = create_venue(district_id=district.id)
    create_session(day=date(2026, 11, 24), venue_id=far.id, program_id=beginner.id)
    create_session(day=date(2026, 11, 24), venue_id=near.id, program_id=advanced.id)
    chosen = create_session(day=date(2026, 11, 26), venue_id=near.id, program_id=beginner.id)
    followups.run_followups(now=AFTER)
    assert {row.target_session_id for row in followups_of(waited)} == {chosen.id}


def test_a_class_beyond_the_horizon_is_not_offered(waited, queue, create_session, venue,
                                                   program):
    create_session(day=date(2027, 2, 1), venue_id=venue.id, program_id=program.id)
    followups.run_followups(now=AFTER)
    assert {row.state for row in followups_of(waited)} == {FollowUpState.NONE}


def test_a_full_class_is_skipped_for_the_next(waited, queue, create_session, create_person,
                                              venue, program):
    full = create_session(day=date(2026, 11, 30), venue_id=venue.id, program_id=program.id,
                          capacity=1)
    book(full, create_person())
    free = create_session(venue_id=venue.id, program_id=program.id)
    followups.run_followups(now=AFTER)
    assert {row.target_session_id for row in followups_of(waited)} == {free.id}


def test_nothing_matches_nothing_is_sent(waited, queue):
    followups.run_followups(now=AFTER)
    rows = followups_of(waited)
    assert [(row.target_session_id, row.state) for row in rows] == [
        (None, FollowUpState.NONE), (None, FollowUpState.NONE)]
    assert followup_messages(queue[0]) == []
    assert followups.run_followups(now=AFTER) == []


# -- taking it ----------------------------------------------------------------------------------

@pytest.fixture
def offered(waited, queue, create_session, venue, program):
    target = create_session(venue_id=venue.id, program_id=program.id, capacity=1)
    followups.run_followups(now=AFTER)
    return target, followups_of(waited)


def test_taking_moves_the_booking_into_a_seat(offered, queue):
    target, (first, second) = offered
    booking = followups.take_followup(first, channel="web", actor="test", now=AFTER)
    assert booking.id == queue[0].id and booking.session_id == target.id
    assert booking.status == BookingStatus.BOOKED and first.state == FollowUpState.TAKEN
    assert first.session_id != target.id  # the session waited for is kept
    assert followups.take_followup(first, channel="web", actor="test", now=AFTER) is booking
    # the last seat is gone: the second is refused, nothing changes
    with pytest.raises(offers.OfferClosedError, match="0466"):
        followups.take_followup(second, channel="web", actor="test", now=AFTER)
    db.session.refresh(queue[1])
    assert queue[1].status == BookingStatus.WAITLISTED and second.state == FollowUpState.OPEN
    assert followup_messages(queue[0]) == []  # its offer message is no longer wanted


def test_taking_after_the_class_started_or_declined_is_refused(offered, queue):
    target, (first, second) = offered
    with pytest.raises(offers.OfferClosedError):
        followups.take_followup(first, channel="web", actor="test",
                                now=target.start_dt + timedelta(minutes=1))
    followups.decline_followup(second, actor="test", now=AFTER)
    assert second.state == FollowUpState.DECLINED and followup_messages(queue[1]) == []
    with pytest.raises(offers.OfferClosedError):
        followups.take_followup(second, channel="web", actor="test", now=AFTER)
    db.session.refresh(queue[0])
    assert queue[0].status == BookingStatus.WAITLISTED


def test_a_cancelled_class_offered_drops_its_messages_and_is_refused(offered, queue):
    target, (first, _second) = offered
    services.cancel_session(target, "講師の体調不良のため", actor="test", now=AFTER)
    assert followup_messages(queue[0]) == []
    assert not followups.is_takeable(first, now=AFTER)
    with pytest.raises(offers.OfferClosedError):
        followups.take_followup(first, channel="web", actor="test", now=AFTER)


def test_sms_reply_1_books_the_class(app, offered, queue):
    target, _rows = offered
    message = sms_of(queue[0])
    with app.test_request_context():
        body = messages.render(message, now=AFTER)
        assert count_segments(body.sms_body).segments == 1
        action, text = replies.answer_sms(message, "何", address=message.address,
                                          previous=None, now=AFTER)
        assert action == ReplyAction.HELP
        action, text = replies.answer_sms(message, "1", address=message.address,
                                          previous=None, now=AFTER)
    assert action == ReplyAction.CONFIRMED and queue[0].display_code in text
    assert queue[0].session_id == target.id and queue[0].status == BookingStatus.BOOKED
    # the reply said it all: the move's SMS to the same number is dropped
    moved = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic_id == queue[0].id, OutboxMessage.channel == MessageChannel.SMS,
        OutboxMessage.template == BookingTemplate.BOOKING_MOVED,
        OutboxMessage.state == MessageState.QUEUED)).all()
    assert moved == []


def test_call_key_1_books_the_class(app, offered, queue):
    target, _rows = offered
    message = sms_of(queue[0])
    with app.test_request_context():
        assert replies.offers_keys(message, now=AFTER)
        assert "1" in replies.menu_text(message)
        assert replies.press_key(message, "gather", "9", now=AFTER) == Repeat()
        assert replies.press_key(message, "gather", "5", now=AFTER) == Menu()
        assert isinstance(replies.press_key(message, "gather", "1", now=AFTER), Say)
        assert not replies.offers_keys(message, now=AFTER)
    assert queue[0].session_id == target.id


def test_the_page_books_with_one_button(app, client, offered, queue, monkeypatch):
    target, _rows = offered
    db.session.commit()
    monkeypatch.setattr("desk.events.booking_views.utcnow", lambda: AFTER)
    booking_page = client.get(f"/bookings/{queue[0].token}").get_data(as_text=True)
    assert f"/bookings/{queue[0].token}/followup" in booking_page
    page = client.get(f"/bookings/{queue[0].token}/followup")
    assert page.status_code == 200 and target.display_title in page.get_data(as_text=True)
    answer = client.post(f"/bookings/{queue[0].token}/followup", data={"take": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert queue[0].session_id == target.id
    refused = client.post(f"/bookings/{queue[1].token}/followup", data={"take": "1"})
    assert refused.status_code == 409
    assert "0466" in refused.get_data(as_text=True)


def test_the_page_is_404_without_a_followup(client, queue):
    db.session.commit()
    assert client.get(f"/bookings/{queue[0].token}/followup").status_code == 404


# -- the figures and personal data ---------------------------------------------------------------

def test_unmet_demand_per_program_and_venue(offered, queue, waited):
    target, (first, _second) = offered
    followups.take_followup(first, channel="web", actor="test", now=AFTER)
    [row] = demand.unmet_demand(date(2026, 11, 1), date(2026, 11, 30))
    assert (row.program.id, row.venue.id) == (waited.program_id, waited.venue_id)
    assert (row.waiting, row.offered, row.taken) == (2, 2, 1)
    assert demand.unmet_demand(date(2026, 12, 1), date(2026, 12, 31)) == []


def test_the_demand_page_shows_the_figures(client, login, create_user, offered, waited):
    db.session.commit()
    login(client, create_user(Role.COORDINATOR))
    page = client.get("/staff/reports/demand?period=month&month=2026-11")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and waited.program.display_title in text
    assert '<td class="num">2</td>' in text
    assert client.get("/staff/reports/demand").status_code == 200  # this fiscal year
    bad = client.get("/staff/reports/demand?period=month&month=2026-13")
    assert bad.status_code == 200 and "<tfoot>" not in bad.get_data(as_text=True)


def test_a_disclosure_lists_the_followups(offered, queue):
    from desk.people import disclosure
    _target, (first, _second) = offered
    found = disclosure.disclosure_for(queue[0].person, actor="test", now=AFTER,
                                      municipality="藤沢市")
    assert found.ids("waitlist_followups") == [first.id]
