"""Staff and volunteer accounts, roles, login and API tokens."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from desk.auth.models import AccountLink
from desk.core import audit, retention

logger = logging.getLogger("desk.auth")

audit.personal_fields("users", "email", "phone", "display_name", "address")


def _links_done_before(cutoff):
    """Used, or no longer usable, before `cutoff`."""
    return or_(AccountLink.used_dt < cutoff, AccountLink.expires_dt < cutoff)


retention.register(
    "account_links", label=_l("Invitation and password-reset links and codes"),
    unit=retention.DAYS, default=30, **retention.deleting(AccountLink, _links_done_before),
    what_happens=_l("Deleted (only a hash of the secret was kept)"), order=50)
