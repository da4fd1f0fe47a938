"""No N+1 queries: every page a role reaches on the demo (bench.crawl, one URL per
endpoint and set of query keys) runs at most a fixed number of SQL statements, whatever
the number of rows it lists. Nothing is timed (`python -m bench pages` times the same
pages).

The demo's lists hold dozens to hundreds of rows (sessions, series, volunteers, shifts,
bookings), so a query per row shows up as far more statements than the bound.
"""

import pytest

from bench.crawl import START, crawl
from tests.demo.test_links import answer, log_in
from tests.fixtures.sql import statements_of

DEFAULT_BOUND = 25  # the most any other page runs today is 19 (a session's shifts)
# pages whose number of statements is fixed by something other than their rows
BOUNDS = {
    # the KPI dashboard and its printable, spreadsheet and CSV forms: one set of aggregate
    # queries for each period shown (the period, the same point a year before) and for
    # each breakdown (desk.reports.metrics)
    **dict.fromkeys(("reports.dashboard", "reports.print", "reports.report_xlsx",
                     "reports.report_csv"), 64),
    # a person's disclosure: one query for each kind of record that can point at what was
    # found so far (desk.people.registry), repeated until nothing new is found: bounded by
    # the registry and how deep records point at each other, not by how many there are
    **dict.fromkeys(("people.disclosure", "people.disclosure_json",
                     "people.disclosure_csv"), 80),
}


def counting(client, counts):
    """bench.crawl's fetch through the test client, noting each URL's statements."""
    def fetch(url):
        counts[url], response = statements_of(client, url)
        return answer(response)
    return fetch


@pytest.mark.parametrize("role", START)
def test_no_page_runs_a_query_per_row(demo_app, role):
    client = demo_app.test_client()
    log_in(demo_app, client, role)
    counts = {}
    with demo_app.app_context():
        visits = crawl([START[role]], counting(client, counts),
                       demo_app.url_map.bind("localhost"), per_shape=1)
    over = [(counts[visit.url], BOUNDS.get(visit.shape[0], DEFAULT_BOUND), visit.url)
            for visit in visits if counts[visit.url] > BOUNDS.get(visit.shape[0], DEFAULT_BOUND)]
    assert not over, "\n".join(f"{url}: {count} statements (at most {bound})"
                               for count, bound, url in over)
    assert len(visits) > (10 if role in ("anonymous", "volunteer") else 60)
