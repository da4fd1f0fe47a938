"""The venue's public "now serving" display and its JSON: the right numbers, nothing
personal (names, readings, phone numbers in any spelling), today's session chosen
right, a friendly page without one, and no <meta refresh> (a script polls instead)."""

import json
import re
from datetime import date, time, timedelta

import pytest

from desk.consults import screens, services
from desk.core.timeutil import local_datetime, utcnow
from desk.events.services import cancel_session
from desk.extensions import db

NAME = "鷲尾 珠緒"
KANA = "わしお たまお"
PHONE = "090-8765-4321"
RESERVED_NAME = "蔦谷 雪乃"
RESERVED_KANA = "つたや ゆきの"
RESERVED_PHONE = "080-2468-1357"
DAY = date(2026, 12, 3)


def at(hour, minute=0):
    return local_datetime(DAY, time(hour, minute))


def personal_spellings():
    """Everything about the two visitors that must never reach the screen."""
    spellings = {NAME, KANA, RESERVED_NAME, RESERVED_KANA, "ワシオ", "ツタヤ", "鷲尾", "蔦谷"}
    for phone in (PHONE, RESERVED_PHONE):
        digits = phone.replace("-", "")
        spellings |= {phone, digits, "+81" + digits[1:], digits[1:]}
    return spellings


def numbers_in(html, field):
    match = re.search(rf'data-field="{field}">(.*?)</[ou]l>', html, re.S)
    return [int(number) for number in re.findall(r"<li>(\d+)</li>", match.group(1))]


@pytest.fixture
def busy_desk(ctx, create_consult_session, create_person, create_reservation, create_user):
    """A session running now that takes reserved slots, with: a visitor who gave name
    and mobile (and so is linked to the resident with that number), a reserved visitor
    checked in, three anonymous walk-ins; number 1 is being served."""
    session = create_consult_session(slot_minutes=30, capacity=4)
    resident = create_person(name=NAME, name_kana=KANA, phone=PHONE)
    reserved_person = create_person(name=RESERVED_NAME, name_kana=RESERVED_KANA,
                                    phone=RESERVED_PHONE)
    booking = create_reservation(session, reserved_person,
                                 now=session.start_dt - timedelta(days=1))
    now = utcnow()
    named = services.issue_ticket(session, {"visitor_name": NAME, "phone": PHONE,
                                            "wants_sms": True},
                                  actor="test", now=now - timedelta(minutes=20))
    assert named.person_id == resident.id
    for minutes in (15, 10, 5):
        services.issue_ticket(session, {}, actor="test", now=now - timedelta(minutes=minutes))
    reserved = services.check_in_reservation(booking, actor="test", now=now - timedelta(minutes=3))
    services.take_ticket(named, actor=create_user(), now=now - timedelta(minutes=2))
    db.session.commit()
    return session, named, reserved


def test_the_display_shows_numbers_and_nothing_personal(ctx, busy_desk):
    session, named, reserved = busy_desk
    client = ctx.test_client()
    response = client.get(f"/consults/venues/{session.venue_id}/display")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data_response = client.get(f"/consults/venues/{session.venue_id}/display.json")
    assert data_response.status_code == 200
    assert data_response.headers["Cache-Control"] == "no-store"
    data = data_response.get_json()

    # the reserved visitor's slot (the session's start) has come: next, then walk-ins
    assert data["session_id"] == session.id and data["is_open"] is True
    assert data["serving"] == [named.number] == [1]
    assert data["next"] == [reserved.number, 2, 3, 4] == [5, 2, 3, 4]
    assert data["waiting"] == 4
    # nobody checked in on a shift: one volunteer assumed, 15 minutes a visit, number 1
    # taken 2 minutes ago -> 13 + 4 x 15 minutes, rounded up to 5
    assert data["wait_minutes"] == 75
    assert numbers_in(html, "serving") == [1]
    assert numbers_in(html, "next") == [5, 2, 3, 4]
    assert 'data-field="waiting">4<' in html and 'data-field="wait">75<' in html

    text = html + json.dumps(data, ensure_ascii=False)
    leaked = sorted(spelling for spelling in personal_spellings() if spelling in text)
    assert not leaked, leaked
    assert set(data) == {"session_id", "is_open", "serving", "next", "waiting",
                         "wait_minutes", "updated"}


