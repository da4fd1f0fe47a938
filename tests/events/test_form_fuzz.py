"""Hypothesis fuzzes the coordinators' session and series forms: random text (unicode,
control characters, very long), numbers, dates, times and ids in every field.

Whatever is posted: never a 5xx. When the answer is not a redirect nothing was written
(sessions, series, skipped dates and audit entries keep their counts, an edited row
keeps its values); when it is, exactly the rows of one saved form were written.
"""

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.extensions import db
from tests.conftest import examples
from tests.events.helpers import row_counts

FUZZ = settings(deadline=None, max_examples=examples(80),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Any character a browser can send (no lone surrogates), control characters included.
characters = st.characters(blacklist_categories=("Cs",))
random_text = st.one_of(
    st.text(characters, max_size=40),
    st.builds(lambda char, count: char * count, characters, st.integers(0, 6000)),
    st.sampled_from(["\x00", "\r\n", "\t", "\u202e", "ＡＢＣ", "１２", "²", "-0", "1e3",
                     "NaN", "<script>", "' OR 1=1 --", "${7*7}", "{{7*7}}"]),
)
# the series forms are edited on the real clock (an edit leaves the past alone): their
# dates run from the first of next month, whatever today is
SERIES_START = (local_today(utcnow()).replace(day=1) + timedelta(days=32)).replace(day=1)
SERIES_UNTIL = SERIES_START + timedelta(days=120)
FOURTH_TUESDAY = SERIES_START + timedelta(days=(1 - SERIES_START.weekday()) % 7 + 21)
near_dates = st.dates(min_value=SERIES_START - timedelta(days=60),
                      max_value=SERIES_UNTIL + timedelta(days=90))
dates = st.one_of(near_dates.map(date.isoformat), st.dates().map(date.isoformat),
                  st.sampled_from(["2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31",
                                   "2026/12/01", "2026-12-1", "20261201"]))
clock = st.one_of(st.times().map(lambda at: at.strftime("%H:%M")),
                  st.sampled_from(["10:00", "11:30", "24:00", "9:5", "10:00:00", "25:61"]))
numbers = st.one_of(st.integers(-1000, 1000).map(str), st.integers().map(str),
                    st.sampled_from(["", "12", "500", "501", "-1", "0", "3.5", "1e2"]))
kinds = st.sampled_from(["class", "outreach_class", "awareness_event", "consultation",
                         "", "lecture"])
rules = st.sampled_from(["FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=2TU,4TU",
                         "FREQ=MONTHLY;BYDAY=9TU", "FREQ=DAILY", "FREQ=HOURLY",
                         "FREQ=WEEKLY;COUNT=2", "FREQ=WEEKLY;UNTIL=20270101",
                         "FREQ=DAILY;BYHOUR=9", "FREQ=DAILY;INTERVAL=-1",
                         "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "RRULE:FREQ=YEARLY",
                         "FREQ=MONTHLY;BYMONTHDAY=0", "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=3", ""])


def maybe(strategy):
    """The field's plausible values, random text, or the field left out."""
    return st.one_of(strategy, random_text, st.none())


def ids(known):
    return st.sampled_from([*(str(item) for item in known), "0", "-1", str(2**31),
                            str(2**63), "99999999999999999999999", "abc", ""])


def session_fields(venue_ids, program_ids):
    """Per field of the session form: plausible values, random text, or left out."""
    return {
        "kind": maybe(kinds),
        "program_id": maybe(ids(program_ids)),
        "title": maybe(random_text),
        "venue_id": maybe(ids(venue_ids)),
        "capacity": maybe(numbers),
        "notes": maybe(random_text),
        "day": maybe(dates),
        "start_time": maybe(clock),
        "end_time": maybe(clock),
        "requesting_group": maybe(random_text),
        "requesting_contact": maybe(random_text),
    }


def series_fields(venue_ids, program_ids):
    """Per field of the series form: plausible values, random text, or left out."""
    weekday_values = st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU", "XX", "",
                                      "tu"])
    ordinal_values = st.sampled_from(["1", "2", "3", "4", "-1", "5", "0", "x"])
    return {
        "kind": maybe(kinds),
        "program_id": maybe(ids(program_ids)),
        "title": maybe(random_text),
        "venue_id": maybe(ids(venue_ids)),
        "capacity": maybe(numbers),
        "notes": maybe(random_text),
        "start_date": maybe(dates),
        "until_date": maybe(dates),
        "start_time": maybe(clock),
        "end_time": maybe(clock),
        "frequency": maybe(st.sampled_from(["weekly", "monthly", "custom", "yearly"])),
        "interval": maybe(numbers),
        "weekdays": st.lists(st.one_of(weekday_values, random_text), max_size=4),
        "ordinals": st.lists(st.one_of(ordinal_values, random_text), max_size=3),
        "custom_rule": maybe(rules),
        "skip_dates": maybe(st.one_of(
            st.lists(dates, max_size=4).map("\n".join),
            st.lists(near_dates.map(date.isoformat), max_size=4).map("\r\n".join))),
    }


def forms(valid, fields):
    """Entirely random forms, and the valid form with one or two fields changed."""
    near_valid = st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2,
                          unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name] for name in names}).map(
            lambda changes: {**valid, **changes}))
    return st.one_of(st.fixed_dictionaries(fields), near_valid)


def posted(form):
    """Form data as a browser sends it: fields left out are missing."""
    return {name: value for name, value in form.items() if value is not None}


