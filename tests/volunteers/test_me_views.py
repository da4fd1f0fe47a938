"""The volunteer's own pages through the test client: my next shifts, the open shifts
filtered by skills and usual times, sign-up, withdrawal before and after the cut-off,
check-in and check-out, the profile form (what a volunteer may and may not change) and
the calendar address.

Shifts are anchored to the real clock, because the views use it; their local times are
fixed (10:00-12:00 JST a few days ahead), so no test depends on the hour it runs at.
"""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.phone import display_phone
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.extensions import db
from desk.volunteers import services
from desk.volunteers.models import AssignmentStatus, ShiftAssignment, Volunteer

DAY = timedelta(days=1)


def flashes(html, category):
    return " ".join(re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'<p class="flash flash--{category}" role="\w+">(.*?)</p>', html, re.S))


def between(html, start_id, end_id=None):
    """The part of a page from the element with id `start_id` to the one with `end_id`."""
    start = html.index(f'id="{start_id}"')
    end = html.index(f'id="{end_id}"') if end_id else len(html)
    return html[start:end]


def mine(html):
    return between(html, "next-heading", "open-heading")


def offered(html):
    return between(html, "open-heading", "hours-heading")


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def place_of(shift, volunteer):
    db.session.expire_all()
    return db.session.scalar(select(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift.id, ShiftAssignment.volunteer_id == volunteer.id))


@pytest.fixture
def linked(ctx, create_user, create_volunteer, login):
    """linked(**profile) -> (client logged in as a volunteer account, its Volunteer)."""
    def factory(**data):
        user = create_user(Role.VOLUNTEER)
        volunteer = create_volunteer(**data)
        volunteer.user_id = user.id
        db.session.commit()
        client = ctx.test_client()
        login(client, user)
        client.set_cookie("desk_locale", "en")
        return client, volunteer

    return factory


@pytest.fixture
def me(linked):
    return linked(notes="Prefers mornings (coordinator only)")


@pytest.fixture
def later_session(create_session):
    """later_session(days, start, end) -> a class on a day a few days ahead (JST)."""
    def factory(days=3, start=time(10), end=time(12)):
        day = local_today() + timedelta(days=days)
        return create_session(start_dt=local_datetime(day, start),
                              end_dt=local_datetime(day, end))

    return factory


@pytest.fixture
def soon_session(create_session):
    """A class starting in half an hour: check-in is open, withdrawal is closed."""
    now = utcnow()
    return create_session(start_dt=now + timedelta(minutes=30), end_dt=now + timedelta(hours=3))


def sign_up(shift, volunteer):
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=utcnow())
    db.session.commit()
    return assignment


# -- home ---------------------------------------------------------------------------------

def test_home_lists_my_shifts_and_the_open_ones_i_can_take(me, later_session, create_shift):
    client, volunteer = me
    my_session, open_session, skilled_session = (later_session(days) for days in (3, 4, 5))
    my_shift = create_shift(my_session, role="lead")
    sign_up(my_shift, volunteer)
    open_shift = create_shift(open_session, places=3, skills=["iphone"])
    needs_skill = create_shift(skilled_session, skills=["my_number"])

    html = client.get("/volunteer").get_data(as_text=True)

    assert my_session.venue.name in mine(html)
    assert "Lead" in mine(html)
    assert f"/volunteer/shifts/{my_shift.id}" in mine(html)
    assert f"/volunteer/shifts/{my_shift.id}/withdraw" in mine(html)
    assert open_session.venue.name in offered(html)
    assert f"/volunteer/shifts/{open_shift.id}/sign-up" in offered(html)
    assert "3 places left" in offered(html)
    # a shift asking for a skill the volunteer lacks is not offered
    assert skilled_session.venue.name not in html
    assert f"/volunteer/shifts/{needs_skill.id}/sign-up" not in html
    # the shift I hold is not offered again
    assert f"/volunteer/shifts/{my_shift.id}/sign-up" not in html


def test_open_shifts_follow_my_usual_times(linked, later_session, create_shift):
    inside, outside_hours, other_day = (later_session(3), later_session(3, time(14), time(16)),
                                        later_session(4))
    weekday = local_today().weekday()
    client, _volunteer = linked(availability=[
        {"weekday": (weekday + 3) % 7, "start_time": "09:00", "end_time": "13:00"}])
    shifts = {name: create_shift(session) for name, session in (
        ("inside", inside), ("outside_hours", outside_hours), ("other_day", other_day))}

    html = offered(client.get("/volunteer").get_data(as_text=True))

    assert f"/volunteer/shifts/{shifts['inside'].id}/sign-up" in html
    assert f"/volunteer/shifts/{shifts['outside_hours'].id}/sign-up" not in html
    assert f"/volunteer/shifts/{shifts['other_day'].id}/sign-up" not in html


