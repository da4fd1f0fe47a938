"""The KPI dashboard and its printable report: figures of the hand-computed dataset
(tests/reports/conftest.py) in the tables, every chart followed by its table, the period
selector, bad parameters answered with a message."""

import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale

from desk.auth.models import Role
from desk.extensions import db
from desk.reports import dashboard, dashboard_views
from desk.reports.charts import SVG_NS
from desk.reports.dashboard import PeriodError, parse_period
from desk.reports.services import set_target
from tests.fixtures.factories import NOW

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Nodes and strings

    def iter(self, tag=None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self):
        return " ".join("".join(child if isinstance(child, str) else child.text()
                                for child in self.children).split())

    def elements(self):
        return [child for child in self.children if isinstance(child, Node)]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text):
    builder = TreeBuilder()
    builder.feed(text)
    return builder.root


def tables(page):
    """{caption: [[cell text, ...] per body row]}"""
    found = {}
    for table in page.iter("table"):
        caption = next(table.iter("caption")).text()
        body = next(table.iter("tbody"))
        found[caption] = [[cell.text() for cell in row.elements()] for row in body.iter("tr")]
    return found


def row_of(table, name):
    (row,) = [row for row in table if row[0] == name]
    return row


@pytest.fixture
def staff_client(client, create_user, login, monkeypatch):
    monkeypatch.setattr(dashboard_views, "utcnow", lambda: NOW)
    login(client, create_user(Role.COORDINATOR))
    client.set_cookie("desk_locale", "en")  # the figures' labels as in the code
    return client


def get(client, endpoint="dashboard", **args):
    return client.get(f"/staff/reports{'/print' if endpoint == 'print' else ''}",
                      query_string=args)


@pytest.mark.parametrize("endpoint", ["dashboard", "print"])
def test_report_shows_the_figures_of_the_fiscal_year(kpi_data, staff_client, endpoint):
    set_target(2026, "class_participants", "20", actor="test", now=NOW)
    set_target(2026, "consultation_visits", "2", actor="test", now=NOW)
    db.session.commit()
    response = get(staff_client, endpoint, period="fy", fy="2026")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "令和8年度 (FY2026)" in text
    assert "%%" not in text and "%(" not in text  # every placeholder filled in
    found = tables(parse_html(text))

    targets = next(rows for caption, rows in found.items()
                   if "actual against target" in caption)
    # actual, target, achievement rate, status (FY2026 runs until March), the same point
    # of FY2025 (s0 is on 31 March: later), change
    assert row_of(targets, "Class participants")[1:] == [
        "9", "20", "45%", "Not met yet", "0", "+9"]
    assert row_of(targets, "Consultation visits")[1:] == [
        "3", "2", "150%", "Achieved", "0", "+3"]
    assert row_of(targets, "Volunteer hours")[1:] == ["3 h 30 min", "–", "–", "–", "0 h",
                                                     "+3 h 30 min"]
    assert row_of(targets, "Repeat rate")[1:3] == ["33.3%", "–"]

    by_venue = next(rows for caption, rows in found.items() if caption.startswith("By venue"))
    venues = kpi_data.venues
    # columns: classes, outreach, awareness, consultation sessions held, class
    # participants, awareness headcount, consultation visits
    assert row_of(by_venue, venues[1].name)[1:] == ["0", "1", "1", "0", "3", "42", "0"]
    assert row_of(by_venue, venues[2].name)[1:] == ["0", "0", "0", "1", "0", "0", "3"]
    by_month = next(rows for caption, rows in found.items() if caption.startswith("By month"))
    assert len(by_month) == 12
    by_age = next(rows for caption, rows in found.items() if caption.startswith("By age band"))
    assert row_of(by_age, "Not given")  # "not given" is a row of its own
    topics = next(rows for caption, rows in found.items()
                  if caption.startswith("Consultation topics"))
    assert topics[0][0] == "1" and topics[0][2] == "3"  # LINE, asked in three visits
    hours = next(rows for caption, rows in found.items()
                 if caption.startswith("Volunteer hours"))
    assert ["2 h", "1"] in [row[1:] for row in hours]  # students: y 2 h (z never came)
    assert ["1 h 30 min", "1"] in [row[1:] for row in hours]


