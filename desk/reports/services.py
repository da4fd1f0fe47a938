"""The only writes of the reports: KPI targets per fiscal year and the survey sheets of
held classes. Every change is audit-logged; nothing here commits.

Targets: one value per metric (desk.reports.metrics.METRICS) and fiscal year; an empty
value clears the target. Surveys: a coordinator types in a session's paper sheets as a
grid; every row is checked first and nothing is saved when any cell is wrong.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from desk.core import audit
from desk.core.districts import District
from desk.core.errors import ValidationError
from desk.core.validation import Checker
from desk.events.models import (
    EventSession,
    SessionKind,
    SessionStatus,
)
from desk.extensions import db
from desk.people.models import AgeBand
from desk.reports.metrics import METRICS_BY_KEY
from desk.reports.models import CanDo, KpiTarget, SurveyEntry

# 令和 starts with FY2019; the table's CHECK stops at 2099
FISCAL_YEAR_MIN = 2019
FISCAL_YEAR_MAX = 2099
# Numeric(12, 2): at most ten digits before the point and two after
VALUE_MAX = Decimal("9999999999.99")
UNIT_MAX = {"percent": Decimal(100), "score": Decimal(5)}

SURVEY_KINDS = (SessionKind.CLASS, SessionKind.OUTREACH_CLASS, SessionKind.AWARENESS_EVENT)
SURVEY_FIELDS = ("satisfaction", "can_do", "age_band", "district_id", "comment")
SURVEY_ROWS_MAX = 200
SATISFACTION_MIN = 1
SATISFACTION_MAX = 5

_TARGET_FIELDS = ("fiscal_year", "metric", "value")
_SURVEY_AUDIT_FIELDS = ("session_id", "satisfaction", "can_do", "age_band", "district_id",
                        "comment")


# -- targets ------------------------------------------------------------------------------

def check_fiscal_year(value):
    """The fiscal year as an int (2019–2099), or a ValidationError."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) \
            or not FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX:
        raise ValidationError(_("Choose a fiscal year from %(first)d to %(last)d.",
                                first=FISCAL_YEAR_MIN, last=FISCAL_YEAR_MAX),
                              fields={"fiscal_year": _("Not a fiscal year we can use.")})
    return value


def _parse_value(metric, value):
    """(Decimal or None for "no target", error message or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _("Enter a number.")
    if isinstance(value, str):
        # full-width digits typed with a Japanese input method are digits too
        text = value.strip().translate(_FULL_WIDTH).replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, _("Enter a number.")
    elif isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        return None, _("Enter a number.")
    if not number.is_finite():
        return None, _("Enter a number.")
    if number < 0:
        return None, _("A target cannot be negative.")
    maximum = UNIT_MAX.get(metric.unit, VALUE_MAX)
    if number > maximum:
        limit = f"{maximum:,}"
        return None, _("Enter a number from 0 to %(maximum)s.", maximum=limit)
    if number != number.quantize(Decimal("0.01")):
        return None, _("Use at most two decimal places.")
    return number, None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


def _target_row(fiscal_year, key):
    return db.session.scalar(select(KpiTarget).where(
        KpiTarget.fiscal_year == fiscal_year, KpiTarget.metric == key))


def _apply(fiscal_year, key, number, *, actor, now):
    target = _target_row(fiscal_year, key)
    if number is None:
        if target is None:
            return None
        audit.record("kpi_target.clear", target, actor=actor,
                     before=audit.snapshot(target, _TARGET_FIELDS), now=now)
        db.session.delete(target)
        db.session.flush()
        return None
    if target is not None and Decimal(str(target.value)).quantize(Decimal("0.01")) == number:
        return target
    before = audit.snapshot(target, _TARGET_FIELDS) if target is not None else None
    if target is None:
        target = KpiTarget(fiscal_year=fiscal_year, metric=key)
        db.session.add(target)
    target.value = float(number)
    target.updated_dt = now
    db.session.flush()
    audit.record("kpi_target.set", target, actor=actor, before=before,
                 after=audit.snapshot(target, _TARGET_FIELDS), now=now)
    return target


def set_target(fiscal_year, metric_key, value, *, actor, now):
    """Set the target of one metric for a fiscal year; an empty value clears it.

    Returns the KpiTarget, or None when the metric has no target (any more). Setting
    the value it already has changes nothing and logs nothing."""
    fiscal_year = check_fiscal_year(fiscal_year)
    metric = METRICS_BY_KEY.get(metric_key)
    if metric is None:
        raise ValidationError(_("There is no such metric."),
                              fields={"metric": _("There is no such metric.")})
    number, error = _parse_value(metric, value)
    if error:
        raise ValidationError(error, fields={metric.key: error})
    return _apply(fiscal_year, metric.key, number, actor=actor, now=now)


def targets_of(fiscal_year):
    """{metric key: value} of a fiscal year's targets."""
    return dict(db.session.execute(select(KpiTarget.metric, KpiTarget.value).where(
        KpiTarget.fiscal_year == fiscal_year)).all())