def test_home_shows_my_hours(me, create_session, create_shift):
    client, volunteer = me
    now = utcnow()
    # a shift that ran earlier today (or from midnight JST, so that it is this month's)
    start = max(now - timedelta(hours=3), local_datetime(local_today(now), time(0)))
    session = create_session(start_dt=start, end_dt=now + timedelta(minutes=1))
    shift = create_shift(session)
    assignment = services.assign_volunteer(shift, volunteer, actor="test", now=now,
                                           confirmed=True)
    assignment.check_in_dt = start
    assignment.check_out_dt = start + timedelta(minutes=90)
    db.session.commit()

    html = between(client.get("/volunteer").get_data(as_text=True), "hours-heading")

    assert html.count("1 h 30 min (1 shift)") == 2  # this fiscal year and this month


def test_account_without_a_linked_profile_gets_a_friendly_page(ctx, create_user, login):
    client = ctx.test_client()
    login(client, create_user(Role.VOLUNTEER))
    client.set_cookie("desk_locale", "en")
    for url in ("/volunteer", "/volunteer/profile"):
        response = client.get(url)
        assert response.status_code == 200
        assert "not linked to this account yet" in response.get_data(as_text=True)
    response = client.post("/volunteer/shifts/1/sign-up", follow_redirects=True)
    assert "not linked to this account yet" in flashes(response.get_data(as_text=True), "error")


# -- sign-up, withdrawal ----------------------------------------------------------------------

def test_sign_up_through_the_page(me, later_session, create_shift):
    client, volunteer = me
    shift = create_shift(later_session(), places=2)

    response = client.post(f"/volunteer/shifts/{shift.id}/sign-up")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/volunteer")
    assignment = place_of(shift, volunteer)
    assert assignment.status == AssignmentStatus.ACTIVE
    html = client.get("/volunteer").get_data(as_text=True)
    assert "You are on the shift" in flashes(html, "success")
    assert f"/volunteer/shifts/{shift.id}" in mine(html)


def test_sign_up_for_a_full_shift_is_refused(me, linked, later_session, create_shift):
    client, volunteer = me
    shift = create_shift(later_session(), places=1)
    _other_client, other = linked()
    sign_up(shift, other)

    html = client.post(f"/volunteer/shifts/{shift.id}/sign-up",
                       follow_redirects=True).get_data(as_text=True)

    assert "All places on this shift are taken." in flashes(html, "error")
    assert place_of(shift, volunteer) is None


def test_sign_up_for_a_shift_that_does_not_exist_is_404(me):
    client, _volunteer = me
    assert client.post("/volunteer/shifts/2147483000/sign-up").status_code == 404


def test_withdraw_before_the_cutoff(me, later_session, create_shift):
    client, volunteer = me
    shift = create_shift(later_session())
    sign_up(shift, volunteer)

    html = client.post(f"/volunteer/shifts/{shift.id}/withdraw",
                       follow_redirects=True).get_data(as_text=True)

    assert "You have withdrawn from the shift." in flashes(html, "success")
    assert place_of(shift, volunteer).status == AssignmentStatus.WITHDRAWN
    assert f"/volunteer/shifts/{shift.id}/withdraw" not in html


def test_withdraw_after_the_cutoff_is_refused_with_the_phone_number(ctx, me, soon_session,
                                                                    create_shift):
    client, volunteer = me
    shift = create_shift(soon_session)
    sign_up(shift, volunteer)
    phone = ctx.config["DESK_DESK_PHONE"]
    before = audit_count()

    home = mine(client.get("/volunteer").get_data(as_text=True))
    assert f"/volunteer/shifts/{shift.id}/withdraw" not in home
    assert "call the coordinator" in home and phone in home

    html = client.post(f"/volunteer/shifts/{shift.id}/withdraw",
                       follow_redirects=True).get_data(as_text=True)

    assert "call the coordinator" in flashes(html, "error")
    assert phone in flashes(html, "error")
    assert place_of(shift, volunteer).status == AssignmentStatus.ACTIVE
    assert audit_count() == before


# -- on the day ----------------------------------------------------------------------------

