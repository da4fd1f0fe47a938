"""Bookings through the API: book and cancel (public, no token), the roster and
attendance (a coordinator's token). Every answer is validated against the OpenAPI
document by the `api` client."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.api import bookings as api_bookings
from desk.auth.models import Role
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingChannel, BookingStatus
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageChannel, OutboxMessage
from desk.people.models import AgeBand, Person
from tests.api.helpers import assert_error
from tests.api.test_openapi import _json_types
from tests.fixtures.sql import statements_run

BODY = {"name": "佐藤 恵子", "kana": "さとう けいこ", "phone": "090-1234-5678", "seats": 1,
        "consent": True}


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, Booking)}


@pytest.fixture
def session(ctx, create_session):
    return create_session(day=local_today() + timedelta(days=7), capacity=2)


def url(session):
    return f"/api/v1/sessions/{session.id}/bookings"


# -- booking -----------------------------------------------------------------------------

def test_book_without_a_token(api, session, create_district):
    district = create_district(name="湘南台")
    response = api.post(url(session), json={**BODY, "district": "湘南台", "age_band": "70s",
                                            "email": "Keiko@Example.jp"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    booking = db.session.scalars(select(Booking)).one()
    assert body == {"code": booking.code, "status": "booked", "waitlist_position": None,
                    "session_id": session.id, "seats": 1, "slot_start": None}
    assert booking.channel == BookingChannel.API
    person = booking.person
    assert (person.kana_key, person.phone, person.district_id, person.age_band,
            person.email, person.has_consent) == (
        "サトウケイコ", "+819012345678", district.id, AgeBand.SEVENTIES, "keiko@example.jp",
        True)


# one booking of a new resident, statement by statement (transaction control left out):
# the session's lock, which is also the 404 check (its wait limited by the connection's
# lock_timeout, desk.core.db.engine_options: no statement of its own); under the lock, in
# one statement, the person matched by phone and kana (and whether the phone is known),
# that person's active booking and the seats held; the person inserted; the booking; the
# audit entries (the person's, the booking's) and the messages (the confirmation and the
# reminder, one INSERT) are written as they are made: no flush is left for the commit
ONE_BOOKING = ["SELECT sessions", "SELECT bookings", "INSERT people", "INSERT bookings",
               "INSERT outbox_messages", "INSERT audit_entries"]


def _statement_kinds(statements):
    kinds = []
    for statement in statements:
        words = statement.split()
        verb = words[0].upper()
        if verb in ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT"):
            continue
        table = words[2] if verb == "INSERT" else next(
            (words[index + 1] for index, word in enumerate(words) if word == "FROM"),
            words[1].split("(")[0])
        kinds.append(f"{verb} {table.strip(chr(34))}")
    return kinds


def test_one_booking_takes_six_statements(api, session):
    """The statements of a booking are counted, not timed: more of them (a lazy load,
    a second lock, a flush in between, a statement per row) is what made booking slow
    (docs/bench.md)."""
    api.post(url(session), json={**BODY, "phone": "090-1111-2222"})
    statements, response = statements_run(api, url(session), method="post", json=BODY)
    assert response.status_code == 201
    assert _statement_kinds(statements) == ONE_BOOKING, statements
    # the confirmation and the reminder, and the person's and the booking's audit
    # entries: two rows in each statement, not a statement per row
    rows = [statement.count("), (") + 1 for statement in statements
            if statement.startswith(("INSERT INTO outbox_messages", "INSERT INTO audit_entries"))]
    assert rows == [2, 2], statements


def test_book_with_the_districts_english_name(api, session, create_district):
    district = create_district(name="湘南台", name_en="Shonandai")
    response = api.post(url(session), json={**BODY, "district": "Shonandai"})
    assert response.status_code == 201, response.get_json()
    assert db.session.scalars(select(Booking)).one().person.district_id == district.id


def test_book_again_answers_200_with_the_existing_booking_without_its_code(api, session):
    """Phone and kana are all it takes to book, so they must not be enough to learn
    someone's code: the existing booking is described without it and its details go
    again to the person's own phone."""
    first = api.post(url(session), json=BODY)
    again = api.post(url(session), json={**BODY, "seats": 2, "phone": "09012345678"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == {**first.get_json(), "code": None}
    assert counts() == {"people": 1, "bookings": 1}
    confirmations = db.session.scalar(
        select(func.count(OutboxMessage.id))
        .where(OutboxMessage.template == BookingTemplate.BOOKING_CONFIRMED,
               OutboxMessage.channel == MessageChannel.SMS))
    assert confirmations == 2


def outbox_count():
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_book_repeated_with_the_same_idempotency_key_returns_the_code(api, session):
    """A retry (same key, same session, same details however written) is answered with
    the first booking, code included, and books and sends nothing more."""
    headers = {"Idempotency-Key": "retry-0123456789"}
    first = api.post(url(session), json=BODY, headers=headers)
    messages = outbox_count()
    again = api.post(url(session), json={**BODY, "phone": "０９０－１２３４－５６７８",
                                         "kana": "サトウ　ケイコ"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json() and first.get_json()["code"] is not None
    assert counts() == {"people": 1, "bookings": 1}
    assert outbox_count() == messages


def test_an_idempotency_key_reused_at_another_session_is_refused(api, session,
                                                                  create_session):
    headers = {"Idempotency-Key": "retry-0123456789"}
    first = api.post(url(session), json=BODY, headers=headers)
    other = create_session(day=local_today() + timedelta(days=8), capacity=2)
    messages = outbox_count()
    reused = api.post(url(other), json={**BODY, "name": "別人 花子", "kana": "ベツジン ハナコ",
                                        "phone": "080-2345-6789"}, headers=headers)
    assert_error(reused, 422, "request_key_reused")
    assert first.get_json()["code"] not in reused.get_data(as_text=True)
    assert counts() == {"people": 1, "bookings": 1}
    assert outbox_count() == messages
    # the same details at the other session are refused too: a key is one request
    assert_error(api.post(url(other), json=BODY, headers=headers), 422, "request_key_reused")
    assert counts() == {"people": 1, "bookings": 1}


@pytest.mark.parametrize("changes", [
    {"name": "別人 花子", "kana": "ベツジン ハナコ"},
    {"name": "佐藤 恵"},
    {"kana": "さとう めぐみ"},
    {"phone": "080-2345-6789"},
    {"seats": 2},
    {"consent": False},
    {"email": "keiko@example.jp"},
    {"age_band": "70s"},
])
def test_an_idempotency_key_reused_with_other_details_is_refused(api, session, changes):
    headers = {"Idempotency-Key": "retry-0123456789"}
    first = api.post(url(session), json=BODY, headers=headers)
    booking = db.session.scalars(select(Booking)).one()
    messages = outbox_count()
    reused = api.post(url(session), json={**BODY, **changes},
                      headers={**headers, "Accept-Language": "en"})
    error = assert_error(reused, 422, "request_key_reused")
    assert error["message"] == ("This form was already sent with other details, so nothing "
                                "was booked or changed. Please start again.")
    assert first.get_json()["code"] not in reused.get_data(as_text=True)
    assert counts() == {"people": 1, "bookings": 1}
    assert outbox_count() == messages
    db.session.refresh(booking)
    assert (booking.seats, booking.status) == (1, BookingStatus.BOOKED)


def test_book_full_session_waitlists(api, session, create_district):
    district = create_district()
    api.post(url(session), json={**BODY, "seats": 2})
    response = api.post(url(session), json={"name": "鈴木 茂", "kana": "スズキ シゲル",
                                            "phone": "0466-25-1234", "district": district.id})
    assert response.status_code == 201
    assert response.get_json()["status"] == "waitlisted"
    assert response.get_json()["waitlist_position"] == 1
    assert db.session.scalars(select(Person).where(
        Person.phone == "+81466251234")).one().district_id == district.id


@pytest.mark.parametrize(("body", "fields"), [
    ({**BODY, "phone": "12"}, ["phone"]),
    ({**BODY, "kana": "Sato"}, ["kana"]),
    ({key: value for key, value in BODY.items() if key != "kana"}, ["kana"]),
    ({**BODY, "name": "", "phone": ""}, ["name", "phone"]),
    ({**BODY, "seats": 4}, ["seats"]),
    ({**BODY, "seats": 0}, ["seats"]),
    ({**BODY, "seats": "2"}, ["seats"]),
    ({**BODY, "consent": "yes"}, ["consent"]),
    ({**BODY, "district": "どこか"}, ["district"]),
    ({**BODY, "district": 999999}, ["district"]),
    ({**BODY, "age_band": "100s"}, ["age_band"]),
    ({**BODY, "email": "keiko@"}, ["email"]),
    ({**BODY, "language": "fr"}, ["language"]),
    ({**BODY, "name": "佐藤\x00恵子"}, ["name"]),
])
def test_book_invalid_input_is_422_with_fields_and_changes_nothing(api, session, body, fields):
    before = counts()
    response = api.post(url(session), json=body, language="en")
    assert_error(response, 422, fields=fields)
    assert counts() == before


def test_book_party_too_large_for_the_session(api, session):
    response = api.post(url(session), json={**BODY, "seats": 3})
    assert_error(response, 422, "booking_refused", fields=["seats"])
    assert counts() == {"people": 0, "bookings": 0}


def test_book_closed_session_is_409(api, session):
    services.cancel_session(session, "台風のため", actor="test", now=utcnow())
    db.session.commit()
    response = api.post(url(session), json=BODY, language="en")
    assert_error(response, 409, "booking_closed")
    assert counts() == {"people": 0, "bookings": 0}


def test_book_closes_before_the_start(api, app, ctx, create_session, monkeypatch):
    start = utcnow() + timedelta(minutes=30)
    session = create_session(start_dt=start, end_dt=start + timedelta(hours=1))
    monkeypatch.setitem(app.config, "DESK_BOOKING_CLOSES_MINUTES", 60)
    assert_error(api.post(url(session), json=BODY), 409, "booking_closed")
    monkeypatch.setitem(app.config, "DESK_BOOKING_CLOSES_MINUTES", 0)
    assert api.post(url(session), json=BODY).status_code == 201


def test_book_unknown_session_and_bad_bodies(api, session):
    assert_error(api.post("/api/v1/sessions/2147483000/bookings", json=BODY), 404, "not_found")
    assert_error(api.post(url(session), data="name=x",
                          content_type="application/x-www-form-urlencoded"), 415)
    assert_error(api.post(url(session), data="{", content_type="application/json"), 400)
    assert_error(api.post(url(session), json=[BODY]), 400)


def test_book_language_follows_accept_language(api, session):
    english = api.post(url(session), json={**BODY, "phone": "12"}, language="en")
    japanese = api.post(url(session), json={**BODY, "phone": "12"}, language="ja")
    assert "Japanese phone number" in english.get_json()["error"]["fields"]["phone"]
    assert english.get_json()["error"]["fields"] != japanese.get_json()["error"]["fields"]
    response = api.post(url(session), json=BODY, language="en")
    assert db.session.scalars(select(Booking)).one().person.language == "en"
    assert response.status_code == 201


# -- cancelling --------------------------------------------------------------------------

def test_cancel_answers_the_same_whether_or_not_the_booking_exists(api, session):
    code = api.post(url(session), json={**BODY, "seats": 2}).get_json()["code"]
    waiting = api.post(url(session), json={**BODY, "kana": "スズキ", "phone": "0466-25-1234"})
    wrong_code = f"{(int(code) + 1) % 10**8:08d}"
    answers = []
    for path_code, phone in [(code, "070-3456-7890"), (wrong_code, "090-1234-5678"),
                             (f"{code[:4]}-{code[4:]}", "０９０-１２３４-５６７８"),
                             (code, "090-1234-5678")]:
        response = api.post(f"/api/v1/bookings/{path_code}/cancel", json={"phone": phone})
        answers.append((response.status_code, response.get_json()))
    assert answers[0][0] == 202 and all(answer == answers[0] for answer in answers)
    db.session.expire_all()
    booking = db.session.scalars(select(Booking).where(Booking.code == code)).one()
    assert booking.status == BookingStatus.CANCELLED
    promoted = db.session.scalars(select(Booking).where(
        Booking.code == waiting.get_json()["code"])).one()
    assert promoted.status == BookingStatus.BOOKED


@pytest.mark.parametrize(("code", "body", "field"), [
    ("1234", {"phone": "090-1234-5678"}, "code"),
    ("abcdefgh", {"phone": "090-1234-5678"}, "code"),
    ("27410386", {"phone": "12"}, "phone"),
    ("27410386", {}, "phone"),
    ("27410386", {"phone": 9012345678}, "phone"),
    ("27410386", {"phone": "090-1234-5678", "name": "佐藤"}, "name"),
])
def test_cancel_checks_the_form_of_code_and_phone(api, ctx, code, body, field):
    response = api.post(f"/api/v1/bookings/{code}/cancel", json=body)
    assert_error(response, 422, fields=[field])


# -- roster and attendance (token) ---------------------------------------------------------

@pytest.fixture
def started(ctx, create_session, create_person):
    """A session that started ten minutes ago: two booked (not in kana order of booking)
    and one waiting."""
    start = utcnow() - timedelta(minutes=10)
    session = create_session(start_dt=start, end_dt=start + timedelta(hours=1), capacity=2)
    before = start - timedelta(days=1)
    people = [create_person(name="田中 正雄", name_kana="たなか まさお"),
              create_person(name="伊藤 節子", name_kana="いとう せつこ"),
              create_person(name="鈴木 茂", name_kana="すずき しげる")]
    booked = [services.book_seat(session, person, channel="web", actor="web",
                                 now=before + timedelta(minutes=index)).booking
              for index, person in enumerate(people)]
    db.session.commit()
    return session, booked


def test_roster_needs_a_staff_token(api, started, token_for):
    session, _booked = started
    path = f"/api/v1/sessions/{session.id}/roster"
    assert_error(api.get(path), 401, "unauthorized")
    assert_error(api.get(path, token="desk_nope"), 401, "invalid_token")
    assert_error(api.get(path, token=token_for(Role.VOLUNTEER)), 403, "forbidden")
    assert_error(api.get("/api/v1/sessions/2147483000/roster", token=token_for()), 404)


def test_roster_lists_booked_in_kana_order_then_the_waiting_list(api, started, token_for):
    session, (tanaka, ito, suzuki) = started
    response = api.get(f"/api/v1/sessions/{session.id}/roster",
                       token=token_for(Role.ADMIN))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["code"] for item in items] == [ito.code, tanaka.code, suzuki.code]
    assert items[0] == {"code": ito.code, "name": "伊藤 節子", "kana": ito.person.name_kana,
                        "phone": ito.person.phone, "seats": 1, "status": "booked",
                        "attendance": None, "waitlist_position": None}
    assert (items[2]["status"], items[2]["waitlist_position"]) == ("waitlisted", 1)
    assert response.get_json()["next"] is None


def test_attendance(api, started, coordinator_token, token_for):
    session, (tanaka, _ito, suzuki) = started
    path = f"/api/v1/bookings/{tanaka.display_code}/attendance"
    assert_error(api.post(path, json={"attendance": "attended"}), 401)
    assert_error(api.post(path, json={"attendance": "attended"},
                          token=token_for(Role.VOLUNTEER)), 403)
    response = api.post(path, json={"attendance": "attended"}, token=coordinator_token)
    assert response.status_code == 200
    assert response.get_json()["attendance"] == "attended"
    db.session.expire_all()
    assert tanaka.attendance.value == "attended"
    cleared = api.post(path, json={"attendance": None}, token=coordinator_token)
    assert cleared.get_json()["attendance"] is None
    assert_error(api.post(path, json={"attendance": "late"}, token=coordinator_token), 422,
                 fields=["attendance"])
    assert_error(api.post(path, json={}, token=coordinator_token), 422, fields=["attendance"])
    waiting = f"/api/v1/bookings/{suzuki.code}/attendance"
    assert_error(api.post(waiting, json={"attendance": "attended"}, token=coordinator_token),
                 422)
    assert_error(api.post("/api/v1/bookings/00000000/attendance",
                          json={"attendance": "attended"}, token=coordinator_token), 404)


def test_attendance_before_the_day_is_refused(api, session, coordinator_token):
    code = api.post(url(session), json=BODY).get_json()["code"]
    response = api.post(f"/api/v1/bookings/{code}/attendance", json={"attendance": "attended"},
                        token=coordinator_token)
    assert_error(response, 422)


def test_a_no_show_before_the_start_is_refused(api, ctx, create_session, create_person,
                                               coordinator_token):
    now = utcnow()
    start = min(now + timedelta(hours=2), local_datetime(local_today(now), time(23, 59, 59)))
    later_today = create_session(start_dt=start, end_dt=start + timedelta(hours=1))
    booking = services.book_seat(later_today, create_person(), channel="phone_desk",
                                 actor="test", now=now).booking
    db.session.commit()
    path = f"/api/v1/bookings/{booking.code}/attendance"
    error = assert_error(api.post(path, json={"attendance": "no_show"},
                                  token=coordinator_token), 422, "invalid")
    assert "開始時刻" in error["message"]  # in Japanese, the default
    db.session.expire_all()
    assert booking.attendance is None
    response = api.post(path, json={"attendance": "attended"}, token=coordinator_token)
    assert response.status_code == 200


# -- the document ----------------------------------------------------------------------

@pytest.mark.parametrize(("schema_name", "fields"), [
    ("BookingCreate", api_bookings.BOOKING_FIELDS),
    ("BookingCancel", api_bookings.CANCEL_FIELDS),
    ("AttendanceUpdate", api_bookings.ATTENDANCE_FIELDS),
])
def test_booking_bodies_match_accepted_fields(document, schema_name, fields):
    schemas = document.document["components"]["schemas"]
    schema = schemas[schema_name]
    assert set(schema["properties"]) == set(fields)
    assert schema["additionalProperties"] is False
    for name, field in fields.items():
        assert _json_types(schema["properties"][name], schemas) <= set(field.types), name


def test_phone_numbers_never_travel_in_urls(document):
    for path, item in document.document["paths"].items():
        assert "phone" not in path
        for operation in item.values():
            if isinstance(operation, dict):
                names = [parameter.get("name", parameter.get("$ref", ""))
                         for parameter in operation.get("parameters", [])]
                assert not any("phone" in name for name in names), path
