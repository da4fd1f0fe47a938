"""KPI figures: every metric of desk.reports.metrics with its fiscal year's target
(a coordinator's or an admin's bearer token, although it only reads).

The period is a fiscal year (`fy=2025`: 2025-04-01 to 2026-03-31, JST) or local dates
`from`/`to` (inclusive; a missing `to` is the end of the fiscal year of `from`, a
missing `from` the start of the fiscal year of `to`); nothing given: the current fiscal
year. Targets are set per fiscal year, so they are given when the period lies inside
one fiscal year, and null otherwise (and for metrics without a target).
"""

from decimal import Decimal

from flask_babel import gettext as _

from desk.api import inputs
from desk.api.auth import staff_token_required
from desk.api.errors import BadRequest
from desk.core.timeutil import fiscal_year_dates, fiscal_year_of, local_today, utcnow
from desk.core.web import json_response
from desk.reports.achievement import CUMULATIVE_UNITS, achievement
from desk.reports.metrics import METRICS, compute
from desk.reports.services import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, targets_of

KPI_PARAMETERS = ("fy", "from", "to")


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _fiscal_year_param():
    value = inputs.query_value("fy")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) == 4
            and FISCAL_YEAR_MIN <= int(value) <= FISCAL_YEAR_MAX):
        message = _("%(name)s must be a fiscal year from %(first)d to %(last)d, e.g. 2025.",
                    name="fy", first=FISCAL_YEAR_MIN, last=FISCAL_YEAR_MAX)
        raise BadRequest(message, fields={"fy": message}, code="invalid_query")
    return int(value)


def _period():
    """(first, last) local dates of the request's period."""
    inputs.check_query_names(KPI_PARAMETERS)
    fiscal_year = _fiscal_year_param()
    first, last = inputs.query_date("from"), inputs.query_date("to")
    if fiscal_year is not None and (first or last):
        message = _("Give either fy or from and to, not both.")
        raise BadRequest(message, fields={"fy": message}, code="invalid_query")
    if fiscal_year is None and first is None and last is None:
        fiscal_year = fiscal_year_of(local_today())
    if fiscal_year is not None:
        return fiscal_year_dates(fiscal_year)
    first = first or fiscal_year_dates(fiscal_year_of(last))[0]
    last = last or fiscal_year_dates(fiscal_year_of(first))[1]
    if last < first:
        message = _("The date in to is before the date in from.")
        raise BadRequest(message, fields={"to": message}, code="invalid_query")
    return first, last


def _achievement(metric, value, target, *, final):
    result = achievement(value, target, lower_is_better=metric.lower_is_better, final=final,
                         cumulative=metric.unit in CUMULATIVE_UNITS)
    if result is None:
        return None
    return {"rate": round(result.percent, 1) if result.percent is not None else None,
            "met": result.met, "status": result.status, "label": str(result.label)}


@staff_token_required
def kpi():
    first, last = _period()
    fiscal_year = fiscal_year_of(first)
    same_year = fiscal_year == fiscal_year_of(last)
    targets = targets_of(fiscal_year) if same_year else {}
    values = compute(first, last, now=utcnow())
    whole_year = (first, last) == fiscal_year_dates(fiscal_year)
    final = local_today() > last
    return json_response({
        "from": first.isoformat(),
        "to": last.isoformat(),
        "fiscal_year": fiscal_year if same_year else None,
        "metrics": [{
            "key": metric.key,
            "label": str(metric.label),
            "unit": metric.unit,
            "description": str(metric.description),
            "value": _number(values.get(metric.key)),
            "target": _number(targets.get(metric.key)),
            "achievement": _achievement(metric, values.get(metric.key),
                                        targets.get(metric.key), final=final)
            if whole_year else None,
        } for metric in METRICS],
    })
