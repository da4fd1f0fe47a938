"""Pages of a long listing (the audit log, the outbox, the resident search):
Flask-SQLAlchemy's Pagination (items, page, pages, total, has_prev, prev_num, has_next,
next_num), which the templates' `pager` macro draws.

A page number past the last page (a bookmark kept while rows went away) shows the last
page (the first, of an empty listing) rather than nothing."""

from desk.extensions import db


def paginate(query, *, page, per_page):
    """The Pagination of `query` (a select) at `page`, `per_page` rows a page."""
    pagination = db.paginate(query, page=page, per_page=per_page, max_per_page=None,
                             error_out=False)
    if not pagination.items and pagination.page > 1:
        pagination = db.paginate(query, page=max(pagination.pages, 1), per_page=per_page,
                                 max_per_page=None, error_out=False)
    return pagination
