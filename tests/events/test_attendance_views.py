"""Attendance on the day through the test client: the roster (sorted by kana), check-in,
walk-ins, the anonymous headcount, closing, edits after closing, the print view, and
who may do what (volunteers: roster and check-in until closing, never phone numbers).

Sessions are anchored to the real clock, because the views use it.
"""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.phone import display_phone
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import (
    Attendance,
    Booking,
    BookingChannel,
    BookingStatus,
    EventSession,
    SessionStatus,
)
from desk.extensions import db
from desk.people.models import ConsentMethod, Person

PEOPLE = [("渡辺 清", "わたなべ きよし", "090-1000-0001"),
          ("阿部 正", "アベ タダシ", "0466-25-0002"),
          ("佐藤 恵子", "ｻﾄｳ ｹｲｺ", "080-1000-0003")]


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, Booking, AuditEntry)}


def flashes(html, category):
    return " ".join(re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'<p class="flash flash--{category}" role="\w+">(.*?)</p>', html, re.S))


def reload(model, identifier):
    db.session.expire_all()
    return db.session.get(model, identifier)


def book(session, person, **options):
    result = services.book_seat(session, person, channel="phone_desk", actor="test",
                                now=utcnow(), **options)
    db.session.commit()
    return result.booking


def names_in_order(html, names):
    return sorted(names, key=html.index)


@pytest.fixture
def english(staff_client):
    staff_client.set_cookie("desk_locale", "en")
    return staff_client


@pytest.fixture
def today_class(ctx, create_session):
    """A class that started half an hour ago (or at midnight, so that it is today's in
    Japan time whenever the test runs)."""
    now = utcnow()
    start = max(now - timedelta(minutes=30), local_datetime(local_today(now), time(0)))
    return create_session(start_dt=start, end_dt=now + timedelta(hours=2), capacity=4)


@pytest.fixture
def volunteer(ctx, create_user, give_shift, today_class):
    """A volunteer with a place on a shift of today's class (so its roster opens)."""
    user = create_user(Role.VOLUNTEER)
    give_shift(user, today_class)
    return user


@pytest.fixture
def volunteer_client(app, volunteer, login):
    client = app.test_client()
    login(client, volunteer)
    client.set_cookie("desk_locale", "en")
    return client


@pytest.fixture
def seated(today_class, create_person):
    """Three booked people (in the order of PEOPLE), one waiting, one cancelled."""
    booked = [book(today_class, create_person(name=name, name_kana=kana, phone=phone))
              for name, kana, phone in PEOPLE]
    waiting = book(today_class, create_person(name="鈴木 茂", name_kana="すずき しげる"), seats=2)
    gone = book(today_class, create_person(name="田中 正雄", name_kana="たなか まさお"))
    services.cancel_booking(gone, actor="test", now=utcnow())
    db.session.commit()
    return booked, waiting, gone


def roster_url(session):
    return f"/staff/sessions/{session.id}/roster"


def mark(client, booking, value):
    return client.post(f"/staff/sessions/{booking.session_id}/roster/{booking.id}",
                       data={"attendance": value})


# -- the roster --------------------------------------------------------------------------------

def test_roster_is_sorted_by_kana_with_waiting_list_and_cancelled_collapsed(staff_client,
                                                                           today_class, seated):
    html = staff_client.get(roster_url(today_class)).get_data(as_text=True)
    booked_part, rest = html.split('id="waiting-heading"')
    assert names_in_order(booked_part, ["渡辺 清", "阿部 正", "佐藤 恵子"]) == [
        "阿部 正", "佐藤 恵子", "渡辺 清"]
    assert "鈴木 茂" in rest and "鈴木 茂" not in booked_part
    cancelled = re.search(r"<details.*?</details>", rest, re.S).group(0)
    assert "田中 正雄" in cancelled and "田中 正雄" not in booked_part


def test_roster_with_nobody_waiting_says_the_waiting_list_is_empty(staff_client, today_class):
    html = staff_client.get(roster_url(today_class)).get_data(as_text=True)
    assert "キャンセル待ちの方はいません。" in html
    assert "お待ちの方はいません" not in html  # the consultation queue's words


def test_roster_shows_phones_to_coordinators_only(staff_client, volunteer_client, today_class,
                                                  seated):
    phone = display_phone(seated[0][1].person.phone)
    assert phone in staff_client.get(roster_url(today_class)).get_data(as_text=True)
    volunteer_view = volunteer_client.get(roster_url(today_class))
    assert volunteer_view.status_code == 200
    html = volunteer_view.get_data(as_text=True)
    assert "阿部 正" in html
    for booking in seated[0]:
        assert display_phone(booking.person.phone) not in html
    assert "/roster/close" not in html and "/roster/walk-in" not in html
    assert "/staff/bookings/" not in html


