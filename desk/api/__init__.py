"""JSON API v1 (described by /api/v1/openapi.json)."""

import logging

logger = logging.getLogger("desk.api")
