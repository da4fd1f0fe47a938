"""The schedule: districts, venues, programs, sessions and recurring series."""

import logging

logger = logging.getLogger("desk.events")
