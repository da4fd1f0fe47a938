"""Broadcast: a coordinator cancels a whole day (or one venue's day) in one action,
everyone booked and their consenting proxies are told, and the progress page counts
the messages by state."""

from datetime import date, time

import pytest

from desk.auth.models import Role
from desk.core.errors import ValidationError
from desk.events import broadcast
from desk.events.models import Booking, BookingStatus, EventSession, SessionStatus
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage, RecipientKind
from desk.people import services as people_services
from tests.events.helpers import last_audit
from tests.fixtures.factories import NOW
from tests.notify.channel_support import booking_for

TYPHOON_DAY = date(2026, 12, 3)
REASON = "台風接近のため"


@pytest.fixture
def typhoon_day(ctx, create_venue, create_session, create_person):
    """Three sessions on the typhoon day (two venues), one the day after, one already
    cancelled; bookings on the first, one of them with a proxy who wants copies."""
    north, south = create_venue(), create_venue()
    morning = create_session(venue_id=north.id, day=TYPHOON_DAY, start=time(10), end=time(11))
    afternoon = create_session(venue_id=north.id, day=TYPHOON_DAY, start=time(14),
                               end=time(15))
    elsewhere = create_session(venue_id=south.id, day=TYPHOON_DAY, start=time(13),
                               end=time(14), capacity=1)
    next_day = create_session(venue_id=north.id, day=date(2026, 12, 4))
    already = create_session(venue_id=south.id, day=TYPHOON_DAY, start=time(16), end=time(17))
    from desk.events import services as event_services

    event_services.cancel_session(already, "会場点検のため", actor="test", now=NOW)
    keiko = create_person(phone="090-1234-0001")
    people_services.add_proxy(keiko, {"name": "佐藤 健", "relation": "family",
                                      "phone": "080-2222-0001", "wants_copies": True},
                              consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    bookings = [booking_for(morning, keiko, NOW),
                booking_for(morning, create_person(phone="0466-25-0002"), NOW),
                booking_for(elsewhere, create_person(phone="090-1234-0003"), NOW),
                booking_for(elsewhere, create_person(phone="090-1234-0004"), NOW),
                booking_for(next_day, create_person(phone="090-1234-0005"), NOW)]
    return {"north": north, "south": south, "morning": morning, "afternoon": afternoon,
            "elsewhere": elsewhere, "next_day": next_day, "already": already,
            "bookings": bookings}


def _told(session):
    return db.session.scalars(db.select(OutboxMessage).join(
        Booking, (OutboxMessage.topic == "booking") & (OutboxMessage.topic_id == Booking.id))
        .where(Booking.session_id == session.id,
               OutboxMessage.template == BookingTemplate.SESSION_CANCELLED)).all()


def test_cancel_day_cancels_every_session_and_tells_everyone(typhoon_day):
    cancelled = broadcast.cancel_day(TYPHOON_DAY, REASON, actor="test", now=NOW)
    db.session.commit()
    day = typhoon_day
    assert {session.id for session in cancelled} == {
        day["morning"].id, day["afternoon"].id, day["elsewhere"].id}
    for name in ("morning", "afternoon", "elsewhere"):
        session = db.session.get(EventSession, day[name].id)
        assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, REASON)
    assert db.session.get(EventSession, day["next_day"].id).status == SessionStatus.SCHEDULED
    assert db.session.get(EventSession, day["already"].id).cancel_reason == "会場点検のため"
    for booking in day["bookings"][:4]:
        db.session.refresh(booking)
        assert booking.status == BookingStatus.CANCELLED
    morning = _told(day["morning"])
    # keiko (SMS) and her son (a copy by SMS), and the landline person (a call)
    assert sorted((message.recipient_kind, message.channel) for message in morning) == sorted([
        (RecipientKind.PERSON, "sms"), (RecipientKind.PROXY, "sms"),
        (RecipientKind.PERSON, "voice")])
    # on the waiting list at the one-seat session: told as well
    assert len(_told(day["elsewhere"])) == 2
    entry = last_audit("session.cancel_day")
    assert entry.after["session_ids"] == [session.id for session in cancelled]


def test_cancel_one_venue(typhoon_day):
    day = typhoon_day
    cancelled = broadcast.cancel_day(TYPHOON_DAY, REASON, venue_id=day["south"].id,
                                     actor="test", now=NOW)
    assert [session.id for session in cancelled] == [day["elsewhere"].id]
    assert db.session.get(EventSession, day["morning"].id).status == SessionStatus.SCHEDULED


def test_sessions_that_started_are_left_alone(typhoon_day):
    from desk.core.timeutil import local_datetime

    during_the_morning = local_datetime(TYPHOON_DAY, time(10, 30))
    cancelled = broadcast.cancel_day(TYPHOON_DAY, REASON, actor="test", now=during_the_morning)
    assert typhoon_day["morning"].id not in {session.id for session in cancelled}


