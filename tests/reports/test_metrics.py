"""Every KPI metric on the hand-computed dataset of tests/reports/conftest.py.

FY2026 = 2026-04-01 .. 2027-03-31 (JST); now = 2026-11-23 10:00 JST. Held sessions of
FY2026: s1 (class), s2 (outreach), s5 (awareness), s6 (consultation), s7 (class, started
at 09:00, still "scheduled"); not held: s3 (cancelled), s4 (future); s0 is FY2025.
"""

from datetime import date, timedelta

import pytest
from flask_babel import gettext

from desk.events.models import EventSession
from desk.extensions import db
from desk.reports import metrics
from desk.reports.metrics import METRICS, breakdown, compute, topics_ranked

FY2026 = (date(2026, 4, 1), date(2027, 3, 31))
FY2025 = (date(2025, 4, 1), date(2026, 3, 31))


def test_every_metric_is_defined_once_with_a_unit_and_a_definition():
    keys = [metric.key for metric in METRICS]
    assert len(keys) == len(set(keys))
    for metric in METRICS:
        assert metric.unit in metrics.UNITS
        assert len(str(metric.description)) > 20
    for columns in metrics.BREAKDOWN_COLUMNS.values():
        assert set(columns) <= set(keys)


def test_docs_define_every_metric_with_the_same_words():
    import pathlib

    text = " ".join((pathlib.Path(__file__).parents[2] / "docs" / "kpi.md").read_text(
        encoding="utf-8").split())
    for metric in METRICS:
        assert f"`{metric.key}`" in text
        assert " ".join(str(metric.description).split()) in text, metric.key


def test_fiscal_year_2026(kpi_data):
    result = compute(*FY2026, now=kpi_data.now)
    assert list(result) == [metric.key for metric in METRICS]
    assert result == {
        # s1 and s7 (started before now); s3 cancelled, s4 in the future, s0 in FY2025
        "classes_held": 2,
        "outreach_classes_held": 1,  # s2
        # s2 was added without a request (tests/events/test_outreach.py counts requests)
        "outreach_requests_received": 0,
        "outreach_requests_held": 0,
        "outreach_groups_reached": 0,
        "awareness_events_held": 1,  # s5
        # seats attended: s1 a 3 (two companions) + d 1 (walk-in) + f 1; s2 a 1 (was e)
        # + b 2; s7 d 1 = 5 + 3 + 1 = 9 (b's no-show, c's cancelled booking, g waiting)
        "class_participants": 9,
        "awareness_headcount": 42,  # s5: 40 anonymous + c's 2 seats
        "consultation_sessions_held": 1,  # s6
        "consultation_visits": 3,  # s6 tickets 1, 2 (anonymous), 3; not 4 (cancelled), 5
        "venues_used": 3,  # v1 (s1, s7), v2 (s2, s5), v3 (s6); v4 only s3 and s4
        # a (s1, s2 via the merged e, s6), b (s2), c (s5), d (s1, s7), f (s1), g (s6);
        # e is a, h only at the cancelled s3 = 6
        "residents_reached": 6,
        "new_residents": 5,  # f was reached at s0 in FY2025: 6 - 1
        "returning_residents": 2,  # a (3 sessions), d (2 sessions)
        "repeat_rate": 33.3,  # 2 / 6
        # class bookings: attended s1 a, d, f; s2 e(a), b; s7 d = 6; no-show s1 b, s2 c = 2
        "no_show_rate": 25.0,  # 2 / (6 + 2)
        "waiting_list_demand": 1,  # g at s1 (b at s4: not held)
        "class_participant_residents": 4,  # a, b, d, f
        "share_aged_70_plus": 66.7,  # known: a 70s, b 60s, f 90+ -> 2 / 3
        "age_not_given": 1,  # d
        "volunteer_hours": 3.5,  # x 1.5 h (s1) + y 2 h (10:00 to the shift's end 12:00)
        "active_volunteers": 2,  # x, y (z never checked in)
        "resolved_share": 66.7,  # visits of tickets 1, 3 resolved, 2 referred: 2 / 3
        "referred_share": 33.3,  # 1 / 3
        "survey_responses": 4,  # s1 three sheets, s2 one (s3 cancelled, s0 FY2025)
        "survey_satisfaction": 4.0,  # (5 + 4 + 3) / 3 answered
        "survey_can_do_share": 33.3,  # yes 1 of answered 3 (yes, partly, no)
    }


