"""Writing sessions: POST /api/v1/sessions and PATCH /api/v1/sessions/{id}."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.audit import AuditEntry
from desk.core.timeutil import local_datetime, local_today
from desk.events.models import EventSession, SessionStatus
from desk.extensions import db
from tests.api.helpers import assert_error, row_counts


@pytest.fixture
def place(ctx, create_venue, create_program):
    return create_venue(default_capacity=16), create_program()


def _body(place, **changes):
    venue, program = place
    body = {"kind": "class", "program_id": program.id, "venue_id": venue.id,
            "starts_at": "2026-12-03T10:00:00+09:00", "ends_at": "2026-12-03T11:30:00+09:00",
            "capacity": 12}
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


def test_create_session(api, place, coordinator_token):
    response = api.post("/api/v1/sessions", token=coordinator_token, json=_body(place))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/sessions/{body['id']}")
    session = db.session.get(EventSession, body["id"])
    assert session.start_dt == local_datetime(date(2026, 12, 3), time(10))  # 01:00 UTC
    assert body["starts_at"] == "2026-12-03T10:00:00+09:00"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "session.create", AuditEntry.object_id == session.id)).one()
    assert entry.actor_label.startswith("coordinator")
    assert api.get(response.headers["Location"]).get_json() == body


def test_create_session_accepts_any_offset(api, place, coordinator_token):
    response = api.post("/api/v1/sessions", token=coordinator_token, json=_body(
        place, starts_at="2026-12-03T01:00:00Z", ends_at="2026-12-03T03:30:00+01:00"))
    assert response.status_code == 201
    assert response.get_json()["starts_at"] == "2026-12-03T10:00:00+09:00"
    assert response.get_json()["ends_at"] == "2026-12-03T11:30:00+09:00"


def test_create_session_class_gets_venue_capacity(api, place, coordinator_token):
    response = api.post("/api/v1/sessions", token=coordinator_token,
                        json=_body(place, capacity=...))
    assert response.get_json()["capacity"] == 16


def test_create_outreach_and_awareness_sessions(api, place, coordinator_token):
    outreach = api.post("/api/v1/sessions", token=coordinator_token, json=_body(
        place, kind="outreach_class", requesting_group="善行シニアクラブ",
        requesting_contact="0466-11-2222"))
    assert outreach.status_code == 201
    assert outreach.get_json()["requesting_group"] == "善行シニアクラブ"
    event = api.post("/api/v1/sessions", token=coordinator_token, json=_body(
        place, kind="awareness_event", program_id=None, title="スマホ体験会", capacity=None))
    assert event.status_code == 201
    assert event.get_json()["title"] == "スマホ体験会"
    assert event.get_json()["program"] is None


def test_create_session_with_english_title_and_notes(api, place, coordinator_token):
    response = api.post("/api/v1/sessions", token=coordinator_token, language="en",
                        json=_body(place, title="夏休み教室", title_en="Summer class",
                                   notes="筆記用具", notes_en="Bring a pen."))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["title"], body["title_en"], body["notes"], body["notes_en"]) == (
        "Summer class", "Summer class", "筆記用具", "Bring a pen.")
    japanese = api.get(f"/api/v1/sessions/{body['id']}", language="ja").get_json()
    assert (japanese["title"], japanese["title_en"]) == ("夏休み教室", "Summer class")


BAD_BODIES = [
    # (changes to a good body, fields named in the error)
    ({"ends_at": "2026-12-03T09:00:00+09:00"}, ["ends_at"]),
    ({"ends_at": "2026-12-04T09:00:00+09:00"}, ["ends_at"]),
    ({"starts_at": "2026-12-03T10:00:00"}, ["starts_at"]),
    ({"starts_at": "3 December"}, ["starts_at"]),
    ({"starts_at": "0001-01-01T00:00:00+09:00"}, ["starts_at"]),
    ({"starts_at": "2026-12-03T10:00:00+09:00", "ends_at": "9999-12-31T23:00:00-09:00"},
     ["ends_at"]),
    ({"starts_at": ...}, ["starts_at"]),
    ({"capacity": 501}, ["capacity"]),
    ({"capacity": -1}, ["capacity"]),
    ({"capacity": "12"}, ["capacity"]),
    ({"capacity": 12.5}, ["capacity"]),
    ({"capacity": True}, ["capacity"]),
    ({"venue_id": 999999}, ["venue_id"]),
    ({"venue_id": "1"}, ["venue_id"]),
    ({"venue_id": "²"}, ["venue_id"]),
    ({"venue_id": ...}, ["venue_id"]),
    ({"program_id": ...}, ["program_id"]),
    ({"kind": "lecture"}, ["kind"]),
    ({"kind": ["class"]}, ["kind"]),
    ({"kind": "outreach_class"}, ["requesting_group"]),
    ({"title": "あ" * 101}, ["title"]),
    ({"title": 5}, ["title"]),
    ({"title": {"ja": "講座"}}, ["title"]),
    ({"notes": "a\x00b"}, ["notes"]),
    ({"notes": "\ud800"}, ["notes"]),
    ({"title_en": "Summer class"}, ["title_en"]),  # no Japanese title to translate
    ({"title": "夏休み教室", "title_en": "x" * 201}, ["title_en"]),
    ({"notes_en": "Bring a pen."}, ["notes_en"]),
    ({"notes": "筆記用具", "notes_en": 5}, ["notes_en"]),
    ({"id": 5}, ["id"]),
    ({"start_dt": "2026-12-03T10:00:00+09:00"}, ["start_dt"]),
    ({"status": "cancelled"}, ["status"]),
]


@pytest.mark.parametrize(("changes", "fields"), BAD_BODIES)
def test_create_session_bad_body_is_422_and_changes_nothing(api, place, coordinator_token,
                                                            changes, fields):
    before = row_counts()
    response = api.post("/api/v1/sessions", token=coordinator_token,
                        json=_body(place, **changes))
    assert_error(response, 422, "invalid", fields)
    assert row_counts() == before


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b"{", "application/json", 400),
    (b"", "application/json", 400),
    (b'{"capacity": NaN}', "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b'"class"', "application/json", 400),
    (b"null", "application/json", 400),
    (b"\xff\xfe{", "application/json", 400),
    (b"[" * 100000 + b"]" * 100000, "application/json", 400),
    (b'{"kind": "class"}', "text/plain", 415),
    (b"kind=class", "application/x-www-form-urlencoded", 415),
    (b"", None, 415),
])
def test_create_session_unreadable_body(api, ctx, coordinator_token, data, content_type,
                                        status):
    before = row_counts()
    response = api.post("/api/v1/sessions", token=coordinator_token, data=data,
                        content_type=content_type)
    assert_error(response, status)
    assert row_counts() == before


def test_create_session_too_large_body_is_json_413(api, ctx, coordinator_token):
    response = api.post("/api/v1/sessions", token=coordinator_token,
                        json={"notes": "あ" * 400_000})
    assert_error(response, 413, "too_large")


def test_create_session_error_in_japanese_by_default(api, place, coordinator_token):
    error = assert_error(api.post("/api/v1/sessions", token=coordinator_token,
                                  json=_body(place, capacity="twelve")), 422)
    assert error["fields"]["capacity"] == "整数を入力してください。"
    error = assert_error(api.post("/api/v1/sessions", token=coordinator_token,
                                  json=_body(place, capacity="twelve"), language="en"), 422)
    assert error["fields"]["capacity"] == "Enter a whole number."


# -- PATCH ------------------------------------------------------------------------------

@pytest.fixture
def future_session(ctx, create_session):
    return create_session(day=local_today() + timedelta(days=30), capacity=12,
                          notes="元のメモ")


def _patch(api, session, token, body, **kwargs):
    return api.patch(f"/api/v1/sessions/{session.id}", token=token, json=body, **kwargs)


def test_patch_session_changes_only_sent_fields(api, future_session, coordinator_token):
    before = api.get(f"/api/v1/sessions/{future_session.id}").get_json()
    response = _patch(api, future_session, coordinator_token, {"capacity": 20})
    assert response.status_code == 200
    assert response.get_json() == {**before, "capacity": 20}


def test_patch_session_moves_times(api, future_session, coordinator_token):
    day = local_today() + timedelta(days=31)
    response = _patch(api, future_session, coordinator_token, {
        "starts_at": f"{day}T13:00:00+09:00", "ends_at": f"{day}T14:30:00+09:00"})
    assert response.get_json()["starts_at"] == f"{day}T13:00:00+09:00"


def test_patch_session_of_series_becomes_one_off(api, ctx, create_series, coordinator_token):
    series = create_series(start_date=local_today() + timedelta(days=1),
                           until_date=local_today() + timedelta(days=90))
    session = series.sessions[0]
    response = _patch(api, session, coordinator_token, {"notes": "この回だけ2階"})
    assert response.status_code == 200
    assert response.get_json()["series_id"] == series.id
    db.session.expire_all()
    assert db.session.get(EventSession, session.id).is_detached


def test_patch_session_clears_title_with_null(api, ctx, create_session, coordinator_token):
    session = create_session(title="特別講座")
    response = _patch(api, session, coordinator_token, {"title": None})
    assert response.get_json()["title"] == session.program.title


def test_patch_session_english_texts(api, future_session, coordinator_token):
    response = _patch(api, future_session, coordinator_token, {"notes_en": "Room 2"})
    assert response.status_code == 200
    assert response.get_json()["notes_en"] == "Room 2"
    cleared = _patch(api, future_session, coordinator_token, {"notes_en": None})
    assert cleared.get_json()["notes_en"] is None


def test_patch_session_status_cancel_and_reinstate(api, future_session, coordinator_token):
    refused = _patch(api, future_session, coordinator_token, {"status": "cancelled"})
    assert_error(refused, 422, fields=["cancel_reason"])
    cancelled = _patch(api, future_session, coordinator_token,
                       {"status": "cancelled", "cancel_reason": "台風のため"})
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["cancel_reason"] == "台風のため"
    assert_error(_patch(api, future_session, coordinator_token, {"notes": "x"}), 422)
    reinstated = _patch(api, future_session, coordinator_token,
                        {"status": "scheduled", "notes": "再開"})
    assert reinstated.status_code == 200
    assert reinstated.get_json()["status"] == "scheduled"
    assert reinstated.get_json()["cancel_reason"] is None
    assert reinstated.get_json()["notes"] == "再開"
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "sessions", AuditEntry.object_id == future_session.id)
        .order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["session.cancel", "session.reinstate", "session.update"]


def test_patch_session_status_complete(api, ctx, create_session, future_session,
                                       coordinator_token):
    assert_error(_patch(api, future_session, coordinator_token, {"status": "completed"}),
                 422)  # not started yet
    held = create_session(day=local_today() - timedelta(days=2))
    response = _patch(api, held, coordinator_token, {"status": "completed"})
    assert response.get_json()["status"] == "completed"
    assert_error(_patch(api, held, coordinator_token,
                        {"status": "cancelled", "cancel_reason": "x"}), 422)
    assert_error(_patch(api, held, coordinator_token, {"status": "scheduled"}), 422)
    db.session.expire_all()
    assert db.session.get(EventSession, held.id).status == SessionStatus.COMPLETED


def test_patch_session_same_status_changes_nothing(api, future_session, coordinator_token):
    before = row_counts()
    response = _patch(api, future_session, coordinator_token, {"status": "scheduled"})
    assert response.status_code == 200
    assert row_counts() == before


@pytest.mark.parametrize(("body", "fields"), [
    ({"status": "postponed"}, ["status"]),
    ({"status": None}, ["status"]),
    ({"status": 1}, ["status"]),
    ({"cancel_reason": "台風"}, ["cancel_reason"]),
    ({"status": "cancelled", "cancel_reason": "あ" * 501}, ["cancel_reason"]),
    ({"status": "cancelled", "cancel_reason": "台風", "capacity": 999}, ["capacity"]),
    ({"venue_id": None}, ["venue_id"]),
    ({"ends_at": "2000-01-01T00:00:00+09:00"}, ["ends_at"]),
    ({"kind": "outreach_class"}, ["requesting_group"]),
    ({"series_id": 1}, ["series_id"]),
])
def test_patch_session_bad_body_is_422_and_changes_nothing(api, future_session,
                                                           coordinator_token, body, fields):
    before_rows = row_counts()
    before = api.get(f"/api/v1/sessions/{future_session.id}").get_json()
    assert_error(_patch(api, future_session, coordinator_token, body), 422, "invalid", fields)
    assert row_counts() == before_rows
    assert api.get(f"/api/v1/sessions/{future_session.id}").get_json() == before


def test_patch_session_unknown_id_is_404(api, ctx, coordinator_token):
    response = api.patch("/api/v1/sessions/999999", token=coordinator_token,
                         json={"capacity": 3})
    assert_error(response, 404, "not_found")


def test_patch_session_unreadable_body(api, future_session, coordinator_token):
    url = f"/api/v1/sessions/{future_session.id}"
    assert_error(api.patch(url, token=coordinator_token, data=b"{oops",
                           content_type="application/json"), 400, "bad_request")
    assert_error(api.patch(url, token=coordinator_token, data=b"capacity=3",
                           content_type="application/x-www-form-urlencoded"), 415,
                 "unsupported_media_type")
