"""Hypothesis fuzzes the writing endpoints' bodies: random JSON (strings, numbers,
nested objects, missing and extra keys, near-valid dates and times) and raw bytes.

Whatever arrives: no 5xx; a 4xx is the JSON error shape and leaves the sessions,
series and audit tables as they were; every answer matches the OpenAPI document.
"""

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desk.api.sessions import SERIES_FIELDS, SESSION_FIELDS, SESSION_UPDATE_FIELDS
from desk.core.timeutil import local_today
from tests.api.helpers import row_counts
from tests.conftest import examples

FUZZ_SETTINGS = settings(deadline=None, max_examples=examples(60),
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])

json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)

offsets = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)),
                    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59))
near_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
any_dates = st.one_of(near_dates, st.dates())
iso_datetimes = st.one_of(
    st.builds(lambda day, at, tz: datetime.combine(day, at, tzinfo=tz).isoformat(),
              any_dates, st.times(), offsets),
    st.builds(lambda day, at: datetime.combine(day, at).isoformat(), near_dates, st.times()),
)
iso_dates = any_dates.map(date.isoformat)
clock_times = st.one_of(st.times().map(lambda at: at.strftime("%H:%M")),
                        st.times().map(time.isoformat))
kinds = st.sampled_from(["class", "outreach_class", "awareness_event", "consultation",
                         "lecture", ""])
rules = st.sampled_from(["FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=2TU,4TU",
                         "FREQ=DAILY", "FREQ=HOURLY", "FREQ=WEEKLY;COUNT=2",
                         "RRULE:FREQ=YEARLY", "FREQ=MONTHLY;BYMONTHDAY=31", ""])


def _plausible(ids):
    """Per field, values that are near-valid (mixed with any JSON value)."""
    some_id = st.sampled_from([*ids, 0, -1, 2**31, 999999])
    text = st.one_of(st.text(max_size=120), st.just("台風のため"))
    return {
        "kind": kinds,
        "program_id": some_id,
        "venue_id": some_id,
        "title": text,
        "title_en": text,
        "capacity": st.integers(min_value=-5, max_value=600),
        "notes": text,
        "notes_en": text,
        "requesting_group": text,
        "requesting_contact": text,
        "slot_minutes": st.integers(min_value=-5, max_value=200),
        "starts_at": iso_datetimes,
        "ends_at": iso_datetimes,
        "status": st.sampled_from(["scheduled", "cancelled", "completed", "postponed"]),
        "cancel_reason": text,
        "rrule": rules,
        "start_date": iso_dates,
        "until_date": iso_dates,
        "start_time": clock_times,
        "end_time": clock_times,
        "skip_dates": st.lists(iso_dates, max_size=3),
    }


def _bodies(fields, ids, valid):
    """Random objects of the endpoint's fields (plus extra keys), random JSON values,
    and a valid body with one or two fields changed or dropped."""
    plausible = _plausible(ids)
    field_values = {name: st.one_of(plausible[name], json_values) for name in fields}
    objects = st.fixed_dictionaries({}, optional=field_values)
    with_extra = st.tuples(objects, st.dictionaries(st.text(max_size=8), json_values,
                                                    max_size=2)).map(
        lambda pair: {**pair[1], **pair[0]})
    changes = st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: field_values[name] for name in names}))
    dropped = st.sets(st.sampled_from(sorted(valid) or ["-"]), max_size=1)
    mutated = st.tuples(changes, dropped).map(
        lambda pair: {name: value for name, value in {**valid, **pair[0]}.items()
                      if name not in pair[1]})
    return st.one_of(mutated, objects, with_extra, json_values)


RAW = st.tuples(st.binary(max_size=60),
                st.sampled_from(["application/json", "text/plain", None]))


def _send(api, method, url, token, data, bodies):
    """One request: mostly a JSON body, sometimes raw bytes with any content type."""
    if data.draw(st.integers(min_value=0, max_value=9), label="raw?") == 0:
        raw, content_type = data.draw(RAW, label="raw body")
        return api.open(method, url, token=token, data=raw, content_type=content_type)
    body = data.draw(bodies, label="body")
    return api.open(method, url, token=token, json=body, content_type="application/json")


def _check(response, before):
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert row_counts() == before, response.get_json()


@pytest.fixture
def ids(ctx, create_venue, create_program):
    return [create_venue().id, create_program().id]


def _fuzz(api, data, method, url, token, fields, ids, valid):
    before = row_counts()
    response = _send(api, method, url, token, data, _bodies(fields, ids, valid))
    _check(response, before)


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_create_session(api, ids, coordinator_token, data):
    venue_id, program_id = ids
    valid = {"kind": "class", "program_id": program_id, "venue_id": venue_id,
             "starts_at": "2026-12-10T10:00:00+09:00", "ends_at": "2026-12-10T11:30:00+09:00",
             "capacity": 10}
    _fuzz(api, data, "POST", "/api/v1/sessions", coordinator_token, SESSION_FIELDS, ids, valid)


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_update_session(api, ids, coordinator_token, create_session, data):
    offset = data.draw(st.integers(min_value=-3, max_value=30), label="days from today")
    session = create_session(day=local_today() + timedelta(days=offset))
    _fuzz(api, data, "PATCH", f"/api/v1/sessions/{session.id}", coordinator_token,
          SESSION_UPDATE_FIELDS, [*ids, session.venue_id, session.program_id],
          {"capacity": 5})


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_create_series(api, ids, coordinator_token, data):
    venue_id, program_id = ids
    valid = {"kind": "class", "program_id": program_id, "venue_id": venue_id,
             "rrule": "FREQ=WEEKLY;BYDAY=TU", "start_date": "2026-12-01",
             "until_date": "2027-01-31", "start_time": "10:00", "end_time": "11:30",
             "capacity": 12}
    _fuzz(api, data, "POST", "/api/v1/series", coordinator_token, SERIES_FIELDS, ids, valid)


query_values = st.one_of(st.text(max_size=20), iso_dates, st.integers().map(str),
                         st.sampled_from(["class", "consultation,class", "", "50", "0"]))


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_list_queries(api, ids, data):
    names = ["from", "to", "kind", "venue_id", "cursor", "limit", "foo"]
    query = data.draw(st.dictionaries(st.sampled_from(names), query_values, max_size=4),
                      label="query")
    response = api.get("/api/v1/sessions", query_string=query)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)