def assert_no_server_error(response):
    event(f"answer {response.status_code}")
    assert response.status_code < 500, response.status_code
    assert response.status_code in (200, 302), response.status_code


@pytest.fixture
def places(ctx, create_venue, create_program):
    venues = [create_venue(), create_venue(is_active=False)]
    programs = [create_program()]
    return [venue.id for venue in venues], [program.id for program in programs]


def _valid_session_form(venue_id, program_id):
    return {"kind": "class", "program_id": str(program_id), "venue_id": str(venue_id),
            "day": "2026-12-08", "start_time": "10:00", "end_time": "11:30", "capacity": "12"}


@FUZZ
@given(data=st.data())
def test_session_form_fuzz_never_fails_and_never_half_writes(staff_client, places, data):
    venue_ids, program_ids = places
    form = data.draw(forms(_valid_session_form(venue_ids[0], program_ids[0]),
                           session_fields(venue_ids, program_ids)))
    before = row_counts()
    response = staff_client.post("/staff/sessions/new", data=posted(form))
    assert_no_server_error(response)
    after = row_counts()
    if response.status_code == 302:
        assert after["sessions"] == before["sessions"] + 1
        assert after["audit_entries"] == before["audit_entries"] + 1
        assert after["session_series"] == before["session_series"]
    else:
        assert after == before


@FUZZ
@given(data=st.data())
def test_session_edit_fuzz_never_fails_and_never_half_writes(staff_client, places,
                                                            create_session, data):
    venue_ids, program_ids = places
    session = create_session(day=date(2026, 12, 8), venue_id=venue_ids[0],
                             program_id=program_ids[0])
    values = (session.start_dt, session.end_dt, session.capacity, session.notes,
              session.venue_id, session.title)
    valid = _valid_session_form(venue_ids[0], program_ids[0])
    form = data.draw(forms(valid, session_fields(venue_ids, program_ids)))
    before = row_counts()
    response = staff_client.post(f"/staff/sessions/{session.id}", data=posted(form))
    assert_no_server_error(response)
    db.session.expire_all()
    if response.status_code != 302:
        assert row_counts() == before
        assert (session.start_dt, session.end_dt, session.capacity, session.notes,
                session.venue_id, session.title) == values
    else:
        assert row_counts()["sessions"] == before["sessions"]


def _valid_series_form(venue_id, program_id):
    return {"kind": "class", "program_id": str(program_id), "venue_id": str(venue_id),
            "start_date": SERIES_START.isoformat(), "until_date": SERIES_UNTIL.isoformat(),
            "start_time": "10:00", "end_time": "11:30", "capacity": "12",
            "frequency": "monthly", "interval": "1", "weekdays": ["TU"], "ordinals": ["2", "4"],
            "skip_dates": FOURTH_TUESDAY.isoformat()}


@FUZZ
@given(data=st.data())
def test_series_form_fuzz_never_fails_and_never_half_writes(staff_client, places, data):
    venue_ids, program_ids = places
    valid = _valid_series_form(venue_ids[0], program_ids[0])
    form = data.draw(forms(valid, series_fields(venue_ids, program_ids)))
    before = row_counts()
    response = staff_client.post("/staff/series/new", data=posted(form))
    assert_no_server_error(response)
    after = row_counts()
    if response.status_code == 302:
        created = after["sessions"] - before["sessions"]
        assert after["session_series"] == before["session_series"] + 1
        assert 1 <= created <= 400
        # the series' entry and one per session
        assert after["audit_entries"] == before["audit_entries"] + 1 + created
    else:
        assert after == before


@FUZZ
@given(data=st.data())
def test_series_edit_fuzz_never_fails_and_never_half_writes(staff_client, places,
                                                           create_series, data):
    venue_ids, program_ids = places
    series = create_series(venue_id=venue_ids[0], program_id=program_ids[0],
                           start_date=SERIES_START, until_date=SERIES_UNTIL)
    snapshot = sorted((session.occurrence_date, session.start_dt, session.capacity)
                      for session in series.sessions)
    valid = _valid_series_form(venue_ids[0], program_ids[0])
    form = data.draw(forms(valid, series_fields(venue_ids, program_ids)))
    before = row_counts()
    edited_at = utcnow()
    response = staff_client.post(f"/staff/series/{series.id}", data=posted(form))
    assert_no_server_error(response)
    db.session.expire_all()
    if response.status_code != 302:
        assert row_counts() == before
        assert sorted((session.occurrence_date, session.start_dt, session.capacity)
                      for session in series.sessions) == snapshot
        assert series.start_time == time(10)
    else:
        assert row_counts()["session_series"] == before["session_series"]
        # every session still governed by the series now follows it
        for session in series.sessions:
            if not session.is_detached and session.start_dt > edited_at:
                assert session.start_dt == local_datetime(session.occurrence_date,
                                                          series.start_time)
                assert series.start_date <= session.occurrence_date <= series.until_date


def test_fuzz_strategies_reach_a_saved_form(staff_client, places):
    """The near-valid forms the fuzzers start from do save (so the fuzzers test both)."""
    venue_ids, program_ids = places
    session = staff_client.post("/staff/sessions/new",
                                data=_valid_session_form(venue_ids[0], program_ids[0]))
    series = staff_client.post("/staff/series/new",
                               data=_valid_series_form(venue_ids[0], program_ids[0]))
    assert (session.status_code, series.status_code) == (302, 302)