def test_fiscal_year_2025_holds_the_class_of_march_31_at_23_30_jst(kpi_data):
    result = compute(*FY2025, now=kpi_data.now)
    assert result["classes_held"] == 1  # s0 only; s1 (April 1, 00:10 JST) is FY2026
    assert result["class_participants"] == 1  # f
    assert result["residents_reached"] == 1
    assert result["new_residents"] == 1
    assert result["returning_residents"] == 0
    assert result["repeat_rate"] == 0.0
    assert result["no_show_rate"] == 0.0  # 0 / 1
    assert result["venues_used"] == 1
    assert result["survey_responses"] == 1
    assert result["survey_satisfaction"] == 1.0
    assert result["survey_can_do_share"] == 0.0  # 0 yes of 1 answered
    assert result["share_aged_70_plus"] == 100.0  # f 90+
    # nothing to divide by: None, never a made-up zero
    assert result["resolved_share"] is None
    assert result["volunteer_hours"] == 0
    # the two sessions either side of midnight JST on 31 March / 1 April
    assert compute(date(2026, 3, 31), date(2026, 3, 31), now=kpi_data.now)["classes_held"] == 1
    assert compute(date(2026, 4, 1), date(2026, 4, 1), now=kpi_data.now)["classes_held"] == 1


def test_a_session_still_to_come_is_not_held_until_it_starts(kpi_data):
    s4 = kpi_data.sessions["s4"]
    before = compute(*FY2026, now=kpi_data.now)
    assert compute(*FY2026, now=s4.start_dt) == before  # held once started, not at the start
    after = compute(*FY2026, now=s4.start_dt + timedelta(minutes=1))
    assert after["classes_held"] == before["classes_held"] + 1
    assert after["waiting_list_demand"] == 2  # b still waitlisted at s4
    assert after["class_participants"] == before["class_participants"]  # a not marked


def test_merge_counts_a_person_once(kpi_data):
    # before merging, e would have been a seventh resident; now e's record points at a
    e = kpi_data.people["e"]
    db.session.refresh(e)
    assert e.merged_into_id == kpi_data.people["a"].id
    assert compute(*FY2026, now=kpi_data.now)["residents_reached"] == 6


def test_empty_period(kpi_data):
    result = compute(date(2027, 1, 1), date(2027, 1, 31), now=kpi_data.now)
    assert result["classes_held"] == 0
    assert result["residents_reached"] == 0
    assert result["repeat_rate"] is None
    assert result["survey_satisfaction"] is None
    assert result["share_aged_70_plus"] is None


def _rows(first, last, by, now):
    return {row.key: row for row in breakdown(first, last, by, now=now)}


def test_breakdown_by_month(kpi_data):
    rows = breakdown(*FY2026, "month", now=kpi_data.now)
    assert [row.key for row in rows] == [date(2026, m, 1) for m in range(4, 13)] + [
        date(2027, m, 1) for m in range(1, 4)]
    by_month = {row.key.month: row.values for row in rows}
    assert by_month[4]["classes_held"] == 1 and by_month[4]["class_participants"] == 5
    assert by_month[5]["outreach_classes_held"] == 1 and by_month[5]["class_participants"] == 3
    assert by_month[6]["classes_held"] == 0  # s3 cancelled
    assert by_month[7]["awareness_headcount"] == 42
    assert by_month[8]["consultation_visits"] == 3
    assert by_month[11]["classes_held"] == 1 and by_month[11]["class_participants"] == 1
    assert by_month[12]["classes_held"] == 0  # s4 still to come
    # the months add up to the year
    year = compute(*FY2026, now=kpi_data.now)
    for column in metrics.SESSION_COLUMNS:
        assert sum(row.values[column] for row in rows) == year[column]
    march = breakdown(date(2026, 3, 1), date(2026, 4, 30), "month", now=kpi_data.now)
    assert [row.values["classes_held"] for row in march] == [1, 1]  # s0 | s1
    assert rows[0].label == "2026年4月"