@pytest.mark.parametrize(("day", "venue_id", "reason", "field"), [
    (TYPHOON_DAY, None, "  ", "cancel_reason"),
    ("2026-13-01", None, REASON, "day"),
    (None, None, REASON, "day"),
    (TYPHOON_DAY, 999999, REASON, "venue_id"),
    (date(2026, 12, 24), None, REASON, "day"),  # nothing scheduled
])
def test_bad_input_changes_nothing(typhoon_day, day, venue_id, reason, field):
    with pytest.raises(ValidationError) as raised:
        broadcast.cancel_day(day, reason, venue_id=venue_id, actor="test", now=NOW)
    assert field in raised.value.fields
    db.session.rollback()
    assert db.session.get(EventSession, typhoon_day["morning"].id).status == \
        SessionStatus.SCHEDULED


def test_progress_counts_messages_by_state(typhoon_day):
    broadcast.cancel_day(TYPHOON_DAY, REASON, actor="test", now=NOW)
    messages = _told(typhoon_day["morning"])
    messages[0].state = MessageState.DELIVERED
    messages[1].state = MessageState.FAILED
    db.session.commit()
    result = broadcast.progress(TYPHOON_DAY)
    rows = {row.session.id: row for row in result.rows}
    assert set(rows) == {typhoon_day[name].id
                         for name in ("morning", "afternoon", "elsewhere", "already")}
    morning = rows[typhoon_day["morning"].id]
    assert morning.total == 3
    assert (morning.counts[MessageState.DELIVERED], morning.counts[MessageState.FAILED],
            morning.counts[MessageState.QUEUED]) == (1, 1, 1)
    assert result.total == 5
    assert result.pending == 3
    only_south = broadcast.progress(TYPHOON_DAY, venue_id=typhoon_day["south"].id)
    assert only_south.total == 2


# -- the pages -------------------------------------------------------------------------------

@pytest.fixture
def staff_client(ctx, client, create_user, login):
    login(client, create_user(Role.COORDINATOR))
    return client


def _form(day, venue="", step="preview", previewed=""):
    return {"day": day.isoformat(), "venue_id": venue, "cancel_reason": REASON,
            "step": step, "previewed": previewed}


def test_preview_then_confirm(typhoon_day, staff_client, monkeypatch, ctx):
    from desk.events import broadcast_views

    monkeypatch.setattr(broadcast_views, "utcnow", lambda: NOW)
    page = staff_client.get("/staff/notify/broadcast")
    assert page.status_code == 200
    south = typhoon_day["south"].id
    preview = staff_client.post("/staff/notify/broadcast", data=_form(TYPHOON_DAY, south))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert typhoon_day["elsewhere"].display_title in html
    assert f'name="previewed" type="hidden" value="{typhoon_day["elsewhere"].id}"' in html
    db.session.expire_all()
    assert db.session.get(EventSession, typhoon_day["elsewhere"].id).status == \
        SessionStatus.SCHEDULED

    done = staff_client.post("/staff/notify/broadcast", data=_form(
        TYPHOON_DAY, south, "confirm", str(typhoon_day["elsewhere"].id)))
    assert done.status_code == 302
    assert done.headers["Location"].endswith(
        f"/staff/notify/broadcast/progress?day=2026-12-03&venue={south}")
    db.session.expire_all()
    assert db.session.get(EventSession, typhoon_day["elsewhere"].id).status == \
        SessionStatus.CANCELLED

    progress = staff_client.get(done.headers["Location"])
    assert progress.status_code == 200
    assert typhoon_day["south"].name in progress.get_data(as_text=True)


def test_confirm_after_the_list_changed_cancels_nothing(typhoon_day, staff_client,
                                                        monkeypatch):
    from desk.events import broadcast_views

    monkeypatch.setattr(broadcast_views, "utcnow", lambda: NOW)
    response = staff_client.post("/staff/notify/broadcast", data=_form(
        TYPHOON_DAY, step="confirm", previewed=str(typhoon_day["morning"].id)))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(EventSession, typhoon_day["morning"].id).status == \
        SessionStatus.SCHEDULED


@pytest.mark.parametrize("query", ["", "?day=2026-12-03", "?day=0001-01-01", "?day=x&venue=abc",
                                   "?venue=99999999999999999999"])
def test_progress_page_never_fails(ctx, staff_client, query):
    assert staff_client.get(f"/staff/notify/broadcast/progress{query}").status_code == 200


def test_bad_form_input_is_shown_not_a_500(ctx, staff_client):
    response = staff_client.post("/staff/notify/broadcast", data={
        "day": "not a day", "venue_id": "abc", "cancel_reason": "", "step": "confirm"})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)
