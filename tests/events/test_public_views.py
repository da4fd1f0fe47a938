"""The public schedule and session pages: times stored in UTC shown in JST with the
right weekday, in Japanese by default and in English on request; filters and odd
query strings; unknown ids."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from desk.core.timeutil import local_today
from desk.events import services
from desk.extensions import db
from tests.fixtures.factories import NOW
from tests.fixtures.pages import text
from tests.fixtures.sql import statements_of

LATE_EVENING_UTC = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 2026-12-02 00:30 JST, Wed


@pytest.fixture
def night_session(ctx, create_venue, create_program):
    venue = create_venue(name="藤沢市民会館")
    program = create_program(title="夜のスマホ教室", title_en="Smartphone night class")
    session = services.create_session({
        "kind": "class", "program_id": program.id, "venue_id": venue.id, "capacity": 10,
        "start_dt": LATE_EVENING_UTC, "end_dt": LATE_EVENING_UTC + timedelta(hours=1),
    }, actor="test", now=NOW)
    db.session.commit()
    return session


def test_session_detail_shows_jst_date_weekday_and_time_in_japanese(client, night_session):
    response = client.get(f"/sessions/{night_session.id}")
    assert response.status_code == 200
    page = text(response)
    assert "2026年12月2日(水)" in page
    assert "0:30–1:30" in page
    assert "12月1日" not in page
    assert "夜のスマホ教室" in page


@pytest.mark.parametrize("how", ["header", "cookie"])
def test_session_detail_in_english(client, night_session, how):
    if how == "header":
        response = client.get(f"/sessions/{night_session.id}",
                              headers={"Accept-Language": "en"})
    else:
        client.set_cookie("desk_locale", "en")
        response = client.get(f"/sessions/{night_session.id}",
                              headers={"Accept-Language": "ja"})
    page = text(response)
    assert response.status_code == 200
    assert "Wed, Dec 2, 2026" in page
    assert "00:30–01:30" in page
    assert "Smartphone night class" in page
    assert "Dec 1," not in page


def test_schedule_puts_the_session_on_its_jst_day(client, night_session):
    response = client.get("/?week=2026-12-02")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    wednesday = html.index('id="day-2026-12-02"')
    thursday = html.index('id="day-2026-12-03"')
    link = html.index(f'/sessions/{night_session.id}"')
    assert wednesday < link < thursday
    assert "2026年12月2日(水)" in text(response)


def test_schedule_week_of_any_day_starts_on_monday(client, night_session):
    page = client.get("/?week=2026-12-06").get_data(as_text=True)  # a Sunday
    assert 'id="day-2026-11-30"' in page and 'id="day-2026-12-06"' in page
    assert f'/sessions/{night_session.id}"' in page


def test_schedule_in_english_names_the_weekdays(client, night_session):
    response = client.get("/?week=2026-12-02", headers={"Accept-Language": "en-GB,en;q=0.8"})
    page = text(response)
    assert "Wed, Dec 2, 2026" in page and "Mon, Nov 30, 2026" in page


def test_schedule_filters_by_venue_and_kind(client, ctx, create_session, create_venue):
    day = local_today() + timedelta(days=1)
    hall, centre = create_venue(), create_venue()
    create_session(day=day, venue_id=hall.id, title="クラスA")
    create_session(day=day, venue_id=centre.id, kind="consultation", title="相談会B")
    week = day.isoformat()
    both = text(client.get(f"/?week={week}"))
    assert "クラスA" in both and "相談会B" in both
    by_venue = text(client.get(f"/?week={week}&venue={centre.id}"))
    assert "クラスA" not in by_venue and "相談会B" in by_venue
    by_kind = text(client.get(f"/?week={week}&kind=class"))
    assert "クラスA" in by_kind and "相談会B" not in by_kind


def test_schedule_shows_a_cancelled_session_with_its_reason(client, ctx, create_session):
    session = create_session(day=local_today() + timedelta(days=2), title="クラスC")
    services.cancel_session(session, "台風接近のため", actor="test", now=NOW)
    db.session.commit()
    page = text(client.get(f"/?week={(local_today() + timedelta(days=2)).isoformat()}"))
    assert "クラスC" in page and "台風接近のため" in page
    detail = text(client.get(f"/sessions/{session.id}"))
    assert "台風接近のため" in detail


def test_venues_page_lists_only_venues_in_use(client, ctx, create_venue):
    create_venue(name="使用中の会館")
    create_venue(name="閉館した会館", is_active=False)
    page = text(client.get("/venues"))
    assert "使用中の会館" in page and "閉館した会館" not in page


@pytest.mark.parametrize("query", [
    "week=0001-01-01", "week=9999-12-31", "week=2026-02-30", "week=soon", "week=",
    "week=%00", "venue=abc", "venue=424242", "venue=-1", "venue=%C2%B2", "venue=%EF%BC%91",
    "venue=99999999999999999999999", "kind=lecture", "kind=%00", "kind=CLASS",
    "week=2026-12-01&venue=1&kind=class&page=2",
])
def test_schedule_odd_queries_never_fail(client, ctx, query):
    assert client.get(f"/?{query}").status_code == 200


@pytest.mark.parametrize("path", [
    "/sessions/424242", "/sessions/0", "/sessions/99999999999999999999999", "/sessions/abc",
    "/sessions/-1",
])
def test_session_detail_unknown_ids_give_404(client, ctx, path):
    assert client.get(path).status_code == 404


def test_session_detail_of_an_outreach_class_names_the_group(client, ctx, create_session):
    session = create_session(day=date(2026, 12, 3), start=time(13), end=time(14),
                             kind="outreach_class", requesting_group="鵠沼老人クラブ")
    page = text(client.get(f"/sessions/{session.id}"))
    assert "鵠沼老人クラブ" in page and "2026年12月3日(木)" in page


def _book(session, person, seats=1):
    services.book_seat(session, person, seats=seats, channel="phone_desk", actor="test",
                       now=NOW)
    db.session.commit()


def test_schedule_shows_free_seats_and_full_with_the_waiting_list(client, ctx, create_session,
                                                                  create_person):
    day = local_today() + timedelta(days=3)
    roomy = create_session(day=day, title="クラスD", capacity=5)
    full = create_session(day=day, title="クラスE", capacity=2)
    create_session(day=day, kind="awareness_event", title="体験会F", capacity=None)
    _book(roomy, create_person(), seats=2)
    _book(full, create_person(), seats=2)
    client.set_cookie("desk_locale", "en")
    page = text(client.get(f"/?week={day.isoformat()}"))
    assert "クラスD" in page and "3 seats left" in page
    assert "Full. You can wait for a free seat." in page
    assert page.count("seats left") == 1 and page.count("Full") == 1  # none for the event
    assert "3 seats left" in text(client.get(f"/sessions/{roomy.id}"))
    assert "Full. You can wait for a free seat." in text(client.get(f"/sessions/{full.id}"))


def test_schedule_counts_seats_in_one_query_whatever_the_number_of_sessions(
        client, ctx, create_session, create_person, create_venue):
    day = local_today() + timedelta(days=3)
    venue = create_venue()
    path = f"/?week={day.isoformat()}&venue={venue.id}"
    _book(create_session(day=day, venue_id=venue.id), create_person())
    few, _response = statements_of(client, path)
    for hour in range(12, 17):
        session = create_session(day=day, start=time(hour), end=time(hour, 45),
                                 venue_id=venue.id)
        _book(session, create_person())
    many, response = statements_of(client, path)
    assert response.status_code == 200 and many == few