# -- check-in ----------------------------------------------------------------------------------

def test_check_in_marks_attended_no_show_and_clear(staff_client, today_class, seated):
    booking = seated[0][0]
    response = mark(staff_client, booking, "attended")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{roster_url(today_class)}#booking-{booking.id}")
    assert reload(Booking, booking.id).attendance == Attendance.ATTENDED
    mark(staff_client, booking, "no_show")
    assert reload(Booking, booking.id).attendance == Attendance.NO_SHOW
    mark(staff_client, booking, "clear")
    assert reload(Booking, booking.id).attendance is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "booking.attendance", AuditEntry.object_id == booking.id)) == 3


@pytest.mark.parametrize("value", ["present", "", "ATTENDED"])
def test_check_in_with_a_bad_value_changes_nothing(english, today_class, seated, value):
    before = counts()
    response = mark(english, seated[0][0], value)
    assert response.status_code == 302
    assert counts() == before
    assert flashes(english.get(response.headers["Location"]).get_data(as_text=True), "error")


def test_check_in_of_a_waitlisted_booking_is_refused(english, today_class, seated):
    before = counts()
    response = mark(english, seated[1], "attended")
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only a booked seat can be checked in" in flashes(html, "error")
    assert counts() == before


def test_check_in_before_the_day_is_refused(english, create_session, create_person):
    later = create_session(day=local_today() + timedelta(days=3), capacity=3)
    booking = book(later, create_person())
    html = english.get(roster_url(later)).get_data(as_text=True)
    assert "Check-in opens on the day of the session." in html
    assert f"/roster/{booking.id}\"" not in html  # no check-in buttons
    response = mark(english, booking, "attended")
    assert reload(Booking, booking.id).attendance is None
    assert flashes(english.get(response.headers["Location"]).get_data(as_text=True), "error")


def test_no_show_is_refused_before_the_start_and_its_button_hidden(english, create_session,
                                                                  create_person):
    now = utcnow()
    start = min(now + timedelta(hours=2), local_datetime(local_today(now), time(23, 59, 59)))
    later_today = create_session(start_dt=start, end_dt=start + timedelta(hours=2), capacity=3)
    booking = book(later_today, create_person())
    html = english.get(roster_url(later_today)).get_data(as_text=True)
    assert "No-shows can be marked once the session has started" in html
    assert 'value="no_show"' not in html and 'value="attended"' in html
    before = counts()
    response = mark(english, booking, "no_show")
    assert reload(Booking, booking.id).attendance is None and counts() == before
    assert "A no-show can be marked once the session has started" in flashes(
        english.get(response.headers["Location"]).get_data(as_text=True), "error")
    mark(english, booking, "attended")  # an early arrival is checked in
    assert reload(Booking, booking.id).attendance == Attendance.ATTENDED


def test_a_walk_in_shows_as_come_not_as_unconfirmed(english, today_class, seated,
                                                    create_person):
    person = create_person(name="伊藤 節子", name_kana="いとう せつこ")
    english.post(f"{roster_url(today_class)}/walk-in/add",
                 data={"person_id": str(person.id), "seats": "1"})
    walk_in = db.session.scalars(select(Booking).where(Booking.person_id == person.id)).one()
    mark(english, seated[0][0], "attended")
    html = english.get(roster_url(today_class)).get_data(as_text=True)

    def row(booking):
        start = html.index(f'id="booking-{booking.id}"')
        return html[start:html.index("</tr>", start)]

    assert "Walk-in: came without a booking" in row(walk_in)
    assert "Not confirmed yet" not in row(walk_in)
    assert ">Came<" in row(seated[0][0]) and "Not confirmed yet" in row(seated[0][1])
    page = english.get(f"/staff/bookings/{walk_in.id}").get_data(as_text=True)
    assert "Walk-in: came without a booking" in page and "Not confirmed yet" not in page
    assert "Record their answer" not in page


def test_booking_of_another_session_is_404(staff_client, today_class, seated, create_session,
                                           create_person):
    other = book(create_session(day=local_today() + timedelta(days=2)), create_person())
    response = staff_client.post(f"{roster_url(today_class)}/{other.id}",
                                 data={"attendance": "attended"})
    assert response.status_code == 404


def test_volunteer_checks_in_before_closing(volunteer_client, today_class, seated):
    booking = seated[0][0]
    assert mark(volunteer_client, booking, "attended").status_code == 302
    assert reload(Booking, booking.id).attendance == Attendance.ATTENDED


# -- closing -----------------------------------------------------------------------------------

