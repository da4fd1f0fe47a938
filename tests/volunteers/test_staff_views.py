"""The coordinators' volunteer pages: profiles, a session's shifts, assigning with
warnings, the day's check-in and check-out, same-day cover.

The pages run on the real clock (utcnow), so the sessions here are placed relative to
today: a few days ahead for planning, yesterday for the day's actions."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.core.timeutil import fiscal_year_of, local_datetime, local_today, to_local, utcnow
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.volunteers import queries, services
from desk.volunteers.models import (
    AssignmentSource,
    AssignmentStatus,
    Shift,
    ShiftAssignment,
    ShiftStatus,
    Skill,
    Volunteer,
)
from desk.volunteers.notices import ShiftTemplate


@pytest.fixture
def coordinator(ctx, client, login, create_user):
    user = create_user(Role.COORDINATOR)
    login(client, user)
    client.set_cookie("desk_locale", "en")
    return user


def _day(offset):
    return local_today() + timedelta(days=offset)


@pytest.fixture
def future_session(create_session):
    """A session five days ahead, 10:00–12:00 JST."""
    return create_session(day=_day(5), start=time(10), end=time(12))


@pytest.fixture
def past_session(create_session):
    """Yesterday's session, 10:00–12:00 JST."""
    return create_session(day=_day(-1), start=time(10), end=time(12))


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def _html(response):
    return response.get_data(as_text=True)


def _flashes(client, session):
    """The next page after a redirect: where the flashed messages show."""
    return _html(client.get(f"/staff/volunteers/sessions/{session.id}/shifts"))


def _reload(instance):
    db.session.expire_all()
    return db.session.get(type(instance), instance.id)


# -- volunteers ---------------------------------------------------------------------------------

