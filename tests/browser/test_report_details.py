"""The KPI dashboard's breakdowns open on demand with the keyboard alone (a <details>
summary: Tab, then Enter), no script needed; the opened parts pass axe as well, and
each summary is a big enough target (44 px high)."""

import pytest

from tests.browser.axe_check import describe, run_axe

pytestmark = pytest.mark.browser

MAX_TABS = 120


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_breakdowns_open_with_the_keyboard(live_server, open_page, locale):
    probe = open_page("coordinator", locale)
    probe.goto(live_server.url_for("reports.dashboard"))
    page = probe.page
    summaries = page.locator("details.report-more > summary")
    count = summaries.count()
    assert count >= 8  # the period form, seven breakdowns, the definitions
    for index in range(count):
        box = summaries.nth(index).bounding_box()
        assert box["height"] >= 44, box
    assert page.locator("details.report-more[open]").count() == 0
    month = page.locator("details.report-more:has(#month)")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.parentElement.querySelector('#month') !== null"
                         " && document.activeElement.tagName === 'SUMMARY'"):
            break
    else:
        raise AssertionError("the summary of the monthly breakdown is never reached by Tab")
    assert not page.locator("#month svg").is_visible()
    page.keyboard.press("Enter")
    assert month.get_attribute("open") is not None
    assert page.locator("#month svg").is_visible()
    assert page.locator("#month table").is_visible()
    page.evaluate("document.querySelectorAll('details.report-more')"
                  ".forEach(details => { details.open = true; })")
    violations = run_axe(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("endpoint", ["reports.dashboard", "reports.print"])
def test_no_chart_text_runs_out_of_its_chart(live_server, open_page, locale, endpoint):
    """Labels are cut to their column and values fit at the end of the longest bar, in
    the font the browser really uses ("Awareness event headcount" once lost its first
    letter; "1,069 h 27 min" its last)."""
    probe = open_page("coordinator", locale)
    probe.goto(live_server.url_for(endpoint))
    page = probe.page
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    outside = page.evaluate("""Array.from(document.querySelectorAll('svg.chart text')).map(text => {
        const box = text.getBBox(), width = text.ownerSVGElement.viewBox.baseVal.width;
        return [text.textContent, box.x, box.x + box.width, width];
    }).filter(([, left, right, width]) => left < 0 || right > width)""")
    assert page.locator("svg.chart text").count() > 10
    assert not outside, outside
