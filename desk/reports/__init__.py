"""KPI reporting: targets, metrics, surveys, the dashboard, exports and open data.

Downloading the attendance list (names and phone numbers) is logged in the access log
(desk.core.accesslog), with the ids of the residents it lists."""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from desk.core import accesslog, audit, retention
from desk.extensions import db
from desk.reports.models import SurveyEntry

logger = logging.getLogger("desk.reports")

ATTENDANCE_EXPORTED = accesslog.register_action(
    "attendance.exported", _l("Downloaded an attendance list"))

audit.personal_fields("survey_entries", "comment")


def _comments_before(cutoff):
    return SurveyEntry.created_dt < cutoff, SurveyEntry.comment.is_not(None)


def _count_comments(cutoff):
    return db.session.scalar(select(func.count(SurveyEntry.id)).where(*_comments_before(cutoff)))


def _purge_comments(cutoff, now):
    """Free text can name people: it goes; the answers that are counted stay."""
    return db.session.execute(update(SurveyEntry).where(*_comments_before(cutoff))
                              .values(comment=None)
                              .execution_options(synchronize_session="fetch")).rowcount


retention.register(
    "survey_comments", label=_l("Free comments typed in from class questionnaires"),
    unit=retention.DAYS, default=365, count=_count_comments, purge=_purge_comments,
    what_happens=_l("Blanked; the answers that are counted stay"), order=30)
