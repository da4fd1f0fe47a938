"""Unmet demand (coordinators and admins): per program and venue, the bookings still
waiting when a session of the period started, the next classes offered to them and
taken (desk.reports.demand). The period as on the KPI dashboard (default: this fiscal
year); a bad period shows the form again with its message and no figures."""

from flask import render_template, request

from desk.core.timeutil import local_today, utcnow
from desk.reports import demand
from desk.reports.dashboard import PERIOD_KINDS, PeriodError, parse_period
from desk.reports.dashboard_views import QUARTER_LABELS, fiscal_year_choices, quick_links


def unmet_demand():
    today = local_today(utcnow())
    rows, period, error = None, None, None
    try:
        period, choice = parse_period(request.args, today)
    except PeriodError as exc:
        error, choice = str(exc), exc.choice
    else:
        rows = demand.unmet_demand(period.first, period.last)
    return render_template(
        "reports/demand.html", rows=rows, total=demand.totals(rows or []), period=period,
        error=error, choice=choice, period_kinds=PERIOD_KINDS, quarter_labels=QUARTER_LABELS,
        fiscal_years=fiscal_year_choices(today), quick_links=quick_links(today))