@pytest.mark.parametrize("endpoint", ["dashboard", "print"])
def test_every_chart_is_followed_by_its_table(kpi_data, staff_client, endpoint):
    set_target(2026, "class_participants", "20", actor="test", now=NOW)
    db.session.commit()
    response = get(staff_client, endpoint)
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    text = response.get_data(as_text=True)
    page = parse_html(text)
    charts = list(page.iter("svg"))
    assert len(charts) == 9  # targets, bookings by channel, five breakdowns, topics, volunteers
    for svg in charts:
        wrapper = svg.parent
        assert wrapper.attrs["class"] == "report-chart"
        siblings = wrapper.parent.elements()
        following = siblings[siblings.index(wrapper) + 1]
        assert "table-wrap" in following.attrs["class"]
        assert [node.tag for node in following.elements()] == ["table"]
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert {node.attrs.get("id") for node in svg.iter()} >= {title_id, desc_id}
    # no inline style anywhere on the page, charts included
    assert all("style" not in node.attrs for node in page.iter())
    assert "<style" not in text
    # each chart is well-formed XML on its own
    start = 0
    for _svg in charts:
        start = text.index("<svg", start)
        end = text.index("</svg>", start) + len("</svg>")
        root = ET.fromstring(text[start:end])
        assert root.tag == f"{{{SVG_NS}}}svg"
        start = end


def test_japanese_labels_in_charts_and_tables(kpi_data, staff_client):
    staff_client.set_cookie("desk_locale", "ja")
    text = get(staff_client).get_data(as_text=True)
    page = parse_html(text)
    age_chart = next(svg for svg in page.iter("svg") if "chart-age-band-title" in
                     svg.attrs["aria-labelledby"])
    labels = [node.text() for node in age_chart.iter("text")
              if node.attrs.get("class") == "chart__label"]
    assert "70〜79歳" in labels
    assert "令和8年度 (FY2026)" in text


def test_empty_database_and_other_periods(ctx, staff_client):
    for args in ({}, {"period": "quarter", "fy": "2025", "q": "4"},
                 {"period": "month", "month": "2026-05"},
                 {"period": "custom", "from": "2026-04-01", "to": "2026-06-30"},
                 {"period": "fy", "fy": "2027"}):  # not started: nothing to date
        response = get(staff_client, **args)
        assert response.status_code == 200, args
    text = get(staff_client, period="quarter", fy="2025", q="4").get_data(as_text=True)
    assert "令和7年度 (FY2025) Q4" in text
    assert "No targets are set for 令和7年度 (FY2025)." in text
    text = get(staff_client, period="fy", fy="2027").get_data(as_text=True)
    assert "This period has not started yet." not in text  # FY2027: its targets' table
    text = get(staff_client, period="month", month="2027-05").get_data(as_text=True)
    assert "This period has not started yet." in text


