"""No dead links: every role follows the links of its pages on the demo, from its start
page, and none of them answers an error (a 404, a 403 for a link the page offered, a 500)
or a Content-Type that names its charset twice.

Each endpoint is opened a few times with each set of query keys rather than every
session and person, which keeps the crawl to a few hundred pages per role.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from desk.auth.models import User
from desk.demo.logins import read_demo_logins
from desk.extensions import db

START = {"anonymous": "/", "volunteer": "/volunteer", "coordinator": "/staff",
         "admin": "/admin"}
PER_SHAPE = 2  # URLs opened for each endpoint and set of query keys
SKIPPED_PREFIXES = ("/static/",)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def _links(html):
    parser = Links()
    parser.feed(html)
    return parser.found


def _login(app, client, role):
    if role == "anonymous":
        return
    email = next(email for kind, email, _password in read_demo_logins(app.instance_path)
                 if kind == role)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True


def _shape(adapter, url):
    parts = urlsplit(url)
    try:
        endpoint, _values = adapter.match(parts.path, method="GET")
    except HTTPException:
        endpoint = parts.path  # unknown: opened, and reported as a 404
    keys = tuple(sorted({pair.partition("=")[0] for pair in parts.query.split("&") if pair}))
    return endpoint, keys


@pytest.mark.parametrize("role", START)
def test_every_link_a_role_is_shown_opens(demo_app, role):
    client = demo_app.test_client()
    _login(demo_app, client, role)
    adapter = demo_app.url_map.bind("localhost")
    queue = deque([(START[role], "(start)")])
    seen, shapes, broken = set(), Counter(), []
    while queue:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(adapter, url)
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            location = urlsplit(response.headers["Location"])
            queue.append((location.path + (f"?{location.query}" if location.query else ""),
                          url))
            continue
        if response.status_code >= 400:
            broken.append((response.status_code, url, referrer))
            continue
        if response.content_type.lower().count("charset") > 1:
            broken.append((response.content_type, url, referrer))
        if not response.mimetype == "text/html":
            continue
        for href in _links(response.get_data(as_text=True)):
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, tel:, webcal: or a fragment
            if parts.path.startswith(SKIPPED_PREFIXES):
                continue
            queue.append((href, url))
    assert not broken, "\n".join(f"{status} {url} (linked from {referrer})"
                                 for status, url, referrer in broken)
    assert sum(shapes.values()) > (10 if role in ("anonymous", "volunteer") else 100)
