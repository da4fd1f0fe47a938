"""Staff and volunteer accounts, roles, login and API tokens."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select

from desk.auth.models import AccountLink
from desk.core import audit, retention
from desk.extensions import db

logger = logging.getLogger("desk.auth")

audit.personal_fields("users", "email", "phone", "display_name", "address")


def _links_done_before(cutoff):
    """Used, or no longer usable, before `cutoff`."""
    return or_(AccountLink.used_dt < cutoff, AccountLink.expires_dt < cutoff)


def _count_links(cutoff):
    return db.session.scalar(select(func.count(AccountLink.id)).where(_links_done_before(cutoff)))


def _purge_links(cutoff, now):
    return db.session.execute(delete(AccountLink).where(_links_done_before(cutoff))
                              .execution_options(synchronize_session="fetch")).rowcount


retention.register(
    "account_links", label=_l("Invitation and password-reset links and codes"),
    unit=retention.DAYS, default=30, count=_count_links, purge=_purge_links,
    what_happens=_l("Deleted (only a hash of the secret was kept)"), order=50)
