"""Staff and volunteer accounts, roles, login and API tokens."""

import logging

logger = logging.getLogger("desk.auth")
