"""The staff phone desk through the test client: find or register the caller (step 1),
choose a session (step 2), seats and proxy (step 3), the read-back page, finding,
cancelling and confirming a booking, and what session changes tell the coordinator.

Bad input answers 200 (or a redirect) with a clear message and changes nothing; no
input gives a 5xx. Sessions are anchored to today, because the views use the real
clock. Where the words matter, the client reads English (the locale cookie).
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today, to_local, utcnow
from desk.events import services
from desk.events.models import (
    Booking,
    BookingChannel,
    BookingStatus,
    CancelReason,
    Confirmation,
)
from desk.extensions import db
from desk.people.models import ConsentMethod, Person, ProxyContact

WEEKDAYS_JA = "月火水木金土日"


def counts():
    """Rows a refused request must leave as they were."""
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, ProxyContact, Booking, AuditEntry)}


def field_error(html, name):
    match = re.search(rf'<p class="error-message" id="{re.escape(name)}-error">(.*?)</p>',
                      html, re.S)
    return match.group(1).strip() if match else None


def flashes(html, category=None):
    kind = re.escape(category) if category else r"\w+"
    return [re.sub(r"\s+", " ", text).strip() for text in
            re.findall(rf'<p class="flash flash--{kind}" role="\w+">(.*?)</p>', html, re.S)]


def person_form(**changes):
    data = {"name": "高橋 和子", "name_kana": "たかはし かずこ", "phone": "080-2345-6789",
            "email": "", "district_id": "", "age_band": "70s", "reminder_channel": "automatic",
            "consent": "y"}
    data.update(changes)
    return data


def booking_form(**changes):
    data = {"seats": "1", "proxy_name": "", "proxy_relation": "family",
            "proxy_relation_note": "", "proxy_phone": ""}
    data.update(changes)
    return data


@pytest.fixture
def english(staff_client):
    staff_client.set_cookie("desk_locale", "en")
    return staff_client


@pytest.fixture
def next_week():
    return local_today() + timedelta(days=7)


@pytest.fixture
def venue(ctx, create_venue):
    return create_venue(name="湘南台市民センター", address="神奈川県藤沢市湘南台1-8",
                        accessibility_notes="湘南台駅西口から徒歩5分。エレベーターあり。")


@pytest.fixture
def program(ctx, create_program):
    return create_program(what_to_bring="充電したスマートフォン")


@pytest.fixture
def upcoming_class(ctx, create_session, venue, program, next_week):
    return create_session(day=next_week, capacity=2, venue_id=venue.id, program_id=program.id)


@pytest.fixture
def caller(ctx, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-3141-5926")


def book(session, person, **options):
    result = services.book_seat(session, person, channel="phone_desk", actor="test",
                                now=utcnow(), **options)
    db.session.commit()
    return result.booking


def reload(model, identifier):
    db.session.expire_all()
    return db.session.get(model, identifier)


# -- step 1 --------------------------------------------------------------------------------

def test_phone_desk_shows_search_purpose_and_new_person_fields(staff_client):
    html = staff_client.get("/staff/phone-desk").get_data(as_text=True)
    assert "autofocus" in re.search(r'<input[^>]*id="query"[^>]*>', html).group(0)
    assert 'class="read-out"' in html  # the purpose sentence to read out
    assert html.index('id="purpose-heading"') < html.index('id="name_kana"')
    assert 'aria-current="step"' in html


@pytest.mark.parametrize("text", ["０９０ー３１４１ー５９２６", "090 3141 5926", "+81 90-3141-5926",
                                  "5926", "さとう", "ｻﾄｳ ｹｲｺ", "佐藤恵子", "恵子"])
def test_search_finds_the_caller_by_phone_kana_or_name(staff_client, caller, text):
    response = staff_client.post("/staff/phone-desk", data={"query": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"/staff/phone-desk/people/{caller.id}" in html


def test_search_finds_the_person_by_their_proxys_phone(staff_client, caller):
    from desk.people import services as people_services

    people_services.add_proxy(caller, {"name": "佐藤 一郎", "relation": "family",
                                       "phone": "070-1111-2222"},
                              consent_method="phone_staff", actor="test", now=utcnow())
    db.session.commit()
    html = staff_client.post("/staff/phone-desk", data={"query": "07011112222"}).get_data(
        as_text=True)
    assert f"/staff/phone-desk/people/{caller.id}" in html


def test_search_without_text_or_match_says_so(staff_client, caller):
    empty = staff_client.post("/staff/phone-desk", data={"query": ""}).get_data(as_text=True)
    assert field_error(empty, "query")
    none = staff_client.post("/staff/phone-desk", data={"query": "わたなべ"})
    assert none.status_code == 200
    assert f"/staff/phone-desk/people/{caller.id}" not in none.get_data(as_text=True)


def test_new_caller_is_registered_with_consent_by_phone_to_staff(staff_client, coordinator):
    response = staff_client.post("/staff/phone-desk/new-person", data=person_form())
    assert response.status_code == 302
    [person] = db.session.scalars(select(Person)).all()
    assert response.headers["Location"].endswith(f"/staff/phone-desk/people/{person.id}")
    assert (person.name_kana, person.phone) == ("タカハシ\u3000カズコ", "+818023456789")
    assert person.has_consent and person.consent_method == ConsentMethod.PHONE_STAFF
    assert person.created_channel == "phone_desk"
    assert "2345" not in response.headers["Location"]


@pytest.mark.parametrize("changes, field", [
    ({"phone": "12-345"}, "phone"),
    ({"phone": "090-1234-567"}, "phone"),
    ({"name_kana": ""}, "name_kana"),
    ({"name_kana": "Takahashi"}, "name_kana"),
    ({"name": ""}, "name"),
    ({"email": "not an address"}, "email"),
    ({"district_id": "424242"}, "district_id"),
])
def test_new_caller_with_bad_input_changes_nothing(staff_client, changes, field):
    before = counts()
    response = staff_client.post("/staff/phone-desk/new-person", data=person_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, field)
    assert 'class="error-summary"' in html
    assert counts() == before
    # the keyboard focus starts on the field in error
    assert "autofocus" in re.search(rf'<[^>]*id="{field}"[^>]*>', html).group(0)


def test_invalid_phone_message_shows_what_was_understood(english):
    html = english.post("/staff/phone-desk/new-person",
                        data=person_form(phone="０９０ー１２３")).get_data(as_text=True)
    assert "090-123" in field_error(html, "phone")


# -- step 2 --------------------------------------------------------------------------------

def test_session_list_shows_bookable_sessions_with_free_seats_and_waiting_list(
        staff_client, caller, upcoming_class, create_session, create_person, next_week):
    book(upcoming_class, create_person(), seats=2)
    book(upcoming_class, create_person())  # waitlisted
    cancelled = create_session(day=next_week, capacity=5)
    services.cancel_session(cancelled, "台風のため", actor="test", now=utcnow())
    awareness = create_session(day=next_week, kind="awareness_event", title="スマホ体験会",
                               capacity=None)
    past = create_session(day=local_today() - timedelta(days=1), capacity=5)
    db.session.commit()
    html = staff_client.get(f"/staff/phone-desk/people/{caller.id}").get_data(as_text=True)
    row = re.search(rf'<tr>(?:(?!</tr>).)*session-{upcoming_class.id}".*?</tr>', html, re.S)
    assert row, html
    cells = re.findall(r'<td class="num">(.*?)</td>', row.group(0), re.S)
    assert [re.sub(r"\D+", " ", cell).split() for cell in cells] == [["0", "2"], ["1"]]
    for other in (cancelled, awareness, past):
        assert f"/sessions/{other.id}\"" not in html


def test_session_list_filters_by_venue_program_and_dates(staff_client, caller, upcoming_class,
                                                         create_session, next_week):
    later = create_session(day=next_week + timedelta(days=3), capacity=5)
    url = f"/staff/phone-desk/people/{caller.id}"
    by_venue = staff_client.get(f"{url}?venue={upcoming_class.venue_id}").get_data(as_text=True)
    assert f"session-{upcoming_class.id}" in by_venue and f"session-{later.id}" not in by_venue
    by_program = staff_client.get(f"{url}?program={later.program_id}").get_data(as_text=True)
    assert f"session-{later.id}" in by_program and f"session-{upcoming_class.id}" not in by_program
    by_dates = staff_client.get(
        f"{url}?first_day={(next_week + timedelta(days=1)).isoformat()}"
        f"&last_day={(next_week + timedelta(days=5)).isoformat()}").get_data(as_text=True)
    assert f"session-{later.id}" in by_dates and f"session-{upcoming_class.id}" not in by_dates


@pytest.mark.parametrize("query", ["venue=abc", "program=99999999999", "first_day=2026-02-30",
                                   "first_day=0001-01-01&last_day=9999-12-31", "last_day=x"])
def test_session_list_survives_bad_filters(staff_client, caller, upcoming_class, query):
    response = staff_client.get(f"/staff/phone-desk/people/{caller.id}?{query}")
    assert response.status_code == 200


def test_session_list_shows_the_callers_bookings(staff_client, caller, upcoming_class):
    booking = book(upcoming_class, caller)
    html = staff_client.get(f"/staff/phone-desk/people/{caller.id}").get_data(as_text=True)
    assert f"/staff/bookings/{booking.id}" in html and booking.display_code in html


def test_unknown_person_or_session_is_404(staff_client, caller):
    assert staff_client.get("/staff/phone-desk/people/2147483000").status_code == 404
    assert staff_client.get(
        f"/staff/phone-desk/people/{caller.id}/sessions/2147483000").status_code == 404


# -- step 3 and the read-back --------------------------------------------------------------

def test_three_steps_book_and_read_back(english, coordinator, upcoming_class, venue):
    registered = english.post("/staff/phone-desk/new-person", data=person_form())
    step2 = english.get(registered.headers["Location"])
    assert step2.status_code == 200
    person = db.session.scalars(select(Person)).one()
    step3_url = f"/staff/phone-desk/people/{person.id}/sessions/{upcoming_class.id}"
    assert step3_url in step2.get_data(as_text=True)
    assert english.get(step3_url).status_code == 200
    confirmed = english.post(step3_url, data=booking_form(seats="2"))
    assert confirmed.status_code == 302
    booking = db.session.scalars(select(Booking)).one()
    assert confirmed.headers["Location"].endswith(f"/staff/bookings/{booking.id}")
    assert (booking.status, booking.seats, booking.channel, booking.actor_id) == (
        BookingStatus.BOOKED, 2, BookingChannel.PHONE_DESK, coordinator.id)
    html = english.get(confirmed.headers["Location"]).get_data(as_text=True)
    start = to_local(upcoming_class.start_dt)
    assert f"{start:%A}, {start:%B} {start.day}" in html  # the weekday, read out
    assert "10:00" in html and "11:30" in html
    assert venue.name in html and venue.address in html and venue.accessibility_notes in html
    assert "充電したスマートフォン" in html
    assert re.fullmatch(r"\d{4}-\d{4}", booking.display_code)
    assert f"Your booking number is {booking.display_code}" in html
    assert "you and 1 companion" in html


def test_the_read_back_calls_the_venue_notes_its_facilities(staff_client, caller,
                                                            upcoming_class, venue):
    booking = book(upcoming_class, caller)
    html = staff_client.get(f"/staff/bookings/{booking.id}").get_data(as_text=True)
    assert f"「会場の設備についてです。{venue.accessibility_notes}」" in html
    assert "行き方" not in html


def test_read_back_in_japanese_has_the_date_with_weekday(staff_client, caller, upcoming_class):
    booking = book(upcoming_class, caller)
    html = staff_client.get(f"/staff/bookings/{booking.id}").get_data(as_text=True)
    start = to_local(upcoming_class.start_dt)
    assert f"{start.month}月{start.day}日（{WEEKDAYS_JA[start.weekday()]}）" in html
    assert booking.display_code in html


def test_full_session_waitlists_and_read_back_gives_the_position(english, caller,
                                                                 upcoming_class, create_person):
    book(upcoming_class, create_person(), seats=2)
    book(upcoming_class, create_person())
    response = english.post(f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
                            data=booking_form())
    booking = db.session.scalars(select(Booking).where(Booking.person_id == caller.id)).one()
    assert booking.status == BookingStatus.WAITLISTED
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added to the waiting list as number 2" in html
    assert "as number 2." in html and "booking-status--waitlisted" in html
    assert "You do not need to call again" in html


def test_second_booking_returns_the_existing_one(english, caller, upcoming_class):
    first = book(upcoming_class, caller)
    before = counts()
    response = english.post(f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
                            data=booking_form(seats="2"))
    assert response.headers["Location"].endswith(f"/staff/bookings/{first.id}")
    assert counts() == before
    assert reload(Booking, first.id).seats == 1
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "already has a booking for this session" in " ".join(flashes(html, "info"))


def _session_in_state(state, create_session, next_week):
    now = utcnow()
    if state == "past":
        return create_session(day=local_today() - timedelta(days=2))
    if state == "cancelled":
        session = create_session(day=next_week)
        services.cancel_session(session, "台風のため", actor="test", now=now)
    elif state == "closed":
        session = create_session(start_dt=now - timedelta(minutes=30),
                                 end_dt=now + timedelta(hours=2))
        services.close_attendance(session, actor="test", now=now)
    else:
        session = create_session(day=next_week, kind="awareness_event", title="スマホ体験会",
                                 capacity=None)
    db.session.commit()
    return session


@pytest.mark.parametrize("state", ["past", "cancelled", "closed", "awareness"])
def test_session_that_cannot_be_booked_is_refused_with_a_message(
        staff_client, caller, create_session, next_week, state):
    session = _session_in_state(state, create_session, next_week)
    url = f"/staff/phone-desk/people/{caller.id}/sessions/{session.id}"
    page = staff_client.get(url)
    assert page.status_code == 200 and 'role="alert"' in page.get_data(as_text=True)
    before = counts()
    response = staff_client.post(url, data=booking_form())
    assert response.status_code == 200
    assert flashes(response.get_data(as_text=True), "error")
    assert counts() == before


@pytest.mark.parametrize("seats", ["3", "4", "0", "two", ""])
def test_party_larger_than_capacity_or_bad_seats_is_refused(staff_client, caller,
                                                            upcoming_class, seats):
    before = counts()
    response = staff_client.post(
        f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
        data=booking_form(seats=seats))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "seats")
    assert counts() == before


def test_party_larger_than_capacity_message_names_the_capacity(english, caller, upcoming_class):
    html = english.post(f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
                        data=booking_form(seats="3")).get_data(as_text=True)
    assert "2 seats in all" in field_error(html, "seats")


def test_proxy_booking_records_the_family_member_and_their_consent(staff_client, caller,
                                                                   upcoming_class):
    response = staff_client.post(
        f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
        data=booking_form(proxy_name="佐藤 一郎", proxy_relation="family",
                          proxy_relation_note="長男", proxy_phone="070-2718-2818",
                          proxy_wants_copies="y"))
    assert response.status_code == 302
    booking = db.session.scalars(select(Booking)).one()
    proxy = db.session.get(ProxyContact, booking.proxy_id)
    assert (proxy.person_id, proxy.name, proxy.phone) == (caller.id, "佐藤 一郎", "+817027182818")
    assert proxy.wants_copies and proxy.consent_method == ConsentMethod.PHONE_STAFF
    html = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "佐藤 一郎" in html


def test_proxy_with_bad_phone_changes_nothing(staff_client, caller, upcoming_class):
    before = counts()
    response = staff_client.post(
        f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
        data=booking_form(proxy_name="佐藤 一郎", proxy_phone="123"))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "proxy_phone")
    assert counts() == before


def test_proxy_added_before_a_refused_booking_is_not_kept(english, caller, upcoming_class):
    # the service adds the proxy, then the booking is refused: the page says why and
    # nothing of the call is left behind
    before = counts()
    response = english.post(
        f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
        data=booking_form(seats="3", proxy_name="佐藤 一郎", proxy_phone="070-2718-2818"))
    assert response.status_code == 200
    assert "2 seats in all" in field_error(response.get_data(as_text=True), "seats")
    assert counts() == before


def test_an_error_after_the_booking_keeps_nothing(staff_client, caller, upcoming_class,
                                                  monkeypatch):
    def broken(result):
        raise RuntimeError("after the service call")

    monkeypatch.setattr("desk.events.phone_desk_views._flash_booked", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        staff_client.post(f"/staff/phone-desk/people/{caller.id}/sessions/{upcoming_class.id}",
                          data=booking_form(proxy_name="佐藤 一郎", proxy_phone="070-2718-2818"))
    assert counts() == before


def test_merged_person_sends_the_desk_to_the_kept_record(staff_client, caller, create_person,
                                                         upcoming_class):
    duplicate = create_person(name="佐藤 恵子", name_kana="さとう けいこ")
    duplicate.merged_into_id = caller.id
    db.session.commit()
    response = staff_client.get(f"/staff/phone-desk/people/{duplicate.id}")
    assert response.headers["Location"].endswith(f"/staff/phone-desk/people/{caller.id}")


# -- an existing booking: find, confirm, cancel ------------------------------------------------

def test_find_booking_by_code_and_phone_in_any_format(staff_client, caller, upcoming_class):
    booking = book(upcoming_class, caller)
    response = staff_client.post("/staff/phone-desk/find-booking", data={
        "code": booking.display_code, "phone": "０９０（３１４１）５９２６"})
    assert response.headers["Location"].endswith(f"/staff/bookings/{booking.id}")


@pytest.mark.parametrize("code, phone, field", [
    (None, "090-9999-0000", "code"),  # someone else's phone
    ("0000-0000", "090-3141-5926", "code"),
    (None, "12", "phone"),
    ("", "090-3141-5926", "code"),
    (None, "", "phone"),
])
def test_find_booking_refuses_what_does_not_match(staff_client, caller, upcoming_class,
                                                  code, phone, field):
    booking = book(upcoming_class, caller)
    response = staff_client.post("/staff/phone-desk/find-booking", data={
        "code": booking.code if code is None else code, "phone": phone})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field)


def test_cancel_booking_by_staff_promotes_and_says_who(english, caller, upcoming_class,
                                                      create_person):
    booking = book(upcoming_class, caller, seats=2)
    waiting = book(upcoming_class, create_person(name="鈴木 茂", name_kana="すずき しげる"))
    assert english.get(f"/staff/bookings/{booking.id}/cancel").status_code == 200
    response = english.post(f"/staff/bookings/{booking.id}/cancel")
    assert response.headers["Location"].endswith(f"/staff/bookings/{booking.id}")
    cancelled, promoted = reload(Booking, booking.id), reload(Booking, waiting.id)
    assert (cancelled.status, cancelled.cancel_reason) == (BookingStatus.CANCELLED,
                                                           CancelReason.STAFF)
    assert promoted.status == BookingStatus.BOOKED
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "鈴木 茂 moved up from the waiting list" in " ".join(flashes(html, "info"))
    assert "booking-status--cancelled" in html


def test_cancel_twice_is_refused_without_change(staff_client, caller, upcoming_class):
    booking = book(upcoming_class, caller)
    staff_client.post(f"/staff/bookings/{booking.id}/cancel")
    before = counts()
    response = staff_client.post(f"/staff/bookings/{booking.id}/cancel")
    assert response.status_code == 200 and flashes(response.get_data(as_text=True), "error")
    assert counts() == before


def test_caller_confirmation_is_recorded_and_audited(staff_client, caller, upcoming_class):
    booking = book(upcoming_class, caller)
    response = staff_client.post(f"/staff/bookings/{booking.id}/confirmation",
                                 data={"confirmation": "confirmed"})
    assert response.status_code == 302
    assert reload(Booking, booking.id).confirmation == Confirmation.CONFIRMED
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "booking.confirmation")) == 1
    bad = staff_client.post(f"/staff/bookings/{booking.id}/confirmation",
                            data={"confirmation": "maybe"})
    assert bad.status_code == 302
    assert reload(Booking, booking.id).confirmation == Confirmation.CONFIRMED


def test_unknown_booking_is_404(staff_client):
    assert staff_client.get("/staff/bookings/2147483000").status_code == 404
    assert staff_client.post("/staff/bookings/2147483000/cancel").status_code == 404


# -- what session changes tell the coordinator ---------------------------------------------

def test_session_cancellation_says_how_many_bookings_were_cancelled(english, upcoming_class,
                                                                    create_person):
    book(upcoming_class, create_person(), seats=2)
    book(upcoming_class, create_person())
    response = english.post(f"/staff/sessions/{upcoming_class.id}/cancel",
                            data={"cancel_reason": "台風のため"}, follow_redirects=True)
    assert "2 bookings were cancelled and the people will be told." in " ".join(
        flashes(response.get_data(as_text=True), "info"))


def test_capacity_change_says_who_moved(english, upcoming_class, create_person):
    from tests.events.test_staff_views import session_form

    first = book(upcoming_class, create_person())
    book(upcoming_class, create_person())
    book(upcoming_class, create_person(name="伊藤 節子", name_kana="いとう せつこ"))
    start = to_local(upcoming_class.start_dt)
    place = (upcoming_class.venue, upcoming_class.program)
    smaller = english.post(f"/staff/sessions/{upcoming_class.id}", follow_redirects=True,
                           data=session_form(place, start.date(), capacity="1"))
    assert "1 booking no longer fits and moved to the waiting list" in " ".join(
        flashes(smaller.get_data(as_text=True), "info"))
    assert reload(Booking, first.id).status == BookingStatus.BOOKED
    larger = english.post(f"/staff/sessions/{upcoming_class.id}", follow_redirects=True,
                          data=session_form(place, start.date(), capacity="3"))
    assert "people moved up from the waiting list" in " ".join(
        flashes(larger.get_data(as_text=True), "info"))


def test_volunteer_cannot_use_the_phone_desk(client, create_user, login, caller):
    from desk.auth.models import Role

    login(client, create_user(Role.VOLUNTEER))
    assert client.get("/staff/phone-desk").status_code == 403
    assert client.post("/staff/phone-desk", data={"query": "さとう"}).status_code == 403