def test_closing_turns_unmarked_seats_into_no_shows(english, today_class, seated):
    came, missing, also_missing = seated[0]
    mark(english, came, "attended")
    page = english.get(f"{roster_url(today_class)}/close").get_data(as_text=True)
    assert "2 bookings are not marked and will become no-shows" in page
    assert missing.person.name in page and came.person.name not in page.split("<ul>")[1]
    response = english.post(f"{roster_url(today_class)}/close")
    assert response.headers["Location"].endswith(roster_url(today_class))
    assert [reload(Booking, booking.id).attendance for booking in seated[0]] == [
        Attendance.ATTENDED, Attendance.NO_SHOW, Attendance.NO_SHOW]
    session = reload(EventSession, today_class.id)
    assert session.is_attendance_closed and session.status == SessionStatus.COMPLETED
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 bookings nobody marked are now no-shows" in flashes(html, "success")


def test_closing_twice_or_before_the_start_is_refused(english, today_class, seated,
                                                      create_session):
    english.post(f"{roster_url(today_class)}/close")
    later = create_session(day=local_today() + timedelta(days=3))
    before = counts()
    again = english.post(f"{roster_url(today_class)}/close")
    assert again.status_code == 200 and "already closed" in flashes(
        again.get_data(as_text=True), "error")
    early = english.post(f"{roster_url(later)}/close")
    assert early.status_code == 200 and "has not started yet" in flashes(
        early.get_data(as_text=True), "error")
    assert counts() == before


def test_volunteer_after_closing_is_refused_with_403(staff_client, volunteer_client,
                                                     today_class, seated):
    booking = seated[0][0]
    staff_client.post(f"{roster_url(today_class)}/close")
    before = counts()
    response = mark(volunteer_client, booking, "attended")
    assert response.status_code == 403
    assert "only a coordinator can change it now" in response.get_data(as_text=True)
    assert reload(Booking, booking.id).attendance == Attendance.NO_SHOW
    assert counts() == before
    assert "/roster/" + str(booking.id) not in volunteer_client.get(
        roster_url(today_class)).get_data(as_text=True)


def test_coordinator_edit_after_closing_is_audited(staff_client, today_class, seated):
    booking = seated[0][0]
    staff_client.post(f"{roster_url(today_class)}/close")
    assert mark(staff_client, booking, "attended").status_code == 302
    assert reload(Booking, booking.id).attendance == Attendance.ATTENDED
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "booking.attendance", AuditEntry.object_id == booking.id)
        .order_by(AuditEntry.id.desc())).first()
    assert entry.note == "after closing"
    assert entry.before["attendance"] == "no_show" and entry.after["attendance"] == "attended"


def test_volunteer_cannot_close_or_add_walk_ins(volunteer_client, today_class, seated):
    assert volunteer_client.get(f"{roster_url(today_class)}/close").status_code == 403
    assert volunteer_client.post(f"{roster_url(today_class)}/close").status_code == 403
    assert volunteer_client.get(f"{roster_url(today_class)}/walk-in").status_code == 403
    assert volunteer_client.post(f"{roster_url(today_class)}/walk-in/new").status_code == 403


# -- walk-ins ----------------------------------------------------------------------------------

def test_walk_in_of_an_existing_person(staff_client, today_class, seated, create_person):
    person = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="0466-82-4455")
    found = staff_client.post(f"{roster_url(today_class)}/walk-in", data={"query": "イトウ"})
    assert f'name="person_id" value="{person.id}"' in found.get_data(as_text=True)
    response = staff_client.post(f"{roster_url(today_class)}/walk-in/add",
                                 data={"person_id": str(person.id), "seats": "1"})
    booking = db.session.scalars(select(Booking).where(Booking.person_id == person.id)).one()
    assert response.headers["Location"].endswith(f"{roster_url(today_class)}#booking-{booking.id}")
    assert booking.is_walk_in and booking.channel == BookingChannel.WALK_IN
    assert (booking.status, booking.attendance) == (BookingStatus.BOOKED, Attendance.ATTENDED)


def test_walk_in_of_a_new_person(staff_client, today_class):
    response = staff_client.post(f"{roster_url(today_class)}/walk-in/new", data={
        "name": "小林 和夫", "name_kana": "こばやし かずお", "phone": "", "email": "",
        "district_id": "", "age_band": "", "reminder_channel": "automatic", "consent": "y",
        "seats": "2"})
    assert response.status_code == 302
    person = db.session.scalars(select(Person).where(Person.name == "小林 和夫")).one()
    assert person.consent_method == ConsentMethod.PAPER and person.created_channel == "walk_in"
    booking = db.session.scalars(select(Booking).where(Booking.person_id == person.id)).one()
    assert (booking.seats, booking.is_walk_in, booking.attendance) == (2, True,
                                                                       Attendance.ATTENDED)


