"""What a volunteer may see and do (issue 6, privacy), as a role test through the pages:

- a volunteer staffing a session sees the attendees' names and readings while its roster
  opens (from the day before; tests/events/test_roster_access.py has the window), never
  their phone numbers, ages or districts;
- a volunteer who does not staff it sees no names;
- other volunteers' contact details only when both are on the same shift and both
  agreed to share;
- a volunteer cannot act on another volunteer's place;
- the volunteer pages are for the volunteer role only.
"""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.core.phone import display_phone
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.extensions import db
from desk.people.labels import AGE_BAND_LABELS
from desk.people.models import AgeBand
from desk.volunteers import services
from desk.volunteers.models import AssignmentStatus, ShiftAssignment

ATTENDEES = [("渡辺 清", "わたなべ きよし", "090-7000-0001", AgeBand.EIGHTIES),
             ("阿部 正", "あべ ただし", "0466-27-0002", AgeBand.SEVENTIES),
             ("佐藤 恵子", "さとう けいこ", "080-7000-0003", AgeBand.NINETY_PLUS)]


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
def session(ctx, create_session):
    day = local_today() + timedelta(days=1)  # the roster (and the names) open today
    return create_session(start_dt=local_datetime(day, time(10)),
                          end_dt=local_datetime(day, time(12)), capacity=10)


@pytest.fixture
def attendees(session, create_person, create_district):
    district = create_district(name="湘南台北部", name_kana="ショウナンダイホクブ")
    people = [create_person(name=name, name_kana=kana, phone=phone, age_band=age.value,
                            district_id=district.id)
              for name, kana, phone, age in ATTENDEES]
    for person in people:
        event_services.book_seat(session, person, channel="phone_desk", actor="test",
                                 now=utcnow())
    db.session.commit()
    return people, district


def take(shift, volunteer):
    assignment = services.sign_up_for_shift(shift, volunteer, actor="test", now=utcnow())
    db.session.commit()
    return assignment


def place_of(shift, volunteer):
    return db.session.scalar(select(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift.id, ShiftAssignment.volunteer_id == volunteer.id))


