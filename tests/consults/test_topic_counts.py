"""The topics asked per venue and month (desk.consults.reports.topic_table, the report
page and its CSV) on a hand-built fixture: two venues, visits in March and April 2026
including one at 2026-03-31 23:30 JST and one at 2026-04-01 00:10 JST (that is still
31 March in UTC), a visit about two topics, a cancelled ticket without a visit, a
topic hidden after it was asked, and a visit in May outside the months asked for."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest

from desk.consults import reports, services, topics
from desk.core.timeutil import local_datetime
from desk.extensions import db

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def _visit(session, topic_list, *, arrived, actor):
    """A walk-in served and logged: issued at `arrived`, called 5 minutes later, logged
    10 minutes after that."""
    ticket = services.issue_ticket(session, {}, actor=actor, now=arrived)
    services.take_ticket(ticket, actor=actor, now=arrived + timedelta(minutes=5))
    services.log_visit(ticket, {"topics": [str(topic.id) for topic in topic_list],
                                "device": "iphone", "outcome": "resolved"},
                       actor=actor, now=arrived + timedelta(minutes=15))
    db.session.commit()
    return ticket


@pytest.fixture
def fixture(ctx, create_user, create_venue, create_session):
    coordinator = create_user()
    north, south = create_venue(name="北部相談会場"), create_venue(name="南部相談会場")
    line = topics.create_topic({"name": "テスト・LINE", "name_en": "Test LINE"}, actor="test")
    maps = topics.create_topic({"name": "テスト・地図", "name_en": "Test maps"}, actor="test")
    old = topics.create_topic({"name": "テスト・旧項目", "name_en": "Test old topic"},
                              actor="test")
    formula = topics.create_topic({"name": "=テスト式", "name_en": "=Test formula"},
                                  actor="test")
    db.session.commit()

    def session(venue, day, start, end):
        return create_session(kind="consultation", venue_id=venue.id, day=day, start=start,
                              end=end)

    late_march = session(north, date(2026, 3, 31), time(23, 30), time(23, 59))
    early_april = session(north, date(2026, 4, 1), time(0, 10), time(1, 0))
    may = session(north, date(2026, 5, 1), time(0, 0), time(1, 0))
    south_march = session(south, date(2026, 3, 10), time(10), time(12))
    south_april = session(south, date(2026, 4, 15), time(13), time(15))

    _visit(late_march, [line, maps], arrived=late_march.start_dt, actor=coordinator)
    _visit(early_april, [line], arrived=early_april.start_dt, actor=coordinator)
    _visit(may, [line], arrived=may.start_dt, actor=coordinator)
    _visit(south_march, [old], arrived=south_march.start_dt, actor=coordinator)
    _visit(south_april, [maps], arrived=south_april.start_dt, actor=coordinator)
    cancelled = services.issue_ticket(south_april, {}, actor=coordinator,
                                      now=south_april.start_dt + timedelta(minutes=20))
    services.cancel_ticket(cancelled, actor=coordinator,
                           now=south_april.start_dt + timedelta(minutes=30))
    topics.set_topic_active(old, False, actor="test")
    db.session.commit()
    return {"north": north, "south": south, "line": line, "maps": maps, "old": old,
            "formula": formula, "coordinator": coordinator}


def _cells(table):
    """{month: {topic code: count}} without the zero cells, and {month: visits}."""
    cells = {}
    for month in table.months:
        row = {topic.code: table.count(month, topic) for topic in table.topics
               if table.count(month, topic)}
        cells[reports.month_label_value(month)] = row
    visits = {reports.month_label_value(month): table.visits.get(month, 0)
              for month in table.months}
    return cells, visits


def test_the_sessions_straddle_the_month_in_jst_not_in_utc(fixture):
    # the premise of the fixture: 2026-04-01 00:10 JST is 31 March in UTC
    assert local_datetime(date(2026, 4, 1), time(0, 10)) == datetime.fromisoformat(
        "2026-03-31T15:10:00+00:00")


def test_topic_counts_per_venue(fixture):
    codes = {name: fixture[name].code for name in ("line", "maps", "old")}
    north = reports.topic_table(MARCH, APRIL, fixture["north"].id)
    assert _cells(north) == (
        {"2026-03": {codes["line"]: 1, codes["maps"]: 1}, "2026-04": {codes["line"]: 1}},
        {"2026-03": 1, "2026-04": 1})
    assert north.topic_totals == {fixture["line"].id: 2, fixture["maps"].id: 1}
    assert north.total_visits == 2
    # a hidden topic nobody asked about here is not a column; active topics all are
    assert fixture["old"] not in north.topics
    assert fixture["formula"] in north.topics

    south = reports.topic_table(MARCH, APRIL, fixture["south"].id)
    assert _cells(south) == (
        {"2026-03": {codes["old"]: 1}, "2026-04": {codes["maps"]: 1}},
        {"2026-03": 1, "2026-04": 1})  # the cancelled ticket has no visit: not counted
    assert south.total_visits == 2
    # hidden after it was asked: still a column, still counted
    assert fixture["old"] in south.topics


def test_topic_counts_for_all_venues(fixture):
    codes = {name: fixture[name].code for name in ("line", "maps", "old")}
    table = reports.topic_table(MARCH, APRIL)
    assert _cells(table) == (
        {"2026-03": {codes["line"]: 1, codes["maps"]: 1, codes["old"]: 1},
         "2026-04": {codes["line"]: 1, codes["maps"]: 1}},
        {"2026-03": 2, "2026-04": 2})
    assert table.topic_totals == {fixture["line"].id: 2, fixture["maps"].id: 2,
                                  fixture["old"].id: 1}
    assert table.total_visits == 4
    # the May visit counts once May is asked for
    may = reports.topic_table(date(2026, 5, 1), date(2026, 5, 1))
    assert _cells(may) == ({"2026-05": {codes["line"]: 1}}, {"2026-05": 1})


def _read_csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_topics_csv_reads_back(fixture, client, login):
    login(client, fixture["coordinator"])
    client.set_cookie("desk_locale", "en")
    response = client.get("/staff/consults/topics.csv",
                          query_string={"from": "2026-03", "to": "2026-04", "venue_id": "all"})
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _read_csv(response)
    header = rows[0]
    assert header[:2] == ["Venue", "Month"] and header[-1] == "Visits"
    # text that a spreadsheet would run as a formula is guarded
    assert "'=Test formula" in header and "=Test formula" not in header
    column = {name: header.index(name) for name in ("Test LINE", "Test maps", "Test old topic")}
    body = {row[1]: row for row in rows[1:]}
    assert list(body) == ["2026-03", "2026-04", "Total"]
    assert {row[0] for row in rows[1:]} == {"All venues"}
    expected = {"2026-03": (1, 1, 1, 2), "2026-04": (1, 1, 0, 2), "Total": (2, 2, 1, 4)}
    for month, (line, maps, old, visits) in expected.items():
        row = body[month]
        assert [row[column["Test LINE"]], row[column["Test maps"]],
                row[column["Test old topic"]], row[-1]] == [str(line), str(maps), str(old),
                                                             str(visits)]
        # every other topic column is zero
        others = [cell for index, cell in enumerate(row[2:-1], start=2)
                  if index not in column.values()]
        assert set(others) == {"0"}


def test_topics_csv_of_one_venue(fixture, client, login):
    login(client, fixture["coordinator"])
    client.set_cookie("desk_locale", "ja")
    response = client.get("/staff/consults/topics.csv", query_string={
        "from": "2026-03", "to": "2026-04", "venue_id": fixture["south"].id})
    rows = _read_csv(response)
    header = rows[0]
    old = header.index("テスト・旧項目")
    maps = header.index("テスト・地図")
    assert [(row[0], row[1], row[old], row[maps], row[-1]) for row in rows[1:]] == [
        ("南部相談会場", "2026-03", "1", "0", "1"),
        ("南部相談会場", "2026-04", "0", "1", "1"),
        ("南部相談会場", rows[-1][1], "1", "1", "2")]


def test_topics_report_page(fixture, client, login):
    login(client, fixture["coordinator"])
    client.set_cookie("desk_locale", "en")
    response = client.get("/staff/consults/topics", query_string={
        "from": "2026-03", "to": "2026-04", "venue_id": fixture["north"].id})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Test LINE" in page and "Test old topic" not in page
    assert "北部相談会場" in page
    # the sessions of the period link to their pages
    assert page.count('href="/staff/consults/') >= 2


@pytest.mark.parametrize("query", [
    {"from": "2026-13"},
    {"from": "march"},
    {"from": "2026-04", "to": "2026-03"},
    {"from": "2020-01", "to": "2026-03"},
    {"venue_id": "abc"},
    {"venue_id": "99999999"},
    {"venue_id": "1" * 40},
    {"from": "٢٠٢٦-٠٣"},
])
def test_bad_report_filters_give_a_message(fixture, client, login, query):
    login(client, fixture["coordinator"])
    response = client.get("/staff/consults/topics", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "consult-topic-table" not in page
    csv_response = client.get("/staff/consults/topics.csv", query_string=query)
    assert csv_response.status_code == 302
    assert "/staff/consults/topics" in csv_response.headers["Location"]
