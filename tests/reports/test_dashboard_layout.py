"""The dashboard leads with the targets and the key figures; the breakdowns and the
definitions open on demand (closed <details>, no script); the printed report shows
everything open."""

import pytest

from desk.extensions import db
from desk.reports.services import set_target
from tests.fixtures.factories import NOW
from tests.reports.test_dashboard import get, parse_html, staff_client  # noqa: F401

BREAKDOWNS = ["month", "venue", "district", "program", "age-band", "topics", "volunteers"]


def _ids_in_order(page):
    return [node.attrs["id"] for node in page.iter() if "id" in node.attrs]


def test_targets_come_first_and_breakdowns_open_on_demand(kpi_data, staff_client):  # noqa: F811
    set_target(2026, "class_participants", "20", actor="test", now=NOW)
    db.session.commit()
    page = parse_html(get(staff_client).get_data(as_text=True))
    main = next(node for node in page.iter("main"))
    ids = _ids_in_order(main)
    # the key figures and the targets' panel come before any breakdown
    keys = next(node for node in main.iter("ul") if "report-keys" in node.attrs.get("class", ""))
    assert "Class participants" in keys.text() and "Not met yet" in keys.text()
    assert ids.index("targets") < min(ids.index(slug) for slug in BREAKDOWNS)
    details = [node for node in main.iter("details")
               if "report-more" in node.attrs.get("class", "")]
    by_slug = {}
    for node in details:
        assert "open" not in node.attrs
        summary = node.elements()[0]
        assert summary.tag == "summary" and summary.text()
        for section in node.iter("section"):
            by_slug[section.attrs.get("id")] = summary.text()
    # every breakdown and the definitions are inside a closed <details>, named by its summary
    assert set(BREAKDOWNS) <= set(by_slug)
    assert by_slug["month"] == "By month"
    assert "report-definitions" in {section.attrs.get("class") for node in details
                                    for section in node.iter("section")}
    # the targets are not hidden away
    targets = next(node for node in main.iter("section") if node.attrs.get("id") == "targets")
    ancestor = targets.parent
    while ancestor is not None:
        assert ancestor.tag != "details"
        ancestor = ancestor.parent


def test_a_wrong_period_opens_the_period_form(ctx, staff_client):  # noqa: F811
    page = parse_html(get(staff_client, period="month", month="2026-13").get_data(as_text=True))
    (form_details,) = [node for node in page.iter("details")
                       if "report-more--period" in node.attrs.get("class", "")]
    assert "open" in form_details.attrs
    assert list(form_details.iter("form"))


@pytest.mark.parametrize("endpoint", ["print"])
def test_the_printed_report_shows_everything_open(kpi_data, staff_client, endpoint):  # noqa: F811
    page = parse_html(get(staff_client, endpoint).get_data(as_text=True))
    main = next(node for node in page.iter("main"))
    assert not [node for node in main.iter("details")]
    sections = {node.attrs.get("id") for node in main.iter("section")}
    assert set(BREAKDOWNS) | {"targets"} <= sections
