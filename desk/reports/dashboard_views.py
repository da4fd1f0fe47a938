"""The KPI dashboard and its printable A4 report (coordinators and admins; the blueprint
requires staff), and the report's tables as files: read the period from the query
string, build the report (desk.reports.dashboard), render or send it.

A bad period shows the form again with its message and no figures (200, as the other
report pages with a period form), never a 500; a download with a bad period goes back to
the dashboard, which says why.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from desk.core.timeutil import fiscal_year_of, local_today, utcnow
from desk.reports import metrics, periods
from desk.reports.dashboard import PERIOD_KINDS, PeriodError, build_report, parse_period
from desk.reports.services import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from desk.reports.spreadsheet import csv_response, xlsx_response

QUARTER_LABELS = {1: _l("Q1 (April to June)"), 2: _l("Q2 (July to September)"),
                  3: _l("Q3 (October to December)"), 4: _l("Q4 (January to March)")}


# -- the pages -----------------------------------------------------------------------------

def fiscal_year_choices(today):
    last = min(fiscal_year_of(today) + 1, FISCAL_YEAR_MAX)
    return [(fy, periods.fiscal_year_label(fy)) for fy in range(last, FISCAL_YEAR_MIN - 1, -1)]


def quick_links(today):
    fy = fiscal_year_of(today)
    links = [(_("This fiscal year"), {"period": "fy", "fy": fy})]
    if fy > FISCAL_YEAR_MIN:
        links.append((_("Previous fiscal year"), {"period": "fy", "fy": fy - 1}))
    links.append((_("This quarter"), {"period": "quarter", "fy": fy,
                                      "q": (today.month - 4) % 12 // 3 + 1}))
    links.append((_("This month"), {"period": "month", "month": today.strftime("%Y-%m")}))
    return links


def _render(template):
    now = utcnow()
    today = local_today(now)
    report, error = None, None
    try:
        period, choice = parse_period(request.args, today)
    except PeriodError as exc:
        error, choice = str(exc), exc.choice
    else:
        report = build_report(period, choice, today=today, now=now)
    return render_template(
        template, report=report, error=error, choice=choice, today=today,
        period_kinds=PERIOD_KINDS, quarter_labels=QUARTER_LABELS,
        fiscal_years=fiscal_year_choices(today), quick_links=quick_links(today),
        definitions=metrics.METRICS,
        print_url=url_for("reports.print", **(report.choice.query() if report else {})),
    )


def dashboard():
    return _render("reports/dashboard.html")


def print_report():
    return _render("reports/print.html")


# -- the report's tables as files ----------------------------------------------------------

def _report_or_redirect():
    """(report, None) for the period in the query, or (None, a redirect to the
    dashboard showing why the period is wrong)."""
    now = utcnow()
    today = local_today(now)
    try:
        period, choice = parse_period(request.args, today)
    except PeriodError as exc:
        flash(str(exc), "error")
        return None, redirect(url_for("reports.dashboard"))
    return build_report(period, choice, today=today, now=now), None


def _file_stem(report):
    return f"kpi-{report.period.first.isoformat()}-{report.period.last.isoformat()}"


def export_xlsx():
    """Every table of the dashboard for the period, one sheet each."""
    report, redirect_to = _report_or_redirect()
    if report is None:
        return redirect_to
    return xlsx_response(report.tables, f"{_file_stem(report)}.xlsx")


def export_csv(slug):
    """One table of the dashboard (named by its panel) for the period, as CSV."""
    report, redirect_to = _report_or_redirect()
    if report is None:
        return redirect_to
    panel = report.panel(slug)
    if panel is None:
        abort(404)
    return csv_response(panel.table, f"{_file_stem(report)}-{slug}.csv")

