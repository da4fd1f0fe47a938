"""Reading the schedule: GET /api/v1/sessions, /sessions/{id} and /venues (public)."""

from datetime import date, time, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from desk.core.timeutil import local_today
from tests.api.helpers import assert_error

DAY = date(2026, 12, 3)  # a Thursday


def _ids(response):
    return [item["id"] for item in response.get_json()["items"]]


def test_list_sessions_shape(api, ctx, create_session):
    session = create_session(day=DAY, start=time(10), end=time(11, 30), capacity=12,
                             notes="持ち物: スマートフォン")
    response = api.get("/api/v1/sessions", query_string={"from": "2026-12-03",
                                                         "to": "2026-12-03"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    [item] = body["items"]
    program, venue = session.program, session.venue
    assert item == {
        "id": session.id,
        "kind": "class",
        "title": program.title,
        "title_en": None,
        "program": {"id": program.id, "title": program.title,
                    "title_kana": program.title_kana, "title_en": program.title_en,
                    "topic": "basics", "level": "beginner", "device": "any"},
        "venue": {"id": venue.id, "name": venue.name, "name_en": venue.name_en,
                  "short_name": venue.short_name},
        "starts_at": "2026-12-03T10:00:00+09:00",
        "ends_at": "2026-12-03T11:30:00+09:00",
        "capacity": 12,
        "status": "scheduled",
        "cancel_reason": None,
        "series_id": None,
        "requesting_group": None,
        "notes": "持ち物: スマートフォン",
        "notes_en": None,
        "slot_minutes": None,
    }


def test_list_sessions_from_defaults_to_today_in_jst(api, ctx, create_session):
    today = local_today()
    past = create_session(day=today - timedelta(days=1))
    early_today = create_session(day=today, start=time(0, 30), end=time(1, 30))
    later = create_session(day=today + timedelta(days=5))
    ids = _ids(api.get("/api/v1/sessions"))
    assert past.id not in ids
    assert ids.index(early_today.id) < ids.index(later.id)


def test_list_sessions_from_and_to_are_inclusive_jst_dates(api, ctx, create_session):
    before = create_session(day=DAY - timedelta(days=1), start=time(23, 30),
                            end=time(23, 59))
    first = create_session(day=DAY, start=time(0, 0), end=time(0, 30))  # 15:00Z the day before
    last = create_session(day=DAY + timedelta(days=1), start=time(23, 30), end=time(23, 59))
    after = create_session(day=DAY + timedelta(days=2), start=time(0, 0), end=time(0, 30))
    response = api.get("/api/v1/sessions", query_string={"from": "2026-12-03",
                                                         "to": "2026-12-04"})
    assert _ids(response) == [first.id, last.id]
    assert response.get_json()["items"][1]["starts_at"] == "2026-12-04T23:30:00+09:00"
    assert before.id not in _ids(response) and after.id not in _ids(response)


def test_list_sessions_filters_by_kind(api, ctx, create_session, create_venue):
    venue = create_venue()
    lesson = create_session(day=DAY, venue_id=venue.id)
    desk = create_session(day=DAY, kind="consultation", venue_id=venue.id, start=time(13),
                          end=time(16))
    event = create_session(day=DAY, kind="awareness_event", title="スマホ体験会",
                           venue_id=venue.id, start=time(17), end=time(18))
    span = {"from": "2026-12-03", "to": "2026-12-03", "venue_id": venue.id}
    assert _ids(api.get("/api/v1/sessions", query_string={**span, "kind": "consultation"})) \
        == [desk.id]
    both = [desk.id, event.id]
    repeated = MultiDict([*span.items(), ("kind", "consultation"), ("kind", "awareness_event")])
    assert _ids(api.get("/api/v1/sessions", query_string=repeated)) == both
    assert _ids(api.get("/api/v1/sessions", query_string={
        **span, "kind": "awareness_event,consultation"})) == both
    assert _ids(api.get("/api/v1/sessions", query_string=span)) == [lesson.id, *both]


def test_list_sessions_filters_by_venue(api, ctx, create_session, create_venue):
    here, there = create_venue(), create_venue()
    mine = create_session(day=DAY, venue_id=here.id)
    create_session(day=DAY, venue_id=there.id)
    response = api.get("/api/v1/sessions", query_string={"from": "2026-12-01",
                                                         "venue_id": here.id})
    assert _ids(response) == [mine.id]


def test_list_sessions_pages_with_cursor(api, ctx, create_session, create_venue,
                                         create_program):
    venue, program = create_venue(), create_program()
    made = []
    for offset in range(4):  # two sessions at each of four times: the id breaks the tie
        for _copy in range(2):
            made.append(create_session(day=DAY + timedelta(days=offset), venue_id=venue.id,
                                       program_id=program.id))
    expected = [session.id for session in made]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"from": "2026-12-01", "venue_id": venue.id, "limit": 3}
        if cursor:
            query["cursor"] = cursor
        body = api.get("/api/v1/sessions", query_string=query).get_json()
        pages += 1
        assert len(body["items"]) <= 3
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == expected


def test_get_session(api, ctx, create_session):
    session = create_session(kind="outreach_class", requesting_group="湘南台老人会",
                             requesting_contact="会長 山田様 0466-44-2222")
    response = api.get(f"/api/v1/sessions/{session.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["kind"] == "outreach_class"
    assert body["requesting_group"] == "湘南台老人会"
    assert "0466" not in response.get_data(as_text=True)  # the contact is not public


def test_get_session_title_follows_accept_language(api, ctx, create_session):
    session = create_session()
    url = f"/api/v1/sessions/{session.id}"
    assert api.get(url, language="en").get_json()["title"] == session.program.title_en
    assert api.get(url, language="ja").get_json()["title"] == session.program.title


@pytest.mark.parametrize("url", ["/api/v1/sessions/999999", "/api/v1/sessions/99999999999",
                                 "/api/v1/sessions/abc", "/api/v1/nothing"])
def test_get_session_unknown_is_json_404(api, ctx, url):
    assert_error(api.get(url), 404, "not_found")


def test_list_venues(api, ctx, create_venue, create_district):
    district = create_district(name_en="Shonandai")
    first = create_venue(name_kana="アアア会館", district_id=district.id,
                         latitude=35.39, longitude=139.46, name_en="Shonandai Citizen Center",
                         short_name_en="Shonandai C", accessibility_notes_en="Lift")
    second = create_venue(name_kana="アアイ会館", is_active=False)
    body = api.get("/api/v1/venues").get_json()
    items = {item["id"]: item for item in body["items"]}
    assert items[first.id]["district"] == {"id": district.id, "name": district.name,
                                           "name_kana": district.name_kana,
                                           "name_en": "Shonandai"}
    assert (items[first.id]["name_en"], items[first.id]["short_name_en"],
            items[first.id]["accessibility_notes_en"]) == (
        "Shonandai Citizen Center", "Shonandai C", "Lift")
    assert items[second.id]["name_en"] is None
    assert items[first.id]["phone"] == "+81466441111"
    assert items[second.id]["is_active"] is False
    ordered = [item["id"] for item in body["items"]]
    assert ordered.index(first.id) < ordered.index(second.id)


def test_list_venues_pages_with_cursor(api, ctx, create_venue):
    made = [create_venue().id for _ in range(3)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/venues", query_string=query).get_json()
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next"]
        if cursor is None:
            break
    assert set(made) <= set(seen)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(("query", "field"), [
    ({"kind": "foo"}, "kind"),
    ({"kind": "class,foo"}, "kind"),
    ({"from": "2026-13-01"}, "from"),
    ({"from": "20261203"}, "from"),
    ({"from": "0001-01-01"}, "from"),
    ({"to": "2026-02-30"}, "to"),
    ({"from": "2026-12-03", "to": "2026-12-02"}, "to"),
    ({"venue_id": "abc"}, "venue_id"),
    ({"venue_id": "0"}, "venue_id"),
    ({"venue_id": "１"}, "venue_id"),
    ({"venue_id": "99999"}, "venue_id"),
    ({"cursor": "not a cursor"}, "cursor"),
    ({"cursor": "WyJ4IiwxXQ"}, "cursor"),  # ["x",1]: decodes, but not a session key
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"form": "2026-12-03"}, "form"),
])
def test_list_sessions_bad_query_is_400(api, ctx, query, field):
    error = assert_error(api.get("/api/v1/sessions", query_string=query), 400,
                         "invalid_query", [field])
    assert error["message"] == error["fields"][field]


@pytest.mark.parametrize("query", [{"limit": "0"}, {"cursor": "%%%"}, {"venue_id": "1"}])
def test_list_venues_bad_query_is_400(api, ctx, query):
    assert_error(api.get("/api/v1/venues", query_string=query), 400, "invalid_query")


def test_errors_follow_accept_language(api, ctx):
    english = assert_error(api.get("/api/v1/nothing", language="en"), 404)
    japanese = assert_error(api.get("/api/v1/nothing", language="ja"), 404)
    assert english["message"] == "There is no page at this address."
    assert japanese["message"] == "このアドレスのページはありません。"


def test_wrong_method_is_json_405(api, ctx):
    response = api.open("DELETE", "/api/v1/venues")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