def test_the_display_refreshes_by_script_not_meta_refresh(ctx, busy_desk):
    session, _named, _reserved = busy_desk
    html = ctx.test_client().get(f"/consults/venues/{session.venue_id}/display"
                                 ).get_data(as_text=True)
    assert "http-equiv" not in html.lower()
    assert re.search(r'<script src="/static/js/consult-display\.js\?v=[0-9a-f]{12}" defer>'
                     r'</script>', html)
    assert "<script>" not in html and " style=" not in html
    assert f'data-poll-url="/consults/venues/{session.venue_id}/display.json"' in html
    assert 'aria-live="polite"' in html
    js = ctx.test_client().get("/static/js/consult-display.js")
    assert js.status_code == 200 and b"fetch(" in js.data


def test_the_display_speaks_the_visitor_s_language(ctx, busy_desk):
    session, _named, _reserved = busy_desk
    client = ctx.test_client()
    html = client.get(f"/consults/venues/{session.venue_id}/display").get_data(as_text=True)
    assert '<html lang="ja">' in html
    client.set_cookie("desk_locale", "en")
    html = client.get(f"/consults/venues/{session.venue_id}/display").get_data(as_text=True)
    assert '<html lang="en">' in html and "Now serving" in html
    assert "Estimated wait for a new ticket" in html


def test_a_venue_without_a_desk_today(ctx, create_venue, create_consult_session):
    venue = create_venue()
    # a consultation desk at the venue some other day does not count
    create_consult_session(day=DAY, venue_id=venue.id)
    client = ctx.test_client()
    client.set_cookie("desk_locale", "en")
    response = client.get(f"/consults/venues/{venue.id}/display")
    assert response.status_code == 200
    assert "There is no consultation desk here today." in response.get_data(as_text=True)
    data = client.get(f"/consults/venues/{venue.id}/display.json").get_json()
    assert data == {"session_id": None, "is_open": False, "serving": [], "next": [],
                    "waiting": 0, "wait_minutes": None, "updated": data["updated"]}
    assert client.get("/consults/venues/999999/display").status_code == 404
    assert client.get("/consults/venues/999999/display.json").status_code == 404


def test_today_s_session_is_the_running_one_then_the_next(ctx, create_venue,
                                                          create_consult_session):
    venue = create_venue()
    morning = create_consult_session(day=DAY, start=time(10), end=time(12), venue_id=venue.id)
    afternoon = create_consult_session(day=DAY, start=time(13), end=time(15),
                                       venue_id=venue.id)
    create_consult_session(day=DAY + timedelta(days=1), venue_id=venue.id)
    assert screens.todays_session(venue, at(8)) == morning
    assert screens.todays_session(venue, at(11)) == morning
    assert screens.todays_session(venue, at(12)) == afternoon
    assert screens.todays_session(venue, at(12, 30)) == afternoon
    assert screens.todays_session(venue, at(15)) is None
    state = screens.display_state(venue, at(16))
    assert state.session is None and state.closed_for_today
    state = screens.display_state(venue, at(9))
    assert (state.session, state.is_open, state.closed_for_today) == (morning, False, False)
    cancel_session(morning, "会場の都合", actor="test", now=at(8))
    db.session.commit()
    assert screens.todays_session(venue, at(11)) == afternoon


def test_before_the_desk_opens_the_wait_counts_from_the_start(ctx, create_venue,
                                                              create_consult_session):
    venue = create_venue()
    session = create_consult_session(day=DAY, start=time(13), end=time(15), venue_id=venue.id)
    services.issue_ticket(session, {}, actor="test", now=at(12, 40))
    db.session.commit()
    state = screens.display_state(venue, at(12, 45))
    # 15 minutes until the start, then one visit of 15 minutes before a new ticket
    assert (state.is_open, state.next_up, state.waiting, state.wait) == (False, [1], 1, 30)


@pytest.mark.parametrize(("minutes", "shown"), [(-3, 0), (0, 0), (0.2, 5), (5, 5), (5.5, 10),
                                                (61, 65)])
def test_waits_are_rounded_up_to_five_minutes(minutes, shown):
    assert screens.wait_minutes(timedelta(minutes=minutes)) == shown