def test_breakdown_by_venue_and_program(kpi_data):
    v1, v2, v3, v4 = kpi_data.venues
    venues = _rows(*FY2026, "venue", kpi_data.now)
    assert set(venues) == {v1.id, v2.id, v3.id}
    assert venues[v1.id].label == v1.name
    assert venues[v1.id].values["classes_held"] == 2  # s1, s7
    assert venues[v1.id].values["class_participants"] == 6  # 5 + 1
    assert venues[v2.id].values["class_participants"] == 3  # s2
    assert venues[v2.id].values["awareness_headcount"] == 42
    assert venues[v3.id].values["consultation_visits"] == 3
    p1, p2 = kpi_data.programs
    programs = _rows(*FY2026, "program", kpi_data.now)
    assert set(programs) == {p1.id, p2.id, None}
    assert programs[p1.id].values["class_participants"] == 5  # s1
    assert programs[p2.id].values["class_participants"] == 4  # s2 3 + s7 1
    assert programs[p2.id].values["outreach_classes_held"] == 1
    assert programs[None].values["awareness_events_held"] == 1
    assert programs[None].values["consultation_visits"] == 3


def test_breakdown_by_district_shows_not_given(kpi_data):
    d1, d2 = kpi_data.districts
    rows = breakdown(*FY2026, "district", now=kpi_data.now)
    assert rows[-1].key is None and rows[-1].label == gettext("Not given")
    assert [row.key for row in rows[:2]] == [d1.id, d2.id]  # districts in their order
    # no outreach requests here (tests/events/test_outreach.py counts them by district)
    assert all(row.values.pop(column) == 0 for row in rows
               for column in metrics.OUTREACH_COLUMNS)
    by_key = {row.key: row.values for row in rows}
    # class people a (d1), b (d2), d (d1), f (d2); reached also c, g (no district)
    assert by_key[d1.id] == {"class_participant_residents": 2, "residents_reached": 2,
                             "survey_responses": 1}
    assert by_key[d2.id] == {"class_participant_residents": 2, "residents_reached": 2,
                             "survey_responses": 1}
    assert by_key[None] == {"class_participant_residents": 0, "residents_reached": 2,
                            "survey_responses": 2}


def test_breakdown_by_age_band_shows_not_given(kpi_data):
    rows = breakdown(*FY2026, "age_band", now=kpi_data.now)
    assert [row.key for row in rows] == ["under_60", "60s", "70s", "80s", "90_plus", None]
    by_key = {row.key: row.values for row in rows}
    assert by_key["under_60"] == {"class_participant_residents": 0, "residents_reached": 1,
                                  "survey_responses": 0}  # g
    assert by_key["60s"]["class_participant_residents"] == 1  # b
    assert by_key["70s"] == {"class_participant_residents": 1, "residents_reached": 1,
                             "survey_responses": 1}  # a
    assert by_key["80s"] == {"class_participant_residents": 0, "residents_reached": 1,
                             "survey_responses": 1}  # c; one sheet
    assert by_key["90_plus"]["class_participant_residents"] == 1  # f
    assert by_key[None] == {"class_participant_residents": 1, "residents_reached": 1,
                            "survey_responses": 2}  # d; two sheets without an age


def test_breakdown_rejects_an_unknown_dimension(kpi_data):
    with pytest.raises(ValueError):
        breakdown(*FY2026, "colour", now=kpi_data.now)


def test_topics_ranked(kpi_data):
    # LINE on visits 1, 2, 3; My Number on visit 2
    assert topics_ranked(*FY2026, now=kpi_data.now) == [("LINE", 3), ("マイナンバーカード", 1)]
    assert topics_ranked(*FY2025, now=kpi_data.now) == []


def test_volunteers_by_affiliation(kpi_data):
    rows = {label: (hours, active) for label, hours, active in
            metrics.volunteers_by_affiliation(*FY2026)}
    assert len(rows) == 5  # every affiliation, zero rows included
    assert rows["地域ICTボランティア"] == (1.5, 1)  # x
    assert rows["学生"] == (2.0, 1)  # y 2 h; z no check-in


def test_breakdown_rows_do_not_depend_on_cancelled_sessions(kpi_data):
    s3 = db.session.get(EventSession, kpi_data.sessions["s3"].id)
    assert s3.status == "cancelled"
    venues = _rows(*FY2026, "venue", kpi_data.now)
    assert kpi_data.venues[3].id not in venues
