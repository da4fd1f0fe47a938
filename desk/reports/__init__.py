"""KPI reporting: targets, metrics, surveys, the dashboard, exports and open data."""

import logging

logger = logging.getLogger("desk.reports")
