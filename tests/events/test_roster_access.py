"""Need to know: a volunteer opens a session's roster, prints it and marks attendance
there only while they hold a place on one of its shifts, from the day before the
session until the day after (DESK_ROSTER_DAYS_BEFORE / _AFTER); coordinators and
admins open every roster (desk.events.access, filled by desk.volunteers).

Sessions are anchored to the real clock, because the views use it.
"""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import PermissionDenied
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import access, services
from desk.events.models import Attendance, Booking, EventSession
from desk.extensions import db
from desk.volunteers import services as volunteer_services
from tests.fixtures.factories import NOW

REFUSAL = "only while they have a shift there"


def _day(offset):
    return local_today() + timedelta(days=offset)


@pytest.fixture
def volunteer(ctx, create_user):
    return create_user(Role.VOLUNTEER)


@pytest.fixture
def volunteer_client(app, volunteer, login):
    client = app.test_client()
    login(client, volunteer)
    client.set_cookie("desk_locale", "en")
    return client


@pytest.fixture
def session_on(create_session, create_person):
    """A class on the day `offset` days from today (10:00-11:30 JST) with one booking."""
    def factory(offset, **data):
        day = _day(offset)
        session = create_session(start_dt=local_datetime(day, time(10)),
                                 end_dt=local_datetime(day, time(11, 30)), **data)
        services.book_seat(session, create_person(), channel="phone_desk", actor="test",
                           now=session.start_dt - timedelta(days=1))
        db.session.commit()
        return session

    return factory


def _booking(session):
    return db.session.scalar(select(Booking).where(Booking.session_id == session.id))


def _roster(session):
    return f"/staff/sessions/{session.id}/roster"


def _audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _pages(client, session):
    return {page: client.get(_roster(session) + page).status_code for page in ("", "/print")}


@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["day-after", "on-the-day", "day-before"])
def test_a_volunteer_on_a_shift_opens_the_roster_around_its_day(volunteer_client, volunteer,
                                                               give_shift, session_on,
                                                               offset):
    session = session_on(offset)
    give_shift(volunteer, session)
    assert _pages(volunteer_client, session) == {"": 200, "/print": 200}


@pytest.mark.parametrize("offset", [-2, 2, -30], ids=["two-days-after", "two-days-before",
                                                      "history"])
def test_outside_the_window_the_roster_is_closed_to_the_volunteer(
        volunteer_client, volunteer, give_shift, session_on, offset):
    session = session_on(offset)
    give_shift(volunteer, session)
    response = volunteer_client.get(_roster(session))
    assert response.status_code == 403
    assert REFUSAL in response.get_data(as_text=True)
    assert _pages(volunteer_client, session) == {"": 403, "/print": 403}


