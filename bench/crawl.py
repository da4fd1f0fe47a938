"""Following the links of desk's pages, as a person clicking through them would: from a
role's start page, every `<a href>` to this site is opened, breadth first.

Each endpoint is opened a few times with each set of query keys (PER_SHAPE) rather than
for every session and person, which keeps a crawl to a few hundred pages per role.
Shared by the demo's dead-link test (tests/demo/test_links.py, through Flask's test
client) and `bench pages` (over HTTP, against the bench's server): each passes a
`fetch(url) -> Answer`.
"""

from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from werkzeug.exceptions import HTTPException

START = {"anonymous": "/", "volunteer": "/volunteer", "coordinator": "/staff",
         "admin": "/admin"}
PER_SHAPE = 2  # URLs opened for each endpoint and set of query keys
SKIPPED_PREFIXES = ("/static/",)
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Answer:
    status: int
    content_type: str
    location: str | None = None  # of a redirect
    html: str | None = None  # the body of an HTML page


@dataclass
class Visit:
    url: str
    referrer: str
    answer: Answer
    shape: tuple  # (endpoint, query keys)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def links(html):
    """The paths on this site that an HTML page links to (no fragments, no static files,
    no other sites, mailto:, tel: or webcal:)."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.found:
        href, _fragment = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        found.append(href)
    return found


def shape(adapter, url):
    """(endpoint, sorted query keys) of a URL; an unknown path stands for itself."""
    parts = urlsplit(url)
    try:
        endpoint, _values = adapter.match(parts.path, method="GET")
    except HTTPException:
        endpoint = parts.path  # unknown: opened, and reported as a 404
    keys = tuple(sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair}))
    return endpoint, keys


def crawl(starts, fetch, adapter, *, per_shape=PER_SHAPE, within=("/",)):
    """Every URL opened from the start URLs (a redirect's target is followed, an error
    answer ends that path), in the order opened: [Visit]. `adapter` is the app's
    url_map bound to a server name; only links whose path starts with one of `within`
    are followed."""
    queue = deque((url, "(start)") for url in starts)
    seen, shapes, visits = set(), Counter(), []
    while queue:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        url_shape = shape(adapter, url)
        if shapes[url_shape] >= per_shape:
            continue
        shapes[url_shape] += 1
        answer = fetch(url)
        visits.append(Visit(url, referrer, answer, url_shape))
        if answer.status in REDIRECTS:
            location = urlsplit(answer.location)
            queue.append((location.path + (f"?{location.query}" if location.query else ""),
                          url))
        elif answer.status < 400 and answer.html is not None:
            queue.extend((href, url) for href in links(answer.html) if href.startswith(within))
    return visits