def test_check_in_and_out_through_the_page(me, soon_session, create_shift):
    client, volunteer = me
    shift = create_shift(soon_session)
    sign_up(shift, volunteer)
    home = mine(client.get("/volunteer").get_data(as_text=True))
    assert f"/volunteer/shifts/{shift.id}/check-in" in home
    assert f"/volunteer/shifts/{shift.id}/check-out" not in home

    html = client.post(f"/volunteer/shifts/{shift.id}/check-in",
                       follow_redirects=True).get_data(as_text=True)

    assert "Checked in" in flashes(html, "success")
    assert place_of(shift, volunteer).check_in_dt is not None
    assert f"/volunteer/shifts/{shift.id}/check-in" not in mine(html)
    assert f"/volunteer/shifts/{shift.id}/check-out" in mine(html)

    html = client.post(f"/volunteer/shifts/{shift.id}/check-out",
                       data={"from": "shift"}, follow_redirects=True).get_data(as_text=True)

    assert "Checked out" in flashes(html, "success")
    assert "My place" in html  # back on the shift's page
    assignment = place_of(shift, volunteer)
    assert assignment.check_out_dt is not None
    assert assignment.check_out_dt >= assignment.check_in_dt


def test_check_in_too_early_is_refused(me, later_session, create_shift):
    client, volunteer = me
    shift = create_shift(later_session())
    sign_up(shift, volunteer)
    assert f"/volunteer/shifts/{shift.id}/check-in" not in client.get(
        "/volunteer").get_data(as_text=True)

    html = client.post(f"/volunteer/shifts/{shift.id}/check-in",
                       follow_redirects=True).get_data(as_text=True)

    assert "Check-in opens one hour before the shift" in flashes(html, "error")
    assert place_of(shift, volunteer).check_in_dt is None


def test_check_out_before_check_in_is_refused(me, soon_session, create_shift):
    client, volunteer = me
    shift = create_shift(soon_session)
    sign_up(shift, volunteer)
    html = client.post(f"/volunteer/shifts/{shift.id}/check-out",
                       follow_redirects=True).get_data(as_text=True)
    assert "Check in first." in flashes(html, "error")
    assert place_of(shift, volunteer).check_out_dt is None


# -- the shift's page ------------------------------------------------------------------------

def test_shift_page_shows_the_details(me, later_session, create_shift):
    client, volunteer = me
    session = later_session()
    shift = create_shift(session, role="reception", notes="受付の机は入口の右です。",
                         skills=["iphone"])

    html = client.get(f"/volunteer/shifts/{shift.id}").get_data(as_text=True)

    assert session.venue.name in html and session.venue.address in html
    assert "Reception" in html and "受付の机は入口の右です。" in html
    assert f"/volunteer/shifts/{shift.id}/sign-up" in html  # offered to me
    assert "10:00–12:00" in html


def test_shift_page_of_a_cancelled_session_says_so(me, later_session, create_shift):
    from desk.events import services as event_services

    client, volunteer = me
    session = later_session()
    shift = create_shift(session)
    sign_up(shift, volunteer)
    event_services.cancel_session(session, "台風のため", actor="test", now=utcnow())
    db.session.commit()

    html = client.get(f"/volunteer/shifts/{shift.id}").get_data(as_text=True)

    assert "This session is cancelled." in html and "台風のため" in html
    assert "/sign-up" not in html and "/withdraw" not in html
    assert f"/volunteer/shifts/{shift.id}" not in mine(client.get("/volunteer").get_data(
        as_text=True))


def test_unknown_shift_page_is_404(me):
    client, _volunteer = me
    assert client.get("/volunteer/shifts/2147483000").status_code == 404


# -- the profile -----------------------------------------------------------------------------

PROFILE = {
    "phone": "090-1111-2222",
    "email": "Yamamoto.K@Example.jp",
    "message_channel": "email",
    "shares_contact": "y",
    "language": "en",
    "skills": ["line", "iphone"],
    "availability-0-weekday": "2",
    "availability-0-start_time": "09:00",
    "availability-0-end_time": "12:00",
    "availability-1-weekday": "",
    "availability-1-start_time": "",
    "availability-1-end_time": "",
    "availability-2-weekday": "5",
    "availability-2-start_time": "13:30",
    "availability-2-end_time": "17:00",
}


def test_profile_shows_my_details_but_not_the_coordinators_notes(me):
    client, volunteer = me
    html = client.get("/volunteer/profile").get_data(as_text=True)
    assert display_phone(volunteer.phone) in html
    assert volunteer.email in html
    assert "coordinator only" not in html
    assert 'name="notes"' not in html and 'name="affiliation"' not in html
    assert 'name="is_active"' not in html


