"""Online survey answers in the KPI figures: counted once per person and session, beside
the paper sheets; a session with paper sheets counts its sheets only; the staff's survey
page lists them."""

from datetime import date, time

import pytest

from desk.auth.models import Role
from desk.core.timeutil import local_datetime
from desk.events import bookings, surveys
from desk.events.models import Attendance
from desk.extensions import db
from desk.reports import metrics, services
from tests.fixtures.factories import NOW

HELD_DAY = date(2026, 11, 20)
AFTER = local_datetime(HELD_DAY, time(12))
NEXT_DAY = local_datetime(date(2026, 11, 21), time(10))
LATER = local_datetime(date(2026, 11, 25), time(10))


@pytest.fixture
def held_class(ctx, create_session):
    return create_session(day=HELD_DAY)


def _answered(session, person, useful, *, district=None):
    booking = bookings.book_seat(session, person, channel="phone_desk", actor="test",
                                 now=local_datetime(date(2026, 11, 1), time(10)),
                                 survey_consent=True).booking
    bookings.set_attendance(booking, Attendance.ATTENDED, actor="test", now=AFTER)
    invitation = surveys.invitation_of(booking)
    surveys.answer(invitation, {"useful": useful, "will_use": "yes"}, now=NEXT_DAY)
    return booking


def test_online_answers_count_once_per_person_and_session(held_class, create_person):
    first = _answered(held_class, create_person(), 5)
    _answered(held_class, create_person(), 4)
    invitation = surveys.invitation_of(first)
    with pytest.raises(surveys.SurveyClosed):
        surveys.answer(invitation, {"useful": "1"}, now=NEXT_DAY)
    # marked attended again: still the one invitation and the one answer
    bookings.set_attendance(first, None, actor="test", now=LATER)
    bookings.set_attendance(first, Attendance.ATTENDED, actor="test", now=LATER)
    figures = metrics.compute(HELD_DAY, HELD_DAY, now=NOW)
    assert figures["survey_responses"] == 2
    assert figures["survey_satisfaction"] == 4.5
    assert figures["survey_can_do_share"] is None


def test_a_session_with_paper_sheets_counts_its_sheets_only(held_class, create_person,
                                                           create_session):
    _answered(held_class, create_person(), 1)
    services.add_survey_entries(held_class, [{"satisfaction": "5", "can_do": "yes"}],
                                actor="test", now=LATER)
    other = create_session(day=HELD_DAY, start=time(14), end=time(15, 30))
    _answered(other, create_person(), 3)
    figures = metrics.compute(HELD_DAY, HELD_DAY, now=NOW)
    assert figures["survey_responses"] == 2
    assert figures["survey_satisfaction"] == 4.0


def test_online_answers_are_placed_by_the_person_s_district(held_class, create_person,
                                                           create_district):
    district = create_district(name="辻堂", name_kana="ツジドウ")
    _answered(held_class, create_person(district_id=district.id), 4)
    _answered(held_class, create_person(), 2)
    rows = {row.key: row for row in metrics.breakdown(HELD_DAY, HELD_DAY, "district", now=NOW)}
    assert rows[district.id].values["survey_responses"] == 1
    assert rows[None].values["survey_responses"] == 1


def test_the_staff_survey_page_lists_the_online_answers(client, login, create_user,
                                                       held_class, create_person):
    _answered(held_class, create_person(), 5)
    db.session.commit()
    login(client, create_user(Role.COORDINATOR))
    client.set_cookie("desk_locale", "en")
    page = client.get(f"/staff/reports/surveys/{held_class.id}").get_data(as_text=True)
    assert "Answered online: 1" in page
