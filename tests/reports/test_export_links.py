"""Every export a coordinator needs can be found: walking the links (href) breadth-first
from the staff start page, within /staff, reaches each documented file (docs/kpi.md)."""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from desk.auth.models import Role

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kpi.md"
# the files of docs/kpi.md "Exports and open data" and "The dashboard"
EXPORTS = {"/staff/reports/report.xlsx", "/staff/reports/report/targets.csv",
           "/staff/reports/attendance.csv", "/staff/reports/attendance.xlsx",
           "/staff/reports/opendata/events.csv", "/staff/reports/opendata/venues.csv",
           "/staff/reports/print"}
FILE_SUFFIXES = (".csv", ".xlsx", ".ics", ".zip", ".json", ".pdf")
MAX_PAGES = 400


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _walk(client, start):
    """{path: a URL linking to it} of every link found on the /staff pages reachable
    from `start`, each page (path) opened once."""
    found, seen, queue = {}, {urlsplit(start).path}, deque([start])
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow_redirects=True)  # /staff/ goes on to a page
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.hrefs:
            target = urljoin("http://localhost" + response.request.path, href)
            parts = urlsplit(target)
            if parts.netloc != "localhost" or not parts.path.startswith("/staff"):
                continue
            found.setdefault(parts.path, target)
            if parts.path not in seen and not parts.path.endswith(FILE_SUFFIXES):
                seen.add(parts.path)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_every_documented_export_is_linked_from_the_staff_pages(ctx, client, login,
                                                                create_user):
    login(client, create_user(Role.COORDINATOR))
    found = _walk(client, "/staff/")
    documented = {path.split("?")[0] for path in
                  re.findall(r"`(/staff/reports[^`\s]*)`", DOCS.read_text(encoding="utf-8"))}
    assert "/staff/reports/opendata/events.csv" in documented
    missing = sorted((EXPORTS | documented) - set(found))
    assert not missing, f"not linked from any staff page: {missing}"
    # the links work
    for path in sorted(EXPORTS):
        response = client.get(found[path].removeprefix("http://localhost"))
        assert response.status_code == 200, path