def test_profile_update_through_the_page(me):
    client, volunteer = me
    response = client.post("/volunteer/profile", data={
        **PROFILE, "notes": "written by the volunteer", "affiliation": "city_staff",
        "is_active": "", "name": "別人"})

    assert response.status_code == 302
    db.session.expire_all()
    volunteer = db.session.get(Volunteer, volunteer.id)
    assert volunteer.phone == "+819011112222"
    assert volunteer.email == "yamamoto.k@example.jp"
    assert volunteer.message_channel.value == "email"
    assert volunteer.shares_contact is True
    assert volunteer.language == "en"
    assert {skill.value for skill in volunteer.skills} == {"line", "iphone"}
    assert [(row.weekday, f"{row.start_time:%H:%M}", f"{row.end_time:%H:%M}")
            for row in volunteer.availability] == [(2, "09:00", "12:00"), (5, "13:30", "17:00")]
    # what only a coordinator may change stays as it was
    assert volunteer.notes == "Prefers mornings (coordinator only)"
    assert volunteer.affiliation.value == "ict_volunteer"
    assert volunteer.is_active is True
    assert volunteer.name != "別人"

    html = client.get("/volunteer/profile").get_data(as_text=True)
    assert "Your profile has been saved." in flashes(html, "success")
    assert 'value="13:30"' in html


def test_unticking_everything_clears_skills_consent_and_usual_times(linked):
    client, volunteer = linked(shares_contact=True, availability=[
        {"weekday": 0, "start_time": "09:00", "end_time": "12:00"}])
    data = {"phone": display_phone(volunteer.phone), "email": volunteer.email,
            "message_channel": "sms", "language": "ja"}
    assert client.post("/volunteer/profile", data=data).status_code == 302
    db.session.expire_all()
    volunteer = db.session.get(Volunteer, volunteer.id)
    assert volunteer.skills == set()
    assert volunteer.shares_contact is False
    assert volunteer.availability == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"phone": "12"}, "This is not a Japanese phone number we can use"),
    ({"phone": "0466-25-1234", "message_channel": "sms"}, "Messages by SMS need a mobile"),
    ({"phone": "", "email": ""}, "Enter a phone number or an e-mail address."),
    ({"email": "not-an-address"}, "Enter a valid e-mail address."),
    ({"availability-0-start_time": ""}, "Each usual time needs a weekday, a start and an end."),
    ({"availability-0-end_time": "08:00"}, "Each usual time must end after it starts."),
    ({"availability-0-weekday": "9"}, "Each usual time needs a weekday, a start and an end."),
    ({"availability-0-start_time": "25:99"},
     "Each usual time needs a weekday, a start and an end."),
    ({"message_channel": "pigeon"}, "Not a valid choice"),
    ({"skills": ["juggling"]}, "not a valid choice"),
    ({"language": "xx"}, "Not a valid choice"),
])
def test_bad_profile_input_changes_nothing(me, changes, message):
    client, volunteer = me
    db.session.expire_all()
    before = (volunteer.phone, volunteer.email, volunteer.message_channel,
              sorted(volunteer.skills), len(volunteer.availability), volunteer.updated_dt)
    audits = audit_count()

    response = client.post("/volunteer/profile", data={**PROFILE, **changes})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    db.session.expire_all()
    volunteer = db.session.get(Volunteer, volunteer.id)
    assert (volunteer.phone, volunteer.email, volunteer.message_channel,
            sorted(volunteer.skills), len(volunteer.availability),
            volunteer.updated_dt) == before
    assert audit_count() == audits


def test_calendar_address_and_renewing_it(ctx, me):
    from desk.volunteers.feed import feed_url, webcal_url

    client, volunteer = me
    old = volunteer.feed_token
    with ctx.test_request_context():
        addresses = feed_url(old), webcal_url(old)
    assert addresses[0].endswith(f"/volunteer/feed/{old}.ics")
    assert addresses[1].startswith("webcal://")

    html = client.get("/volunteer/profile").get_data(as_text=True)
    assert all(address in html for address in addresses)

    response = client.post("/volunteer/profile/feed")

    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Volunteer, volunteer.id).feed_token
    assert new != old
    html = client.get("/volunteer/profile").get_data(as_text=True)
    assert "The old address no longer works" in flashes(html, "success")
    assert old not in html
    assert f"/volunteer/feed/{new}.ics" in html