@pytest.mark.parametrize("args", [
    {"period": "year"},
    {"fy": "abc"},
    {"fy": "1990"},
    {"fy": "2100"},
    {"period": "quarter", "fy": "2026", "q": "5"},
    {"period": "quarter", "q": "x"},
    {"period": "month", "month": "2026-13"},
    {"period": "month", "month": "0000-01"},
    {"period": "month", "month": "May"},
    {"period": "custom"},
    {"period": "custom", "from": "2026-04-01"},
    {"period": "custom", "from": "2026-05-01", "to": "2026-04-01"},
    {"period": "custom", "from": "0001-01-01", "to": "2026-04-01"},
    {"period": "custom", "from": "2019-04-01", "to": "2026-04-01"},
    {"period": "custom", "from": "2010-04-01", "to": "2011-04-01"},
])
@pytest.mark.parametrize("endpoint", ["dashboard", "print"])
def test_bad_parameters_give_a_message(ctx, staff_client, args, endpoint):
    response = get(staff_client, endpoint, **args)
    assert response.status_code == 200
    page = parse_html(response.get_data(as_text=True))
    alerts = [node for node in page.iter("p") if node.attrs.get("role") == "alert"]
    assert len(alerts) == 1 and alerts[0].text()
    assert list(page.iter("svg")) == [] and list(page.iter("table")) == []
    assert list(page.iter("form"))  # the period can be chosen again


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("args, first, last, query", [
    ({}, date(2026, 4, 1), date(2027, 3, 31), {"period": "fy", "fy": "2026"}),
    ({"period": "quarter"}, date(2026, 10, 1), date(2026, 12, 31),
     {"period": "quarter", "fy": "2026", "q": "3"}),
    ({"period": "quarter", "fy": "2025"}, date(2025, 4, 1), date(2025, 6, 30),
     {"period": "quarter", "fy": "2025", "q": "1"}),
    ({"period": "quarter", "fy": "2025", "q": "4"}, date(2026, 1, 1), date(2026, 3, 31),
     {"period": "quarter", "fy": "2025", "q": "4"}),
    ({"period": "month"}, date(2026, 11, 1), date(2026, 11, 30),
     {"period": "month", "month": "2026-11"}),
    ({"period": "month", "month": "2027-2"}, date(2027, 2, 1), date(2027, 2, 28),
     {"period": "month", "month": "2027-02"}),
    ({"period": "custom", "from": "2026-03-31", "to": "2026-04-01"}, date(2026, 3, 31),
     date(2026, 4, 1), {"period": "custom", "from": "2026-03-31", "to": "2026-04-01"}),
])
def test_parse_period(app, args, first, last, query):
    with app.test_request_context():
        period, choice = parse_period(args, TODAY)
    assert (period.first, period.last) == (first, last)
    assert choice.query() == query


def test_parse_period_keeps_what_was_given_when_it_is_wrong(app):
    with app.test_request_context(), pytest.raises(PeriodError) as caught:
        parse_period({"period": "month", "month": "2026-13"}, TODAY)
    assert caught.value.choice.month == "2026-13"
    assert "YYYY-MM" in str(caught.value)


def test_target_year_of_a_custom_period_across_years():
    from desk.reports import periods

    with_today = periods.Period(date(2025, 10, 1), date(2027, 1, 31), "x")
    assert dashboard.target_year(with_today, TODAY) == 2026
    before = periods.Period(date(2024, 4, 1), date(2025, 3, 31), "x")
    assert dashboard.target_year(before, TODAY) == 2024
    after = periods.Period(date(2027, 4, 1), date(2027, 5, 1), "x")
    assert dashboard.target_year(after, TODAY) == 2027


def test_a_quarter_has_its_own_figures_beside_a_year_earlier(kpi_data, staff_client):
    text = get(staff_client, period="quarter", fy="2025", q="4").get_data(as_text=True)
    found = tables(parse_html(text))
    figures = next(rows for caption, rows in found.items() if caption.startswith("Every figure"))
    # Q4 of FY2025 (January to March 2026) holds s0, the class of 31 March 23:30 JST;
    # a year earlier nothing
    assert row_of(figures, "Classes held")[1:] == ["1", "0", "+1"]
    assert row_of(figures, "Class participants")[1:] == ["1", "0", "+1"]
    assert row_of(figures, "Repeat rate")[1:] == ["0%", "–", "–"]


def test_report_tables_keep_numbers_as_numbers(kpi_data, app):
    from desk.reports import periods

    with app.test_request_context(), force_locale("en"):
        period, choice = parse_period({}, TODAY)
        report = dashboard.build_report(period, choice, today=TODAY, now=NOW)
        titles = [str(table.title) for table in report.tables]
        row = next(row for row in report.targets.table.rows
                   if str(row[0]) == "Class participants")
        assert report.fy_current.label == periods.to_date_same_point(
            periods.fiscal_year(2026), TODAY)[0].label
    # the fiscal year: its figures are in the targets' table, no second table of them
    assert report.figures is None
    assert len(titles) == len(set(titles)) == 9  # + bookings by channel
    assert row[1] == 9 and isinstance(row[1], int)