def _profile(**changes):
    data = {"name": "佐々木 花子", "name_kana": "ささき はなこ", "phone": "080-1111-2222",
            "email": "Hanako@Example.jp", "affiliation": "digital_promoter",
            "message_channel": "sms", "language": "ja", "skills": ["iphone", "line"],
            "is_active": "y", "notes": "土曜は午前のみ\n車で来ます", "weekday_0": "5",
            "start_0": "09:00", "end_0": "12:00"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_volunteer_is_added_through_the_page(client, coordinator):
    assert client.get("/staff/volunteers/new").status_code == 200
    response = client.post("/staff/volunteers/new", data=_profile())
    assert response.status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert response.headers["Location"].endswith(f"/staff/volunteers/{volunteer.id}")
    assert (volunteer.name, volunteer.name_kana, volunteer.phone, volunteer.email) == (
        "佐々木 花子", "ササキ\u3000ハナコ", "+818011112222", "hanako@example.jp")
    assert volunteer.affiliation == "digital_promoter" and volunteer.is_active
    assert volunteer.skills == {Skill.IPHONE, Skill.LINE}
    assert [(row.weekday, row.start_time, row.end_time) for row in volunteer.availability] == [
        (5, time(9), time(12))]
    assert volunteer.notes == "土曜は午前のみ\n車で来ます"
    page = _html(client.get(f"/staff/volunteers/{volunteer.id}"))
    assert "佐々木 花子" in page and "土曜は午前のみ" in page
    listing = _html(client.get("/staff/volunteers?q=ささき"))
    assert "佐々木 花子" in listing and "1 volunteer found" in listing
    assert "No account yet" in listing


@pytest.mark.parametrize(("changes", "message"), [
    ({"phone": "12"}, "not a Japanese phone number"),
    ({"name_kana": "sasaki"}, "Write the reading in kana"),
    ({"name": ""}, "This field is required"),
    ({"phone": "0466-25-1234"}, "Messages by SMS need a mobile phone number"),
    ({"phone": "", "email": "", "message_channel": "none"},
     "Enter a phone number or an e-mail address"),
    ({"email": "hanako@"}, "Enter a valid e-mail address"),
    ({"weekday_0": "", "start_0": "09:00", "end_0": "12:00"},
     "Each usual time needs a weekday, a start and an end"),
    ({"end_0": "08:00"}, "Each usual time must end after it starts"),
    ({"start_0": "25:00"}, "Not a valid time value"),
    ({"skills": ["iphone", "teleport"]}, "is not a valid choice for this field"),
    ({"affiliation": "alien"}, "Not a valid choice"),
])
def test_bad_volunteer_input_gives_a_message_and_changes_nothing(client, coordinator, changes,
                                                                 message):
    response = client.post("/staff/volunteers/new", data=_profile(**changes))
    assert response.status_code == 200
    assert message in _html(response)
    assert 'class="error-summary"' in _html(response)
    assert _count(Volunteer) == 0


def test_volunteer_is_edited_through_the_page(client, coordinator, create_volunteer):
    volunteer = create_volunteer(availability=[
        {"weekday": 1, "start_time": "13:00", "end_time": "17:00"}], notes="古い")
    page = _html(client.get(f"/staff/volunteers/{volunteer.id}/edit"))
    assert 'value="13:00"' in page and "古い" in page
    response = client.post(f"/staff/volunteers/{volunteer.id}/edit", data=_profile(
        name=volunteer.name, name_kana=volunteer.name_kana, phone=volunteer.phone,
        affiliation="company", notes="新しい", weekday_0="", start_0="", end_0="",
        is_active=None, skills=["android"]))
    assert response.status_code == 302
    volunteer = _reload(volunteer)
    assert volunteer.affiliation == "company" and volunteer.notes == "新しい"
    assert volunteer.availability == [] and not volunteer.is_active
    assert volunteer.skills == {Skill.ANDROID}
    assert "Inactive" in _html(client.get("/staff/volunteers?status=inactive"))
    assert volunteer.name not in _html(client.get("/staff/volunteers"))


def test_bad_edit_changes_nothing(client, coordinator, create_volunteer):
    volunteer = create_volunteer(affiliation="student")
    response = client.post(f"/staff/volunteers/{volunteer.id}/edit", data=_profile(
        email="not an address", affiliation="company"))
    assert response.status_code == 200
    assert "Enter a valid e-mail address" in _html(response)
    volunteer = _reload(volunteer)
    assert volunteer.affiliation == "student" and volunteer.name != "佐々木 花子"
    assert client.get("/staff/volunteers/999999/edit").status_code == 404


def test_list_tells_whether_a_volunteer_has_an_account(client, coordinator, create_volunteer,
                                                       create_user):
    volunteer = create_volunteer()
    volunteer.user_id = create_user(Role.VOLUNTEER).id
    db.session.commit()
    page = _html(client.get("/staff/volunteers"))
    assert "Invited, not joined yet" in page and "Has an account" not in page
    volunteer.user.last_login_dt = utcnow()
    db.session.commit()
    page = _html(client.get("/staff/volunteers"))
    assert "Has an account" in page and "Invited, not joined yet" not in page


def test_list_filters(client, coordinator, create_volunteer):
    create_volunteer(name="山本 和夫", name_kana="やまもと かずお", skills=["line"],
                     affiliation="student")
    create_volunteer(name="中村 陽子", name_kana="なかむら ようこ", skills=["iphone"])
    assert "中村 陽子" not in _html(client.get("/staff/volunteers?skill=line"))
    assert "山本 和夫" in _html(client.get("/staff/volunteers?skill=line"))
    assert "山本 和夫" not in _html(client.get("/staff/volunteers?affiliation=ict_volunteer"))
    assert "山本 和夫" in _html(client.get("/staff/volunteers?q=ヤマモト"))
    assert "山本 和夫" in _html(client.get("/staff/volunteers?q=山本"))
    assert "山本 和夫" not in _html(client.get("/staff/volunteers?q=中村"))
    # unknown filter values mean "all", never an error
    page = client.get("/staff/volunteers?skill=x&affiliation=y&status=z&q=%00%25")
    assert page.status_code == 200


# -- shifts -------------------------------------------------------------------------------------

def test_shift_is_added_edited_and_cancelled_through_the_pages(client, coordinator,
                                                               future_session):
    url = f"/staff/volunteers/sessions/{future_session.id}/shifts"
    page = _html(client.get(url))
    assert 'value="10:00"' in page and 'value="12:00"' in page  # the session's times
    response = client.post(url + "/new", data={
        "role": "lead", "places": "2", "start_time": "10:00", "end_time": "11:00",
        "skills": ["iphone", "my_number"], "notes": "受付の横"})
    assert response.status_code == 302
    shift = db.session.scalar(select(Shift))
    assert response.headers["Location"].endswith(f"{url}#shift-{shift.id}")
    assert (shift.role, shift.places, shift.notes) == ("lead", 2, "受付の横")
    assert shift.start_dt == local_datetime(_day(5), time(10))
    assert shift.end_dt == local_datetime(_day(5), time(11))
    assert shift.required_skills == {Skill.IPHONE, Skill.MY_NUMBER}
    # empty times: the session's
    client.post(url + "/new", data={"role": "reception", "places": "1"})
    reception = db.session.scalars(select(Shift).where(Shift.role == "reception")).one()
    assert (reception.start_dt, reception.end_dt) == (future_session.start_dt,
                                                      future_session.end_dt)

    edit = f"/staff/volunteers/shifts/{shift.id}/edit"
    assert client.get(edit).status_code == 200
    response = client.post(edit, data={"role": "assistant", "places": "3",
                                       "start_time": "10:30", "end_time": "12:00"})
    assert response.status_code == 302
    shift = _reload(shift)
    assert (shift.role, shift.places, shift.required_skills) == ("assistant", 3, set())
    assert shift.start_dt == local_datetime(_day(5), time(10, 30))

    response = client.post(f"/staff/volunteers/shifts/{shift.id}/cancel")
    assert response.status_code == 302
    assert _reload(shift).status == ShiftStatus.CANCELLED
    assert "This shift is already cancelled" in _html(
        client.post(f"/staff/volunteers/shifts/{shift.id}/cancel", follow_redirects=True))
    response = client.post(edit, data={"role": "lead", "places": "1"})
    assert response.status_code == 200 and "cancelled" in _html(response)
    assert _reload(shift).role == "assistant"


def test_the_shift_form_calls_its_times_start_and_end_time(client, coordinator, future_session):
    client.set_cookie("desk_locale", "ja")
    page = _html(client.get(f"/staff/volunteers/sessions/{future_session.id}/shifts"))
    assert "開始時刻" in page and "終了時刻" in page
    assert "開始日" not in page and "終了日" not in page  # they are times, not dates


@pytest.mark.parametrize(("data", "message"), [
    ({"role": "lead", "places": "1", "start_time": "10:00", "end_time": "09:00"},
     "The shift must end after it starts"),
    ({"role": "lead", "places": "0"}, "Number must be between 1 and 20"),
    ({"role": "boss", "places": "1"}, "Not a valid choice"),
    ({"role": "lead", "places": "1", "start_time": "9時"}, "Not a valid time value"),
    ({"role": "lead", "places": "1", "skills": ["magic"]}, "is not a valid choice for this field"),
])
def test_bad_shift_input_gives_a_message_and_adds_nothing(client, coordinator, future_session,
                                                          data, message):
    response = client.post(f"/staff/volunteers/sessions/{future_session.id}/shifts/new",
                           data=data)
    assert response.status_code == 200
    assert message in _html(response)
    assert _count(Shift) == 0


def test_shift_cannot_shrink_below_its_volunteers(client, coordinator, future_session,
                                                  create_shift, create_volunteer):
    shift = create_shift(future_session, places=2)
    for _number in range(2):
        services.assign_volunteer(shift, create_volunteer(), actor="test", now=utcnow())
    db.session.commit()
    response = client.post(f"/staff/volunteers/shifts/{shift.id}/edit",
                           data={"role": "assistant", "places": "1"})
    assert response.status_code == 200
    assert "remove some before making it smaller" in _html(response)
    assert _reload(shift).places == 2


def _active(shift, volunteer):
    db.session.expire_all()
    return db.session.scalar(select(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift.id, ShiftAssignment.volunteer_id == volunteer.id,
        ShiftAssignment.status == AssignmentStatus.ACTIVE))


def test_assign_shows_the_warning_and_assigns_only_after_confirming(client, coordinator,
                                                                    future_session, create_shift,
                                                                    create_volunteer):
    shift = create_shift(future_session, places=2, skills=["my_number"])
    volunteer = create_volunteer(name="山本 和夫", skills=["iphone"])
    url = f"/staff/volunteers/shifts/{shift.id}/assign"
    response = client.post(url, data={"volunteer_id": str(volunteer.id)})
    assert response.status_code == 200
    page = _html(response)
    assert "Missing skills" in page
    assert "山本 和夫 does not have the skills this shift asks for" in page
    assert "Assign anyway" in page and 'name="confirmed" value="1"' in page
    assert _active(shift, volunteer) is None
    response = client.post(url, data={"volunteer_id": str(volunteer.id), "confirmed": "1"})
    assert response.status_code == 302
    assignment = _active(shift, volunteer)
    assert assignment is not None and assignment.source == AssignmentSource.COORDINATOR
    assert "山本 和夫 has been assigned" in _flashes(client, future_session)
    # without a warning the assignment is immediate; a bad choice changes nothing
    other = create_volunteer(skills=["my_number"])
    assert client.post(url, data={"volunteer_id": str(other.id)}).status_code == 302
    assert _active(shift, other) is not None
    for bad in ("", "abc", "999999", str(volunteer.id)):
        assert client.post(url, data={"volunteer_id": bad, "confirmed": "1"}).status_code == 302
    assert len(_reload(shift).active_assignments) == 2


@pytest.fixture
def two_venues(create_session, create_venue, create_shift, create_volunteer):
    """A volunteer on a shift 10:00–11:00 at one venue, and shifts at another venue on
    the same day: 20 minutes after (travel), 40 minutes after (fine), overlapping."""
    first, second = create_venue(), create_venue()
    day = _day(4)

    def shift_at(venue, start, end):
        return create_shift(create_session(day=day, start=start, end=end, venue_id=venue.id))

    held = shift_at(first, time(10), time(11))
    shifts = {"travel": shift_at(second, time(11, 20), time(12)),
              "fine": shift_at(second, time(11, 40), time(12, 30)),
              "overlap": shift_at(second, time(10, 30), time(11, 30))}
    volunteer = create_volunteer(name="中村 陽子")
    services.assign_volunteer(held, volunteer, actor="test", now=utcnow())
    db.session.commit()
    return volunteer, shifts


def test_overlap_and_travel_warnings_in_the_service(ctx, two_venues):
    volunteer, shifts = two_venues
    kinds = {name: [warning.kind for warning in services.staffing_warnings(shift, volunteer)]
             for name, shift in shifts.items()}
    assert kinds == {"travel": ["travel"], "fine": [], "overlap": ["overlap"]}


def test_overlap_and_travel_warnings_on_the_page(client, coordinator, two_venues):
    volunteer, shifts = two_venues

    def assign(name):
        return client.post(f"/staff/volunteers/shifts/{shifts[name].id}/assign",
                           data={"volunteer_id": str(volunteer.id)})

    page = _html(assign("travel"))
    assert "Travel between venues" in page
    assert "has a shift at another venue less than 30 minutes before or after" in page
    assert "Overlapping shift" not in page
    page = _html(assign("overlap"))
    assert "中村 陽子 already has a shift then" in page and "Assign anyway" in page
    assert _active(shifts["travel"], volunteer) is None
    assert _active(shifts["overlap"], volunteer) is None
    assert assign("fine").status_code == 302
    assert _active(shifts["fine"], volunteer) is not None


def test_remove_takes_the_volunteer_off(client, coordinator, future_session, create_shift,
                                        create_volunteer):
    shift = create_shift(future_session)
    volunteer = create_volunteer(name="小林 健一")
    assignment = services.assign_volunteer(shift, volunteer, actor="test", now=utcnow())
    db.session.commit()
    response = client.post(f"/staff/volunteers/assignments/{assignment.id}/remove")
    assert response.status_code == 302
    assignment = _reload(assignment)
    assert assignment.status == AssignmentStatus.REMOVED and assignment.ended_dt is not None
    page = _flashes(client, future_session)
    assert "小林 健一 has been taken off the shift" in page
    assert "1 volunteer no longer on the shift" in page
    client.post(f"/staff/volunteers/assignments/{assignment.id}/remove")
    assert "This volunteer is not on the shift" in _flashes(client, future_session)


def test_check_in_check_out_no_show_and_times(client, coordinator, past_session, create_shift,
                                              create_volunteer):
    shift = create_shift(past_session, places=3)
    came, absent, corrected = (services.assign_volunteer(
        shift, create_volunteer(), actor="test", now=utcnow()) for _number in range(3))
    db.session.commit()
    base = "/staff/volunteers/assignments"
    page = _flashes(client, past_session)
    assert f"{base}/{came.id}/check-in" in page and f"{base}/{came.id}/no-show" in page

    before = utcnow()
    assert client.post(f"{base}/{came.id}/check-in").status_code == 302
    assert client.post(f"{base}/{came.id}/check-out").status_code == 302
    came = _reload(came)
    assert before <= came.check_in_dt <= came.check_out_dt <= utcnow()

    assert client.post(f"{base}/{absent.id}/no-show").status_code == 302
    assert _reload(absent).is_no_show
    assert "Did not come" in _flashes(client, past_session)

    response = client.post(f"{base}/{corrected.id}/times",
                           data={"check_in": "09:50", "check_out": "12:10"})
    assert response.status_code == 302
    corrected = _reload(corrected)
    assert to_local(corrected.check_in_dt).time() == time(9, 50)
    assert corrected.check_in_dt == local_datetime(_day(-1), time(9, 50))
    assert corrected.check_out_dt == local_datetime(_day(-1), time(12, 10))
    # wrong times and impossible marks: a message, nothing changed
    for data in ({"check_in": "25:00"}, {"check_in": "11:00", "check_out": "10:00"},
                 {"check_out": "11:00"}):
        client.post(f"{base}/{corrected.id}/times", data=data)
        assert _reload(corrected).check_in_dt == local_datetime(_day(-1), time(9, 50))
    client.post(f"{base}/{came.id}/no-show")
    assert not _reload(came).is_no_show
    assert "clear the check-in first" in _flashes(client, past_session)
    # an empty check-in clears both times
    client.post(f"{base}/{corrected.id}/times", data={"check_in": "", "check_out": ""})
    corrected = _reload(corrected)
    assert corrected.check_in_dt is None and corrected.check_out_dt is None
    assert client.post(f"{base}/999999/check-in").status_code == 404


def test_cover_asks_only_matching_volunteers_and_nobody_twice(client, coordinator,
                                                               create_session, create_shift,
                                                               create_volunteer):
    day = _day(3)
    session = create_session(day=day, start=time(10), end=time(12))
    shift = create_shift(session, places=2, skills=["line"])
    other_day = (day.weekday() + 1) % 7
    holder = create_volunteer(skills=["line"])
    services.assign_volunteer(shift, holder, actor="test", now=utcnow())
    matching = create_volunteer(skills=["line", "iphone"])
    usual = create_volunteer(skills=["line"], availability=[
        {"weekday": day.weekday(), "start_time": "09:00", "end_time": "13:00"}])
    create_volunteer(skills=["iphone"])  # lacks the skill
    create_volunteer(skills=["line"], availability=[  # not their usual day
        {"weekday": other_day, "start_time": "09:00", "end_time": "13:00"}])
    create_volunteer(skills=["line"], message_channel="none")  # cannot be reached
    create_volunteer(skills=["line"], is_active=False)
    busy = create_volunteer(skills=["line"])
    elsewhere = create_shift(create_session(day=day, start=time(11), end=time(13)))
    services.assign_volunteer(elsewhere, busy, actor="test", now=utcnow())
    db.session.commit()

    def asked():
        db.session.expire_all()
        return sorted(db.session.scalars(select(OutboxMessage.recipient_id).where(
            OutboxMessage.template == ShiftTemplate.SHIFT_COVER,
            OutboxMessage.topic == "shift", OutboxMessage.topic_id == shift.id)))

    assert "Ask matching volunteers to cover" in _flashes(client, session)
    assert client.post(f"/staff/volunteers/shifts/{shift.id}/cover").status_code == 302
    assert asked() == sorted([matching.id, usual.id])
    assert "2 volunteers have been asked to cover the shift" in _flashes(client, session)
    assert client.post(f"/staff/volunteers/shifts/{shift.id}/cover").status_code == 302
    assert asked() == sorted([matching.id, usual.id])
    page = _flashes(client, session)
    assert "Nobody new was asked" in page
    assert "2 matching volunteers were asked before and not again" in page


def test_cover_is_offered_prominently_after_a_late_removal(ctx, create_session, create_shift,
                                                           create_volunteer):
    session = create_session(day=_day(3), start=time(10), end=time(12))
    shift = create_shift(session, places=1)
    assignment = services.assign_volunteer(shift, create_volunteer(), actor="test",
                                           now=shift.start_dt - timedelta(days=2))
    start = shift.start_dt
    assert services.cover_reason(shift, now=start - timedelta(hours=30)) is None  # taken
    services.remove_from_shift(assignment, actor="test", now=start - timedelta(hours=3))
    db.session.commit()
    assert services.cover_reason(shift, now=start - timedelta(hours=2)) is not None
    assert services.cover_reason(shift, now=shift.end_dt) is None  # over
    early = create_shift(session, places=1)
    left = services.assign_volunteer(early, create_volunteer(), actor="test",
                                     now=start - timedelta(days=3))
    services.remove_from_shift(left, actor="test", now=start - timedelta(days=2))
    assert services.cover_reason(early, now=start - timedelta(days=1, hours=12)) is None
    assert services.cover_reason(early, now=start - timedelta(hours=1)) is not None  # the day


def test_shifts_page_shows_staffing_and_who_holds_each_place(client, coordinator,
                                                             future_session, create_shift,
                                                             create_volunteer):
    lead = create_shift(future_session, role="lead", places=1)
    create_shift(future_session, role="assistant", places=2)
    assignment = services.assign_volunteer(lead, create_volunteer(name="加藤 美穂"),
                                           actor="test", now=utcnow())
    db.session.commit()
    page = _html(client.get(f"/staff/volunteers/sessions/{future_session.id}/shifts"))
    assert "Understaffed" in page and "加藤 美穂" in page
    # check-in and the times are offered from the shift's day on, taking off at any time
    assert f"/assignments/{assignment.id}/check-in" not in page
    assert f"/assignments/{assignment.id}/times" not in page
    assert f"/assignments/{assignment.id}/remove" in page
    assert "1 of 1 needed" in page  # the lead
    assert "2 places free" in page
    assert "Assigned by a coordinator" in page
    sessions = _html(client.get("/staff/sessions"))
    assert f"/staff/volunteers/sessions/{future_session.id}/shifts" in sessions
    assert client.get("/staff/volunteers/sessions/999999/shifts").status_code == 404


def test_the_sessions_page_shows_the_understaffed_panel_for_its_filters(
        client, coordinator, future_session, create_session, create_shift, create_volunteer):
    """The schedule's start page knows nothing of volunteers: their panel is registered
    (desk.events.panels) and follows the page's venue and kind filters."""
    create_shift(future_session, role="lead", places=1)
    elsewhere = create_session(day=_day(6), start=time(10), end=time(12))
    services.assign_volunteer(create_shift(elsewhere, role="lead", places=1),
                              create_volunteer(), actor="test", now=utcnow())
    db.session.commit()
    shifts_url = f"/staff/volunteers/sessions/{future_session.id}/shifts"
    page = _html(client.get("/staff/sessions"))
    panel = page[page.index('<section id="understaffed"'):]
    panel = panel[:panel.index("</section>")]
    assert shifts_url in panel and "0 of 1 volunteers" in panel and "no lead yet" in panel
    assert f"/staff/volunteers/sessions/{elsewhere.id}/shifts" not in panel
    other_venue = _html(client.get(f"/staff/sessions?venue={elsewhere.venue_id}"))
    assert 'id="understaffed"' in other_venue and shifts_url not in other_venue
    assert "Every session in this period has the volunteers it needs." in other_venue
    assert shifts_url not in _html(client.get("/staff/sessions?kind=awareness_event"))


def test_volunteer_detail_lists_shifts_and_hours(client, coordinator, past_session,
                                                 future_session, create_shift, create_volunteer):
    volunteer = create_volunteer(name="吉田 翔太")
    worked = services.assign_volunteer(create_shift(past_session), volunteer, actor="test",
                                       now=utcnow())
    services.set_times(worked, {"check_in": "10:00", "check_out": "11:30"}, actor="test",
                       now=utcnow())
    services.assign_volunteer(create_shift(future_session, role="lead"), volunteer,
                              actor="test", now=utcnow())
    db.session.commit()
    page = _html(client.get(f"/staff/volunteers/{volunteer.id}"))
    assert "Upcoming shifts" in page and "Past shifts" in page
    assert "No upcoming shifts" not in page and "No past shifts" not in page
    # hours of this fiscal year (on 1 April, yesterday's shift was last year's)
    same_year = fiscal_year_of(_day(-1)) == fiscal_year_of(local_today())
    assert ("1 h 30 min" if same_year else "0 h") in page


def test_find_volunteers_by_name_reading_skill_affiliation_and_status(ctx, create_volunteer):
    yamamoto = create_volunteer(name="山本 和夫", name_kana="やまもと かずお", skills=["line"],
                                affiliation="student")
    nakamura = create_volunteer(name="中村 陽子", name_kana="なかむら ようこ", skills=["iphone"])
    resting = create_volunteer(name="山田 太郎", name_kana="やまだ たろう", is_active=False)
    assert queries.find_volunteers(text="ﾔﾏﾓﾄ ｶｽﾞｵ") == [yamamoto]  # any kana, width, spacing
    assert queries.find_volunteers(text="山本和夫") == [yamamoto]  # spaces ignored
    assert queries.find_volunteers(text="山") == [yamamoto]
    assert queries.find_volunteers(text="山", status="all") == [resting, yamamoto]
    assert queries.find_volunteers(status="inactive") == [resting]
    assert queries.find_volunteers(skill="line") == [yamamoto]
    assert queries.find_volunteers(affiliation="ict_volunteer") == [nakamura]
    assert queries.find_volunteers(text="100%") == []