def test_without_a_shift_the_roster_is_closed_and_nothing_changes(
        app, volunteer_client, volunteer, give_shift, create_user, session_on):
    session = session_on(0, kind="class")
    mine = session_on(0)
    give_shift(volunteer, mine)  # staffing another session today does not help
    give_shift(create_user(Role.VOLUNTEER), session)  # nor does someone else's shift
    booking = _booking(session)
    before = _audit_count()
    response = volunteer_client.get(_roster(session))
    assert response.status_code == 403 and REFUSAL in response.get_data(as_text=True)
    assert _pages(volunteer_client, session) == {"": 403, "/print": 403}
    marked = volunteer_client.post(f"{_roster(session)}/{booking.id}",
                                   data={"attendance": "attended"})
    assert marked.status_code == 403
    counted = volunteer_client.post(f"{_roster(session)}/headcount",
                                    data={"anonymous_headcount": "5"})
    assert counted.status_code == 403
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).attendance is None
    assert db.session.get(EventSession, session.id).anonymous_headcount == 0
    assert _audit_count() == before
    # their own session's roster works
    own = _booking(mine)
    assert volunteer_client.post(f"{_roster(mine)}/{own.id}",
                                 data={"attendance": "attended"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, own.id).attendance == Attendance.ATTENDED


def _withdraw(assignment):
    volunteer_services.withdraw_from_shift(assignment, actor="test", now=NOW)


def _remove(assignment):
    volunteer_services.remove_from_shift(assignment, actor="test", now=NOW)


def _cancel_shift(assignment):
    volunteer_services.cancel_shift(assignment.shift, actor="test", now=NOW)


@pytest.mark.parametrize("end", [_withdraw, _remove, _cancel_shift],
                         ids=["withdrawn", "removed", "shift-cancelled"])
def test_a_place_given_up_closes_the_roster(volunteer_client, volunteer, give_shift,
                                            session_on, end):
    session = session_on(1)
    assignment = give_shift(volunteer, session)
    assert _pages(volunteer_client, session) == {"": 200, "/print": 200}
    end(assignment)
    db.session.commit()
    assert _pages(volunteer_client, session) == {"": 403, "/print": 403}


def test_staff_open_every_roster(staff_client, session_on):
    for offset in (-30, -2, 0, 2):
        assert _pages(staff_client, session_on(offset)) == {"": 200, "/print": 200}


def test_the_window_is_configurable(app, volunteer_client, volunteer, give_shift, session_on,
                                    monkeypatch):
    late, early = session_on(-3), session_on(2)
    give_shift(volunteer, late)
    give_shift(volunteer, early)
    monkeypatch.setitem(app.config, "DESK_ROSTER_DAYS_AFTER", 3)
    monkeypatch.setitem(app.config, "DESK_ROSTER_DAYS_BEFORE", 0)
    assert _pages(volunteer_client, late) == {"": 200, "/print": 200}
    assert _pages(volunteer_client, early) == {"": 403, "/print": 403}


def test_the_days_printed_rosters_hold_only_the_sessions_the_volunteer_staffs(
        volunteer_client, staff_client, volunteer, give_shift, session_on):
    mine = session_on(0)
    other = session_on(0)
    give_shift(volunteer, mine)
    query = f"/staff/rosters/print?date={local_today().isoformat()}"
    page = volunteer_client.get(query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="roster-sheet"') == 1
    assert _booking(mine).person.name in html
    staff_html = staff_client.get(query).get_data(as_text=True)
    assert staff_html.count('class="roster-sheet"') == 2
    assert other.id != mine.id


def test_the_attendance_service_refuses_a_volunteer_off_the_session(ctx, volunteer,
                                                                    give_shift, session_on):
    session = session_on(0)
    booking = _booking(session)
    with pytest.raises(PermissionDenied):
        services.set_attendance(booking, "attended", actor=volunteer, now=utcnow())
    with pytest.raises(PermissionDenied):
        services.set_anonymous_headcount(session, 3, actor=volunteer, now=utcnow())
    db.session.rollback()
    give_shift(volunteer, session)
    services.set_attendance(_booking(session), "attended", actor=volunteer, now=utcnow())
    assert access.may_open_roster(volunteer, session, now=utcnow())
    assert not access.may_open_roster(volunteer, session, now=utcnow() + timedelta(days=2))


@pytest.mark.parametrize("offset", [5, -3], ids=["next-week", "last-week"])
def test_the_shift_page_names_attendees_and_links_only_while_the_roster_opens(
        volunteer_client, volunteer, give_shift, session_on, offset):
    today = give_shift(volunteer, session_on(0))
    other = give_shift(volunteer, session_on(offset))
    html = volunteer_client.get(f"/volunteer/shifts/{today.shift_id}").get_data(as_text=True)
    assert _roster(today.shift.session) in html
    assert _booking(today.shift.session).person.name in html
    html = volunteer_client.get(f"/volunteer/shifts/{other.shift_id}").get_data(as_text=True)
    assert "/roster" not in html
    assert _booking(other.shift.session).person.name not in html
    assert "The names of the people booked, and the roster for check-in, can be seen" in html
