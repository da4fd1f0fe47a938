"""Long listings page through Flask-SQLAlchemy's Pagination (desk.core.paging): the
audit log, the outbox and the resident search (tests/people/test_search.py); a page past
the last shows the last page, a page number that cannot be one the first."""

import re

import pytest
from sqlalchemy import select

from desk.admin import queries as admin_queries
from desk.auth.models import Role
from desk.core import audit
from desk.core.audit import AuditEntry
from desk.core.paging import paginate
from desk.core.web import parse_page
from desk.extensions import db
from desk.notify import queries as notify_queries


@pytest.fixture
def entries(ctx):
    for number in range(5):
        audit.record("test.paging", actor="test", object_type="paging", object_id=number)
    db.session.commit()
    return select(AuditEntry).where(AuditEntry.object_type == "paging").order_by(
        AuditEntry.object_id)


def test_pages_and_their_items(entries):
    first = paginate(entries, page=1, per_page=2)
    assert ([entry.object_id for entry in first.items], first.total, first.pages) == (
        [0, 1], 5, 3)
    assert (first.has_prev, first.has_next, first.next_num) == (False, True, 2)
    last = paginate(entries, page=3, per_page=2)
    assert ([entry.object_id for entry in last.items], last.has_next) == ([4], False)


@pytest.mark.parametrize("page", [4, 99, 999_999])
def test_a_page_past_the_last_shows_the_last(entries, page):
    clamped = paginate(entries, page=page, per_page=2)
    assert (clamped.page, [entry.object_id for entry in clamped.items]) == (3, [4])


def test_a_page_below_the_first_or_of_an_empty_listing_is_the_first(entries):
    assert paginate(entries, page=0, per_page=2).page == 1
    empty = paginate(entries.where(AuditEntry.object_id > 99), page=5, per_page=2)
    assert (empty.page, empty.items, empty.total) == (1, [], 0)


@pytest.mark.parametrize(("raw", "page"), [("3", 3), ("", 1), (None, 1), ("x", 1), ("-2", 1),
                                           ("²", 1), ("1234567", 1), ("999999", 999_999)])
def test_parse_page(raw, page):
    assert parse_page(raw) == page


def test_the_audit_log_and_the_outbox_clamp_too(entries):
    audit_last = admin_queries.audit_page(page=99, object_type="paging")
    assert (audit_last.page, audit_last.total) == (1, 5)
    assert notify_queries.messages(page=99).page == 1


def test_the_audit_log_page_links_its_neighbours(entries, client, login, create_user,
                                                 monkeypatch):
    monkeypatch.setattr(admin_queries, "AUDIT_PAGE_SIZE", 2)
    login(client, create_user(Role.ADMIN))
    client.set_cookie("desk_locale", "en")
    html = client.get("/admin/audit?type=paging&page=2").get_data(as_text=True)
    links = re.findall(r'<nav class="pager".*?</nav>', html, re.S)[0]
    assert "page=1" in links and "page=3" in links and "type=paging" in links
    last = client.get("/admin/audit?type=paging&page=50").get_data(as_text=True)
    assert "Page 3 of 3" in last