def set_targets(fiscal_year, values, *, actor, now):
    """Set several targets of one fiscal year at once ({metric key: value}, an empty
    value clears). Every value is checked first: one bad value (a message on its metric)
    and nothing changes. Returns the number of targets changed."""
    fiscal_year = check_fiscal_year(fiscal_year)
    errors, numbers = {}, {}
    for key, value in values.items():
        metric = METRICS_BY_KEY.get(key)
        if metric is None:
            errors[str(key)[:50]] = _("There is no such metric.")
            continue
        number, error = _parse_value(metric, value)
        if error:
            errors[key] = error
        else:
            numbers[key] = number
    if errors:
        raise ValidationError(ngettext(
            "Nothing was saved: please correct the target marked below.",
            "Nothing was saved: please correct the %(num)d targets marked below.",
            len(errors)), fields=errors)
    current = {key: Decimal(str(value)).quantize(Decimal("0.01"))
               for key, value in targets_of(fiscal_year).items()}
    changed = 0
    for key, number in numbers.items():
        if current.get(key) == number:
            continue
        _apply(fiscal_year, key, number, actor=actor, now=now)
        changed += 1
    return changed


# -- surveys ------------------------------------------------------------------------------

def is_surveyable(session, now):
    """A class, outreach class or awareness event that was held (as the metrics count
    it: not cancelled, and completed or started before `now`). Consultation sessions
    have no questionnaire."""
    return (session.kind in SURVEY_KINDS and session.status != SessionStatus.CANCELLED
            and (session.status == SessionStatus.COMPLETED or session.start_dt < now))


def surveyable_sessions(now, limit=100):
    """[(session, sheets entered)] of the most recent held sessions, newest first."""
    counts = (select(SurveyEntry.session_id, func.count(SurveyEntry.id).label("sheets"))
              .group_by(SurveyEntry.session_id).subquery())
    rows = db.session.execute(
        select(EventSession, func.coalesce(counts.c.sheets, 0))
        .outerjoin(counts, counts.c.session_id == EventSession.id)
        .where(EventSession.kind.in_(SURVEY_KINDS),
               EventSession.status != SessionStatus.CANCELLED,
               or_(EventSession.status == SessionStatus.COMPLETED,
                   EventSession.start_dt < now))
        .order_by(EventSession.start_dt.desc(), EventSession.id.desc()).limit(limit)).all()
    return [(session, sheets) for session, sheets in rows]


def entries_of(session):
    return list(db.session.scalars(select(SurveyEntry).where(
        SurveyEntry.session_id == session.id).order_by(SurveyEntry.id)))


def _check_survey_session(session, now):
    if session.kind not in SURVEY_KINDS:
        raise ValidationError(_("Surveys are entered for classes, outreach classes and "
                                "awareness events, not for consultation sessions."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session was cancelled; it has no survey sheets."))
    if session.status != SessionStatus.COMPLETED and session.start_dt >= now:
        raise ValidationError(_("This session has not been held yet."))


def _is_blank(row):
    return all(value is None or (isinstance(value, str) and not value.strip())
               for value in (row.get(name) for name in SURVEY_FIELDS))


def _choice(checker, name, enum_type):
    value = checker.raw(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip() in {member.value for member in enum_type}:
        return enum_type(value.strip())
    checker.fail(name, _("Choose one of the options."))
    return None


def _check_row(row):
    """(clean values, {field: message})."""
    checker = Checker(row)
    values = {
        "satisfaction": checker.integer("satisfaction", SATISFACTION_MIN, SATISFACTION_MAX),
        "can_do": _choice(checker, "can_do", CanDo),
        "age_band": _choice(checker, "age_band", AgeBand),
        "district": checker.reference("district_id", District, required=False,
                                      message=_("Choose one of the districts.")),
        "comment": checker.text("comment", SurveyEntry.COMMENT_MAX),
    }
    return values, checker.errors


def add_survey_entries(session, rows, *, actor, now):
    """Add the paper sheets of a held session, one row each ({satisfaction 1–5, can_do
    yes|partly|no, age_band, district_id, comment}, all optional). A completely empty
    row is skipped. Every row is checked first; the errors are keyed
    `rows-<index>-<field>` (index in `rows`), and nothing is saved when any is wrong.
    Returns the new SurveyEntry rows."""
    _check_survey_session(session, now)
    if not isinstance(rows, list | tuple):
        raise ValidationError(_("Enter the sheets as rows."))
    if len(rows) > SURVEY_ROWS_MAX:
        raise ValidationError(_("At most %(count)d sheets at once.", count=SURVEY_ROWS_MAX))
    errors, clean = {}, []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"rows-{index}"] = _("Enter the sheet's answers.")
            continue
        if _is_blank(row):
            continue
        values, row_errors = _check_row(row)
        errors.update({f"rows-{index}-{name}": message for name, message in row_errors.items()})
        clean.append(values)
    if errors:
        raise ValidationError(ngettext(
            "Nothing was saved: please correct the answer marked below.",
            "Nothing was saved: please correct the %(num)d answers marked below.",
            len(errors)), fields=errors)
    if not clean:
        raise ValidationError(_("Nothing was saved: every row is empty."))
    entries = []
    for values in clean:
        district = values.pop("district")
        entry = SurveyEntry(session_id=session.id, district_id=district.id if district else None,
                            entered_by_id=getattr(actor, "id", None), created_dt=now, **values)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        audit.record("survey.add", entry, actor=actor,
                     after=audit.snapshot(entry, _SURVEY_AUDIT_FIELDS), now=now)
    return entries


def delete_survey_entry(entry, *, actor, now):
    """Remove one sheet typed in by mistake (audit-logged with what it said)."""
    audit.record("survey.delete", entry, actor=actor,
                 before=audit.snapshot(entry, _SURVEY_AUDIT_FIELDS), now=now)
    db.session.delete(entry)
    db.session.flush()