def page(client, shift):
    response = client.get(f"/volunteer/shifts/{shift.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def phone_forms(e164):
    """Every way a stored number could be printed."""
    national = display_phone(e164)
    return {e164, national, national.replace("-", ""), e164.removeprefix("+81")}


def assert_no_attendee_details(html, people, district):
    for person in people:
        for text in phone_forms(person.phone):
            assert text not in html, text
    for _name, _kana, _phone, age in ATTENDEES:
        assert str(AGE_BAND_LABELS[age]) not in html
    assert district.name not in html and district.name_kana not in html


def test_volunteer_staffing_a_session_sees_names_but_no_phones_ages_or_districts(
        linked, session, attendees, create_shift):
    people, district = attendees
    client, volunteer = linked()
    shift = create_shift(session)
    take(shift, volunteer)

    html = page(client, shift)

    for person in people:
        assert person.name in html
        assert person.name_kana in html
    assert_no_attendee_details(html, people, district)


def test_staffing_another_shift_of_the_session_also_shows_names(linked, session, attendees,
                                                                create_shift):
    people, district = attendees
    client, volunteer = linked()
    mine, other = create_shift(session, role="lead"), create_shift(session, role="reception")
    take(mine, volunteer)

    html = page(client, other)

    assert all(person.name in html for person in people)
    assert_no_attendee_details(html, people, district)


def test_volunteer_not_on_the_session_sees_no_names(linked, session, attendees, create_shift,
                                                   create_session):
    people, district = attendees
    client_a, volunteer_a = linked(shares_contact=True)
    client_b, volunteer_b = linked(shares_contact=True)
    shift = create_shift(session, places=2)
    take(shift, volunteer_a)
    # B staffs some other session, which gives no right to this one's names
    elsewhere = create_shift(create_session(
        start_dt=session.start_dt + timedelta(days=1), end_dt=session.end_dt + timedelta(days=1)))
    take(elsewhere, volunteer_b)

    html = page(client_b, shift)

    assert f"/volunteer/shifts/{shift.id}/sign-up" in html  # an open shift B could take
    for person in people:
        assert person.name not in html
        assert person.name_kana not in html
    assert_no_attendee_details(html, people, district)
    # nor the contact details of the volunteer already on it (both consented, but B is
    # not on the shift)
    assert volunteer_a.email not in html
    assert all(text not in html for text in phone_forms(volunteer_a.phone))
    # and the home page's open shifts name nobody either
    home = client_b.get("/volunteer").get_data(as_text=True)
    assert all(person.name not in home for person in people)


def test_withdrawn_volunteer_no_longer_sees_names(linked, session, attendees, create_shift,
                                                  monkeypatch):
    people, _district = attendees
    client, volunteer = linked()
    shift = create_shift(session)
    take(shift, volunteer)
    # the session is tomorrow (its roster open): withdrawing is allowed up to its start here
    monkeypatch.setitem(client.application.config, "DESK_SHIFT_WITHDRAW_HOURS", 0)
    services.withdraw_from_shift(place_of(shift, volunteer), actor="test", now=utcnow())
    db.session.commit()

    html = page(client, shift)

    assert all(person.name not in html for person in people)


@pytest.mark.parametrize(("mine", "theirs"), [(True, True), (True, False), (False, True),
                                              (False, False)],
                         ids=["both", "only me", "only them", "neither"])
def test_colleague_contacts_only_when_both_consented(linked, session, create_shift, mine,
                                                    theirs):
    client, volunteer = linked(shares_contact=mine)
    _client, colleague = linked(shares_contact=theirs)
    shift = create_shift(session, places=2)
    take(shift, volunteer)
    take(shift, colleague)

    html = page(client, shift)

    assert colleague.name in html  # the name always
    shown = [display_phone(colleague.phone) in html, colleague.phone in html,
             colleague.email in html]
    assert shown == [mine and theirs] * 3


def test_no_colleague_contacts_across_shifts_of_the_same_session(linked, session,
                                                                 create_shift):
    client, volunteer = linked(shares_contact=True)
    _client, colleague = linked(shares_contact=True)
    mine, theirs = create_shift(session, role="lead"), create_shift(session)
    take(mine, volunteer)
    take(theirs, colleague)

    for shift in (mine, theirs):
        html = page(client, shift)
        assert display_phone(colleague.phone) not in html
        assert colleague.email not in html


@pytest.mark.parametrize("action", ["withdraw", "check-in", "check-out"])
def test_volunteer_cannot_act_on_another_volunteers_place(linked, create_session, create_shift,
                                                          action):
    now = utcnow()
    session = create_session(start_dt=now + timedelta(minutes=30), end_dt=now + timedelta(hours=3))
    client_a, volunteer_a = linked()
    _client_b, volunteer_b = linked()
    shift = create_shift(session)
    assignment = take(shift, volunteer_b)
    if action == "check-out":
        services.check_in(assignment, actor="test", now=utcnow())
        db.session.commit()

    response = client_a.post(f"/volunteer/shifts/{shift.id}/{action}")

    assert response.status_code == 404
    db.session.expire_all()
    assignment = db.session.get(ShiftAssignment, assignment.id)
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.check_out_dt is None
    assert (assignment.check_in_dt is None) is (action != "check-out")
    assert place_of(shift, volunteer_a) is None


@pytest.mark.parametrize("url", ["/volunteer", "/volunteer/profile", "/volunteer/shifts/1"])
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_volunteer_pages_are_403_for_staff(ctx, create_user, login, url, role):
    client = ctx.test_client()
    login(client, create_user(role))
    assert client.get(url).status_code == 403
    assert client.post("/volunteer/shifts/1/sign-up").status_code == 403


@pytest.mark.parametrize("url", ["/volunteer", "/volunteer/profile", "/volunteer/shifts/1"])
def test_volunteer_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
