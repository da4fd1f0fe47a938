"""KPI reporting: targets, metrics, surveys, the dashboard, exports and open data.

Downloading the attendance list (names and phone numbers) is logged in the access log
(desk.core.accesslog), with the ids of the residents it lists."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from desk.core import accesslog, audit, retention
from desk.reports.models import SurveyEntry

logger = logging.getLogger("desk.reports")

ATTENDANCE_EXPORTED = accesslog.register_action(
    "attendance.exported", _l("Downloaded an attendance list"))

audit.personal_fields("survey_entries", "comment")


def _comments_before(cutoff):
    """Free text can name people: it goes; the answers that are counted stay."""
    return and_(SurveyEntry.created_dt < cutoff, SurveyEntry.comment.is_not(None))


retention.register(
    "survey_comments", label=_l("Free comments typed in from class questionnaires"),
    unit=retention.DAYS, default=365,
    **retention.blanking(SurveyEntry, _comments_before, comment=None),
    what_happens=_l("Blanked; the answers that are counted stay"), order=30)
