"""No dead links: every role follows the links of its pages on the demo, from its start
page, and none of them answers an error (a 404, a 403 for a link the page offered, a 500)
or a Content-Type that names its charset twice.

The crawl itself (bench.crawl) is shared with `bench pages`, which times the same pages.
"""

import pytest
from sqlalchemy import select

from bench.crawl import START, Answer, crawl
from desk.auth.models import User
from desk.demo.logins import read_demo_logins
from desk.extensions import db


def log_in(app, client, role):
    """The test client logged in as the role's first demo account."""
    if role == "anonymous":
        return
    email = next(email for kind, email, _password in read_demo_logins(app.instance_path)
                 if kind == role)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True


def answer(response):
    """bench.crawl's Answer of a test client's response."""
    return Answer(response.status_code, response.content_type,
                  response.headers.get("Location"),
                  response.get_data(as_text=True) if response.mimetype == "text/html" else None)


@pytest.mark.parametrize("role", START)
def test_every_link_a_role_is_shown_opens(demo_app, role):
    client = demo_app.test_client()
    log_in(demo_app, client, role)
    visits = crawl([START[role]], lambda url: answer(client.get(url)), demo_app.url_map.bind("localhost"))
    broken = [(visit.answer.status, visit.url, visit.referrer) for visit in visits
              if visit.answer.status >= 400]
    broken += [(visit.answer.content_type, visit.url, visit.referrer) for visit in visits
               if visit.answer.content_type.lower().count("charset") > 1]
    assert not broken, "\n".join(f"{status} {url} (linked from {referrer})"
                                 for status, url, referrer in broken)
    assert len(visits) > (10 if role in ("anonymous", "volunteer") else 100)