@pytest.mark.parametrize("changes, field", [
    ({"name_kana": ""}, "name_kana"), ({"phone": "0120"}, "phone"), ({"seats": "5"}, "seats"),
])
def test_walk_in_new_person_with_bad_input_changes_nothing(staff_client, today_class, changes,
                                                           field):
    data = {"name": "小林 和夫", "name_kana": "こばやし かずお", "phone": "", "email": "",
            "district_id": "", "age_band": "", "reminder_channel": "automatic", "seats": "1",
            **changes}
    before = counts()
    response = staff_client.post(f"{roster_url(today_class)}/walk-in/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert counts() == before


def test_walk_in_without_a_free_seat_is_refused(english, today_class, seated, create_person):
    last_free = book(today_class, create_person())  # the fourth seat
    assert last_free.status == BookingStatus.BOOKED
    person = create_person()
    before = counts()
    response = english.post(f"{roster_url(today_class)}/walk-in/add",
                            data={"person_id": str(person.id), "seats": "1"})
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "not enough free seats" in flashes(html, "error")
    assert counts() == before


def test_walk_in_of_someone_already_booked_changes_nothing(english, today_class, seated):
    booking = seated[0][0]
    before = counts()
    response = english.post(f"{roster_url(today_class)}/walk-in/add",
                            data={"person_id": str(booking.person_id), "seats": "1"})
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "already has a booking for this session" in flashes(html, "info")
    assert counts() == before


def test_walk_in_of_an_unknown_person_is_404(staff_client, today_class):
    response = staff_client.post(f"{roster_url(today_class)}/walk-in/add",
                                 data={"person_id": "2147483000", "seats": "1"})
    assert response.status_code == 404


# -- the anonymous headcount -------------------------------------------------------------------

@pytest.fixture
def awareness_event(ctx, create_session):
    now = utcnow()
    return create_session(kind="awareness_event", title="スマホ体験会", capacity=None,
                          start_dt=now - timedelta(hours=1), end_dt=now + timedelta(hours=3))


def test_headcount_is_saved_and_audited(volunteer_client, volunteer, give_shift,
                                        awareness_event):
    give_shift(volunteer, awareness_event)
    page = volunteer_client.get(roster_url(awareness_event)).get_data(as_text=True)
    assert 'id="anonymous_headcount"' in page
    response = volunteer_client.post(f"{roster_url(awareness_event)}/headcount",
                                     data={"anonymous_headcount": "57"})
    assert response.headers["Location"].endswith("#headcount")
    assert reload(EventSession, awareness_event.id).anonymous_headcount == 57
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "session.headcount")) == 1


@pytest.mark.parametrize("value", ["-1", "many", "", "100001", "9" * 30])
def test_bad_headcount_changes_nothing(english, awareness_event, value):
    before = counts()
    response = english.post(f"{roster_url(awareness_event)}/headcount",
                            data={"anonymous_headcount": value})
    assert response.status_code == 302
    assert reload(EventSession, awareness_event.id).anonymous_headcount == 0
    assert counts() == before
    assert flashes(english.get(response.headers["Location"]).get_data(as_text=True), "error")


# -- printing ------------------------------------------------------------------------------------

def test_print_view_has_names_checkboxes_and_no_phone_numbers(staff_client, volunteer_client,
                                                              today_class, seated):
    for client in (staff_client, volunteer_client):
        response = client.get(f"{roster_url(today_class)}/print")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert names_in_order(html, ["渡辺 清", "阿部 正", "佐藤 恵子"]) == [
            "阿部 正", "佐藤 恵子", "渡辺 清"]
        assert html.count('class="sign-box"') >= 3
        assert 'class="roster-sheet"' in html and "print-view" in html
        for booking in seated[0]:
            assert display_phone(booking.person.phone) not in html
            assert booking.person.phone not in html


def test_print_view_of_a_day_has_one_sheet_per_session(staff_client, today_class, seated,
                                                       create_session):
    day = local_today()
    second = create_session(start_dt=local_datetime(day, time(12)),
                            end_dt=local_datetime(day, time(13)), capacity=5)
    consultation = create_session(kind="consultation", capacity=None,
                                  start_dt=local_datetime(day, time(14)),
                                  end_dt=local_datetime(day, time(15)))
    html = staff_client.get(f"/staff/rosters/print?date={day.isoformat()}").get_data(
        as_text=True)
    sheets = re.findall(r'<section class="roster-sheet" aria-labelledby="sheet-(\d+)"', html)
    assert str(today_class.id) in sheets and str(second.id) in sheets
    assert str(consultation.id) not in sheets
    assert staff_client.get("/staff/rosters/print?date=nonsense").status_code == 200


def test_roster_pages_of_unknown_sessions_are_404(staff_client):
    for path in ("", "/print", "/close", "/walk-in"):
        assert staff_client.get(f"/staff/sessions/2147483000/roster{path}").status_code == 404
