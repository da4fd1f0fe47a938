"""Hours and no-shows per volunteer and per affiliation on a hand-built fixture, the CSV
export read back, and the staffing rule (who is understaffed)."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest

from desk.auth.models import Role
from desk.events import services as event_services
from desk.extensions import db
from desk.volunteers import export, queries, services
from desk.volunteers.models import Affiliation
from tests.fixtures.factories import NOW

EARLY = datetime.fromisoformat("2026-10-20T00:00:00+00:00")  # before every shift
AFTER = datetime.fromisoformat("2026-12-31T00:00:00+00:00")  # after every shift
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
INJECTED = '=HYPERLINK("https://evil.example/","click")'


def _assign(shift, volunteer):
    return services.assign_volunteer(shift, volunteer, actor="test", now=EARLY, confirmed=True)


def _times(assignment, check_in, check_out=""):
    services.set_times(assignment, {"check_in": check_in, "check_out": check_out},
                       actor="test", now=AFTER)


@pytest.fixture
def hours_fixture(ctx, create_session, create_shift, create_volunteer):
    """Three volunteers of two affiliations in November 2026:

    - 山本 (ICT): S1 lead 09:55–12:05 (2h10), S2 checked in 13:00 without check-out
      (counted to the shift's end, 16:00: 3h); also on a cancelled session and on a
      December shift, both with times, neither counted -> 2 shifts, 5h10 = 5.17
    - 中村 (ICT): S1 10:00–11:30 (1h30), S2 no-show -> 2 shifts, 1 worked, 1.50, 1 no-show
    - "=HYPERLINK..." (student, reading コバヤシ): withdrew from S1 (not counted),
      S2 13:15–15:45 (2h30) -> 1 shift, 2.50
    """
    s1 = create_session(day=date(2026, 11, 10), start=time(10), end=time(12))
    s2 = create_session(day=date(2026, 11, 17), start=time(13), end=time(16))
    s3 = create_session(day=date(2026, 11, 20), start=time(10), end=time(12))
    s4 = create_session(day=date(2026, 12, 3), start=time(10), end=time(11, 30))
    lead1 = create_shift(s1, role="lead", places=1)
    helpers1 = create_shift(s1, role="assistant", places=2)
    helpers2 = create_shift(s2, role="assistant", places=3)
    shift3 = create_shift(s3, places=1)
    shift4 = create_shift(s4, places=1)
    yamamoto = create_volunteer(name="山本 和夫", name_kana="やまもと かずお")
    nakamura = create_volunteer(name="中村 陽子", name_kana="なかむら ようこ")
    injected = create_volunteer(name=INJECTED, name_kana="こばやし けんいち",
                                affiliation="student")

    _times(_assign(lead1, yamamoto), "09:55", "12:05")
    _times(_assign(helpers2, yamamoto), "13:00")
    _times(_assign(helpers1, nakamura), "10:00", "11:30")
    services.mark_no_show(_assign(helpers2, nakamura), actor="test", now=AFTER)
    services.withdraw_from_shift(_assign(helpers1, injected), actor="test", now=EARLY)
    _times(_assign(helpers2, injected), "13:15", "15:45")
    _times(_assign(shift4, yamamoto), "10:00", "11:30")  # December: outside the period
    on_cancelled = _assign(shift3, yamamoto)
    _times(on_cancelled, "10:00", "12:00")
    event_services.cancel_session(s3, "台風のため", actor="test", now=AFTER)
    db.session.commit()
    return {"yamamoto": yamamoto, "nakamura": nakamura, "injected": injected}


def _figures(row):
    return row.shifts, row.worked_shifts, f"{export.hours_decimal(row.time):.2f}", row.no_shows


def test_hours_report_totals_per_volunteer_and_affiliation(hours_fixture):
    volunteers, affiliations = queries.hours_report(FIRST, LAST)
    # sorted by reading: コバヤシ, ナカムラ, ヤマモト
    assert [row.key.id for row in volunteers] == [
        hours_fixture[name].id for name in ("injected", "nakamura", "yamamoto")]
    assert [_figures(row) for row in volunteers] == [
        (1, 1, "2.50", 0), (2, 1, "1.50", 1), (2, 2, "5.17", 0)]
    assert volunteers[2].time == timedelta(hours=5, minutes=10)
    assert [row.key for row in affiliations] == [Affiliation.ICT_VOLUNTEER, Affiliation.STUDENT]
    assert [_figures(row) for row in affiliations] == [(4, 3, "6.67", 1), (1, 1, "2.50", 0)]
    assert affiliations[0].time == timedelta(hours=6, minutes=40)


def test_hours_of_one_volunteer_and_a_period_without_shifts(hours_fixture):
    row = queries.hours_of(hours_fixture["yamamoto"], FIRST, LAST)
    assert _figures(row) == (2, 2, "5.17", 0)
    # the December shift counts in December, on its own
    row = queries.hours_of(hours_fixture["yamamoto"], date(2026, 12, 1), date(2026, 12, 31))
    assert _figures(row) == (1, 1, "1.50", 0)
    assert queries.hours_report(date(2026, 10, 1), date(2026, 10, 31)) == ([], [])


def test_hours_csv_reads_back_with_bom_and_guarded_text(client, login, create_user,
                                                        hours_fixture):
    login(client, create_user(Role.COORDINATOR))
    response = client.get("/staff/volunteers/hours.csv?from=2026-11-01&to=2026-11-30")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "volunteer-hours_2026-11-01_2026-11-30.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows[0]) == 9
    data = rows[1:]
    kinds = [row[0] for row in data]
    assert len(set(kinds[:3])) == 1 and len(set(kinds[3:])) == 1 and kinds[0] != kinds[3]
    ids = {volunteer.id: name for name, volunteer in hours_fixture.items()}
    assert [(ids[int(row[1])], row[2], row[3], *row[5:]) for row in data[:3]] == [
        ("injected", "'" + INJECTED, "コバヤシ\u3000ケンイチ", "1", "1", "2.50", "0"),
        ("nakamura", "中村 陽子", "ナカムラ\u3000ヨウコ", "2", "1", "1.50", "1"),
        ("yamamoto", "山本 和夫", "ヤマモト\u3000カズオ", "2", "2", "5.17", "0"),
    ]
    assert [row[1:4] for row in data[3:]] == [["", "", ""], ["", "", ""]]
    assert [row[5:] for row in data[3:]] == [["4", "3", "6.67", "1"], ["1", "1", "2.50", "0"]]
    # the numbers stay numbers: no quote, a dot for decimals
    assert float(data[4][7]) == 2.5


def test_hours_csv_guard_and_rounding_helpers():
    for text in ("=1+2", "+81", "-3", "@SUM(A1)", "\tx", "\rx"):
        assert export.safe_text(text) == "'" + text
    assert export.safe_text("山本") == "山本"
    assert export.safe_text(None) == ""
    assert str(export.hours_decimal(timedelta(minutes=20))) == "0.33"
    assert str(export.hours_decimal(timedelta(minutes=45))) == "0.75"
    assert str(export.hours_decimal(timedelta(hours=1, seconds=18))) == "1.01"  # half up


def test_hours_page_shows_the_figures_and_bad_dates_give_a_message(client, login, create_user,
                                                                   hours_fixture):
    login(client, create_user(Role.COORDINATOR))
    page = client.get("/staff/volunteers/hours?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for figure in ("5時間10分", "1時間30分", "2時間30分", "6時間40分", "中村 陽子"):
        assert figure in html
    assert "5.17" not in html and "1.50" not in html  # no decimal hours on the page
    assert "&#39;=HYPERLINK" not in html  # the page shows the name as it is (escaped HTML)
    for query in ("from=2026-13-01", "from=yesterday&to=2026-11-30", "to=0001-01-01",
                  "from=2026-11-30&to=2026-11-01"):
        response = client.get(f"/staff/volunteers/hours?{query}")
        assert response.status_code == 200, query
        assert 'role="alert"' in response.get_data(as_text=True), query
        assert "5時間10分" not in response.get_data(as_text=True), query
    response = client.get("/staff/volunteers/hours.csv?from=2026-11-30&to=2026-11-01")
    assert response.status_code == 302
    assert "/staff/volunteers/hours?" in response.headers["Location"]


# -- the staffing rule ------------------------------------------------------------------------

def _book(session, create_person, seats):
    return event_services.book_seat(session, create_person(), seats=seats, channel="phone_desk",
                                    actor="test", now=NOW)


def test_nine_participants_need_a_lead_and_three_volunteers(ctx, create_session, create_shift,
                                                            create_volunteer, create_person):
    session = create_session(capacity=12)
    for _number in range(3):
        _book(session, create_person, 3)
    db.session.commit()
    lead = create_shift(session, role="lead", places=1)
    helpers = create_shift(session, role="assistant", places=3)
    services.assign_volunteer(lead, create_volunteer(), actor="test", now=NOW, confirmed=True)
    for _number in range(2):
        services.assign_volunteer(helpers, create_volunteer(), actor="test", now=NOW,
                                  confirmed=True)
    db.session.commit()
    staffing = queries.staffing_of([session])[0]
    assert (staffing.participants, staffing.leads_needed, staffing.volunteers_needed) == (9, 1, 4)
    assert (staffing.leads, staffing.volunteers) == (1, 3)
    assert staffing.is_understaffed
    assert [row.session.id for row in queries.understaffed_sessions(now=NOW)] == [session.id]
    services.assign_volunteer(helpers, create_volunteer(), actor="test", now=NOW, confirmed=True)
    db.session.commit()
    staffing = queries.staffing_of([session])[0]
    assert (staffing.leads, staffing.volunteers) == (1, 4)
    assert not staffing.is_understaffed
    assert queries.understaffed_sessions(now=NOW) == []


def test_four_volunteers_without_a_lead_are_not_enough(ctx, create_session, create_shift,
                                                       create_volunteer, create_person):
    session = create_session(capacity=12)
    for _number in range(3):
        _book(session, create_person, 3)
    helpers = create_shift(session, role="assistant", places=4)
    for _number in range(4):
        services.assign_volunteer(helpers, create_volunteer(), actor="test", now=NOW,
                                  confirmed=True)
    db.session.commit()
    staffing = queries.staffing_of([session])[0]
    assert (staffing.leads, staffing.volunteers) == (0, 4)
    assert staffing.is_understaffed


def test_unfilled_places_make_a_session_understaffed(ctx, create_session, create_shift,
                                                     create_volunteer):
    session = create_session()  # nobody booked: the rule asks for one lead only
    lead = create_shift(session, role="lead", places=1)
    create_shift(session, role="reception", places=2)
    services.assign_volunteer(lead, create_volunteer(), actor="test", now=NOW, confirmed=True)
    db.session.commit()
    staffing = queries.staffing_of([session])[0]
    assert (staffing.volunteers_needed, staffing.volunteers, staffing.places) == (1, 1, 3)
    assert staffing.is_understaffed
    assert [row.session.id for row in queries.understaffed_sessions(now=NOW)] == [session.id]
    # beyond the 14 days, or once over, it is not listed
    assert queries.understaffed_sessions(now=NOW - timedelta(days=30)) == []
    assert queries.understaffed_sessions(now=NOW + timedelta(days=30)) == []
