"""KPI targets per fiscal year, and the anonymous survey sheets of classes.

Reports read bookings, attendance, consultation visits and shifts; they write only
these two tables.
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.core.db import UTCDateTime, enum_column
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.people.models import AgeBand


class KpiTarget(db.Model):
    """The target (目標値) of one metric for one fiscal year (FY2026 = 令和8年度)."""

    __tablename__ = "kpi_targets"

    METRIC_MAX = 50

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    metric: Mapped[str] = mapped_column(String(METRIC_MAX))
    value: Mapped[float] = mapped_column(Numeric(12, 2, asdecimal=False))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("fiscal_year", "metric"),
        CheckConstraint("fiscal_year BETWEEN 2000 AND 2099", name="fiscal_year"),
        CheckConstraint("value >= 0", name="value"),
    )


class CanDo(enum.StrEnum):
    """"Can you now do it on your own?" (一人でできるようになりましたか)"""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class SurveyEntry(db.Model):
    """One paper questionnaire of a class, typed in by a coordinator. Anonymous: no
    person is linked; every answer may be left blank."""

    __tablename__ = "survey_entries"

    COMMENT_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    satisfaction: Mapped[int | None]
    can_do: Mapped[CanDo | None] = mapped_column(enum_column(CanDo, "can_do"))
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand, "age_band"))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("EventSession")
    district = relationship("District")

    __table_args__ = (
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
                        name="satisfaction"),
        Index("ix_survey_entries_session_id", "session_id"),
    )
