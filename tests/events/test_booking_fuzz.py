"""Hypothesis fuzzes public booking: the web form and the API's booking endpoint get
arbitrary text and JSON (near-valid bookings with one or two fields changed, entirely
random forms and bodies).

Whatever arrives: never a 5xx; a refused request leaves no row behind (no person, no
proxy, no booking, no audit entry, no outbox message); there is never a booking without
its person, nor a person created by the public channels without a booking; and the
booked seats never exceed the capacity.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today
from desk.events.availability import seats_taken
from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people.models import Person, ProxyContact
from tests.api.conftest import ApiClient
from tests.api.schema import ApiDocument
from tests.api.test_fuzz import json_values
from tests.conftest import examples

FUZZ = settings(deadline=None, max_examples=examples(40),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

characters = st.characters(blacklist_categories=("Cs",))
random_text = st.one_of(
    st.text(characters, max_size=30),
    st.builds(lambda char, count: char * count, characters, st.integers(0, 400)),
    st.sampled_from(["", " ", "\x00", "\r\n", "ＡＢＣ", "１２", "²", "<script>", "' OR 1=1 --",
                     "{{7*7}}", "ｻﾄｳ ｹｲｺ", "ｻﾄｳ　ｹｲｺ", "さとう　けいこ", "ヴ", "ー"]),
)
phones = st.one_of(st.sampled_from([
    "090-1234-5678", "０９０ー１２３４ー５６７８", "0466-25-1234", "+81 90 1234 5678",
    "(0466)25-1234", "050-1234-5678", "0120-123-456", "090-1234-567", "12", "+1 212 555 0100",
    "080-2345-6789", "070-3456-7890"]), random_text)
kanas = st.one_of(st.sampled_from(["さとう けいこ", "サトウ ケイコ", "ｽｽﾞｷ ｼｹﾞﾙ", "Sato",
                                   "たなか まさお", "ゔぁ", ""]), random_text)
seat_values = st.one_of(st.sampled_from(["1", "2", "3", "0", "4", "-1", "1.5", ""]),
                        random_text)


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, ProxyContact, Booking, AuditEntry, OutboxMessage)}


def assert_consistent(session):
    """No orphan rows and capacity kept, whatever was accepted or refused so far."""
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Booking.id)).where(
        Booking.person_id.not_in(select(Person.id)))) == 0
    assert db.session.scalar(select(func.count(Person.id)).where(
        Person.id.not_in(select(Booking.person_id)))) == 0
    assert seats_taken(session) <= session.capacity


def assert_refused_or_booked(response, before, *, refused):
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    after = counts()
    if refused:
        assert after == before
    else:
        assert after["bookings"] in (before["bookings"], before["bookings"] + 1)


@pytest.fixture
def api(app, client):
    """A client that validates every answer against the OpenAPI document."""
    return ApiClient(client, ApiDocument(app))


@pytest.fixture
def small_class(ctx, create_session, create_district):
    create_district(name="湘南台")
    return create_session(day=local_today() + timedelta(days=7), capacity=3)


VALID_FORM = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-1234-5678",
              "seats": "1", "reminder_channel": "automatic", "consent": "y", "age_band": "",
              "district_id": "", "proxy_relation": "family"}
FORM_FIELDS = {
    "name": st.one_of(st.sampled_from(["佐藤 恵子", "鈴木 茂"]), random_text),
    "name_kana": kanas,
    "phone": phones,
    "seats": seat_values,
    "email": st.one_of(st.sampled_from(["keiko@example.jp", "keiko@", ""]), random_text),
    "reminder_channel": st.one_of(st.sampled_from(["automatic", "sms", "voice", "email",
                                                   "none", "fax"]), random_text),
    "consent": st.sampled_from(["y", "", "on", "n"]),
    "district_id": st.sampled_from(["", "1", "0", "-1", "999999", "abc", str(2**40)]),
    "age_band": st.one_of(st.sampled_from(["", "70s", "90_plus", "100s"]), random_text),
    "proxy_name": st.one_of(st.sampled_from(["佐藤 太郎", ""]), random_text),
    "proxy_relation": st.one_of(st.sampled_from(["family", "care_manager", "other", "boss"]),
                                random_text),
    "proxy_phone": phones,
    "proxy_wants_copies": st.sampled_from(["y", ""]),
}


def forms():
    fields = {name: st.one_of(strategy, st.none()) for name, strategy in FORM_FIELDS.items()}
    near_valid = st.lists(st.sampled_from(sorted(FORM_FIELDS)), min_size=1, max_size=2,
                          unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: FORM_FIELDS[name] for name in names}).map(
            lambda changes: {**VALID_FORM, **changes}))
    return st.one_of(near_valid, st.fixed_dictionaries(fields))


@FUZZ
@given(data=st.data())
def test_fuzz_web_booking_form(client, small_class, data):
    posted = {name: value for name, value in data.draw(forms(), label="form").items()
              if value is not None}
    before = counts()
    response = client.post(f"/sessions/{small_class.id}/book", data=posted)
    assert response.status_code in (200, 302), response.status_code
    assert_refused_or_booked(response, before, refused=response.status_code != 302)
    assert_consistent(small_class)


VALID_BODY = {"name": "佐藤 恵子", "kana": "さとう けいこ", "phone": "090-1234-5678", "seats": 1,
              "consent": True}
BODY_FIELDS = {
    "name": st.one_of(st.sampled_from(["佐藤 恵子", "鈴木 茂"]), random_text, json_values),
    "kana": st.one_of(kanas, json_values),
    "phone": st.one_of(phones, json_values),
    "seats": st.one_of(st.integers(-3, 6), st.integers(), json_values),
    "consent": st.one_of(st.booleans(), json_values),
    "email": st.one_of(st.sampled_from(["keiko@example.jp", "keiko@"]), json_values),
    "district": st.one_of(st.sampled_from(["湘南台", "辻堂", 1, 0, -1, 2**31, 2**70]),
                          json_values),
    "age_band": st.one_of(st.sampled_from(["70s", "under_60", "100s"]), json_values),
}


def bodies():
    fields = {name: st.one_of(strategy, st.none()) for name, strategy in BODY_FIELDS.items()}
    objects = st.fixed_dictionaries({}, optional=fields)
    near_valid = st.lists(st.sampled_from(sorted(BODY_FIELDS)), min_size=1, max_size=2,
                          unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: BODY_FIELDS[name] for name in names}).map(
            lambda changes: {**VALID_BODY, **changes}))
    extra = st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=2).map(
        lambda keys: {**keys, **VALID_BODY})
    return st.one_of(near_valid, objects, extra, json_values)


@FUZZ
@given(data=st.data())
def test_fuzz_api_booking(api, small_class, data):
    before = counts()
    if data.draw(st.integers(0, 9), label="raw?") == 0:
        raw = data.draw(st.binary(max_size=60), label="raw body")
        response = api.post(f"/api/v1/sessions/{small_class.id}/bookings", data=raw,
                            content_type="application/json")
    else:
        response = api.post(f"/api/v1/sessions/{small_class.id}/bookings",
                            json=data.draw(bodies(), label="body"))
    assert_refused_or_booked(response, before, refused=response.status_code >= 400)
    if response.status_code < 300:
        body = response.get_json()
        assert body["status"] in (BookingStatus.BOOKED, BookingStatus.WAITLISTED)
    assert_consistent(small_class)


def test_fuzz_starting_points_book(client, api, small_class):
    """The near-valid inputs the fuzzers start from do book (so both paths are tested)."""
    assert client.post(f"/sessions/{small_class.id}/book", data=VALID_FORM).status_code == 302
    response = api.post(f"/api/v1/sessions/{small_class.id}/bookings",
                        json={**VALID_BODY, "kana": "スズキ", "phone": "0466-25-1234"})
    assert response.status_code == 201
