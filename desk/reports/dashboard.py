"""The KPI report that the dashboard, its printable A4 page and its exports show: the
period a coordinator chose, and everything gathered for it, read-only, from
desk.reports.metrics.

The period comes as query string values (a bookmark): `period` = fy | quarter | month |
custom, with `fy` (2026), `q` (1–4), `month` (2026-05) or `from`/`to` (YYYY-MM-DD, JST,
inclusive); `parse_period` reads them or raises PeriodError with the message.

`build_report` gathers:
- the fiscal year of the period to date against its targets, beside the same point of
  the previous fiscal year (a progress chart and the table of every metric);
- every metric for the period, beside the same span one year earlier (unless the period
  is the fiscal year itself: then the first table has them already);
- the bookings of the fiscal year to date by channel (web, kiosk, the staff's phone
  desk, the automated phone line, ...), beside the same point of the previous year;
- breakdowns by month, venue, district, program and age band, consultation topics
  ranked and volunteer hours by affiliation: each a chart with its data table.
Each panel keeps its table as a `spreadsheet.Table` of raw values (numbers stay numbers)
for the exports, and the same cells formatted for the page.
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from desk.core.i18n import format_duration, format_local
from desk.core.timeutil import fiscal_year_of
from desk.core.web import parse_day
from desk.events.labels import CHANNEL_LABELS
from desk.reports import metrics, periods
from desk.reports.achievement import CUMULATIVE_UNITS
from desk.reports.charts import Bar, Progress, bar_chart, format_number, progress_chart
from desk.reports.services import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, targets_of
from desk.reports.spreadsheet import Table

PERIOD_KINDS = {"fy": _l("Fiscal year"), "quarter": _l("Quarter"), "month": _l("Month"),
                "custom": _l("Custom dates")}
CUSTOM_MAX_DAYS = 5 * 366  # a longer span would make a month table of hundreds of rows
VERTICAL_MAX_BARS = 12  # more months than a year: horizontal bars, one row each
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DIGITS = re.compile(r"^\d{1,4}$")

# the metric each breakdown's chart draws (its table has every column)
CHART_METRIC = {"month": "class_participants", "venue": "class_participants",
                "program": "class_participants", "district": "residents_reached",
                "age_band": "residents_reached"}
BREAKDOWN_TITLES = {"month": _l("By month"), "venue": _l("By venue"),
                    "district": _l("By district"), "program": _l("By program"),
                    "age_band": _l("By age band")}
CHART_TITLES = {
    "month": lambda metric: _("%(metric)s by month", metric=metric),
    "venue": lambda metric: _("%(metric)s by venue", metric=metric),
    "district": lambda metric: _("%(metric)s by district", metric=metric),
    "program": lambda metric: _("%(metric)s by program", metric=metric),
    "age_band": lambda metric: _("%(metric)s by age band", metric=metric),
}
# the figures a coordinator reports first (docs/kpi.md), above the targets' chart
KEY_METRICS = ("classes_held", "class_participants", "consultation_sessions_held",
               "consultation_visits", "residents_reached", "venues_used")
BREAKDOWN_HEADS = {"month": _l("Month"), "venue": _l("Venue"), "district": _l("District"),
                   "program": _l("Program"), "age_band": _l("Age band")}


class PeriodError(Exception):
    """The query string does not name a period the report can show (the message says
    why; `choice` holds the values as given, for the form)."""


@dataclass
class Choice:
    """The period form's values, as given (shown again when one is wrong)."""

    kind: str = "fy"
    fy: str = ""
    q: str = ""
    month: str = ""
    first: str = ""
    last: str = ""

    def query(self):
        """The query string arguments that name this period."""
        values = {"period": self.kind}
        if self.kind in ("fy", "quarter"):
            values["fy"] = self.fy
        if self.kind == "quarter":
            values["q"] = self.q
        if self.kind == "month":
            values["month"] = self.month
        if self.kind == "custom":
            values.update({"from": self.first, "to": self.last})
        return values


@dataclass
class Panel:
    """A chart (or none) and its data table: `table` holds the raw values (exports),
    `cells` the same rows formatted for the page; `numeric` marks number columns."""

    slug: str
    title: str
    table: Table
    cells: list
    numeric: list
    chart: Markup | None = None
    note: str | None = None
    row_header: int = 0  # the column that names a row
    chart_title: str | None = None  # shown above the chart when the heading does not say it


    @property
    def chart_id(self):
        return f"chart-{self.slug}"

    @property
    def table_id(self):
        return f"table-{self.slug}"


@dataclass(frozen=True)
class KeyFigure:
    """One of the KEY_METRICS for the fiscal year to date, as shown: its figure, its
    target ("" when none is set) and where it stands in words ("" without a target)."""

    label: str
    value: str
    target: str
    status: str
    is_met: bool


@dataclass
class Report:
    period: periods.Period
    choice: Choice
    fiscal_year: int
    fy_current: periods.Period
    fy_previous: periods.Period
    current: periods.Period
    previous: periods.Period
    targets: Panel
    figures: Panel | None  # None: the period is the fiscal year to date (the targets' table)
    channels: Panel  # the fiscal year's bookings by channel
    panels: list = field(default_factory=list)
    keys: list = field(default_factory=list)  # [KeyFigure]

    @property
    def all_panels(self):
        """Every panel of the report, in page order."""
        return ([self.targets] + ([self.figures] if self.figures else []) + [self.channels]
                + self.panels)

    @property
    def tables(self):
        """Every table of the report, in page order (for the exports)."""
        return [panel.table for panel in self.all_panels]

    def panel(self, slug):
        """The panel named `slug`, or None."""
        return next((panel for panel in self.all_panels if panel.slug == slug), None)


# -- the period ----------------------------------------------------------------------------

def _fy_in_range(fy):
    if not FISCAL_YEAR_MIN <= fy <= FISCAL_YEAR_MAX:
        raise PeriodError(_("Choose a fiscal year from %(first)d to %(last)d.",
                            first=FISCAL_YEAR_MIN, last=FISCAL_YEAR_MAX))
    return fy


def _number(raw, message):
    raw = raw.strip()
    if not _DIGITS.match(raw):
        raise PeriodError(message)
    return int(raw)


def parse_period(args, today):
    """(Period, Choice) from the query string; raises PeriodError (its `choice` holds the
    values as given, for the form) with the message."""
    choice = Choice(kind=args.get("period", "fy").strip()[:10] or "fy",
                    fy=args.get("fy", "").strip()[:10], q=args.get("q", "").strip()[:10],
                    month=args.get("month", "").strip()[:10],
                    first=args.get("from", "").strip()[:20], last=args.get("to", "").strip()[:20])
    try:
        return _resolve(choice, today), choice
    except PeriodError as exc:
        exc.choice = choice
        raise


def _resolve(choice, today):
    """The Period a Choice names; fills in the defaults (this fiscal year, quarter,
    month) and normalises the values in place."""
    current_fy = fiscal_year_of(today)
    if choice.kind not in PERIOD_KINDS:
        choice.kind = "fy"
        raise PeriodError(_("Choose a period: a fiscal year, a quarter, a month or dates."))
    bad_fy = _("Choose a fiscal year from %(first)d to %(last)d.", first=FISCAL_YEAR_MIN,
               last=FISCAL_YEAR_MAX)
    if choice.kind in ("fy", "quarter"):
        fy = _fy_in_range(_number(choice.fy, bad_fy)) if choice.fy else current_fy
        choice.fy = str(fy)
        if choice.kind == "fy":
            return periods.fiscal_year(fy)
        if choice.q:
            q = _number(choice.q, _("Choose a quarter: 1, 2, 3 or 4."))
        else:  # this quarter in this fiscal year, else the first
            q = (today.month - 4) % 12 // 3 + 1 if fy == current_fy else 1
        if q not in periods.QUARTERS:
            raise PeriodError(_("Choose a quarter: 1, 2, 3 or 4."))
        choice.q = str(q)
        return periods.quarter(fy, q)
    if choice.kind == "month":
        if not choice.month:
            choice.month = today.strftime("%Y-%m")
        match = _MONTH.match(choice.month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise PeriodError(_("Give the month as YYYY-MM, for example %(example)s.",
                                example=today.strftime("%Y-%m")))
        year, number = int(match.group(1)), int(match.group(2))
        _fy_in_range(year if number >= 4 else year - 1)
        choice.month = f"{year:04d}-{number:02d}"
        return periods.month(year, number)
    first, last = parse_day(choice.first), parse_day(choice.last)
    if first is None or last is None:
        raise PeriodError(_("Give both dates of the period as YYYY-MM-DD."))
    if last < first:
        raise PeriodError(_("The end of the period is before its start."))
    _fy_in_range(fiscal_year_of(first))
    _fy_in_range(fiscal_year_of(last))
    if (last - first).days >= CUSTOM_MAX_DAYS:
        raise PeriodError(_("A period can be at most five years long."))
    choice.first, choice.last = first.isoformat(), last.isoformat()
    return periods.custom(first, last)


def target_year(period, today):
    """The fiscal year whose targets the report shows: the period's own (for a custom
    period across years, the one holding today, or its nearest end)."""
    day = min(max(today, period.first), period.last)
    return fiscal_year_of(day)


# -- formatting ----------------------------------------------------------------------------

def format_value(value, unit):
    """A figure as shown: 1,234 / 12.5% / 12 h 30 min / 4.2; "–" for no figure."""
    if value is None:
        return "–"
    if unit == "percent":
        return _("%(number)s%%", number=format_number(round(float(value), 1)))
    if unit == "hours":
        return format_duration(value)
    if unit == "score":
        return format_number(round(float(value), 2))
    return format_number(value)


def format_change(value, unit):
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    if unit == "percent":  # a difference of two percentages: points, not percent
        return _("%(number)s pt", number=sign + format_number(round(float(value), 1)))
    return sign + format_value(value, unit)


def _difference(now_value, before_value):
    if now_value is None or before_value is None:
        return None
    difference = now_value - before_value
    return round(difference, 2) if isinstance(difference, float) else difference


def _panel(slug, title, header, rows, units, *, chart=None, note=None, row_header=0,
           chart_title=None):
    """A panel from raw rows; `units` per column: None (text) or a metric unit."""
    cells = [[str(value) if unit is None else format_value(value, unit)
              for value, unit in zip(row, units, strict=True)] for row in rows]
    return Panel(slug, str(title), Table(str(title), [str(head) for head in header],
                                         [list(row) for row in rows]),
                 cells, [unit is not None for unit in units], chart=chart, note=note,
                 row_header=row_header, chart_title=chart_title)


# -- the report ----------------------------------------------------------------------------

def build_report(period, choice, *, today, now):
    fy = target_year(period, today)
    fy_current, fy_previous = periods.to_date_same_point(periods.fiscal_year(fy), today)
    current, previous = periods.to_date_same_point(period, today)
    fy_figures = _compute(fy_current, now)
    fy_before = _compute(fy_previous, now)
    # the period's own figures, unless they are the fiscal year to date shown already
    figures = None
    if (current.first, current.last) != (fy_current.first, fy_current.last):
        figures = _figures_panel(current, previous, now)
    final = today > periods.fiscal_year(fy).last
    targets = targets_of(fy)
    progress = {metric.key: _progress(metric, fy_figures.get(metric.key),
                                      _target_value(targets, metric.key), final=final)
                for metric in metrics.METRICS}
    report = Report(period, choice, fy, fy_current, fy_previous, current, previous,
                    targets=_targets_panel(fy, fy_current, progress, fy_before),
                    figures=figures, channels=_channels_panel(fy_current, fy_previous),
                    keys=_key_figures(progress))
    for by in metrics.BREAKDOWNS:
        report.panels.append(_breakdown_panel(period, by, now))
    report.panels.append(_topics_panel(period, now))
    report.panels.append(_volunteers_panel(period))
    return report


def _compute(period, now):
    if period.is_empty:
        return dict.fromkeys(metrics.METRICS_BY_KEY)
    return metrics.compute(period.first, period.last, now=now)


def _progress(metric, value, target, *, final):
    return Progress(str(metric.label), value, target,
                    actual_text=format_value(value, metric.unit),
                    target_text=format_value(target, metric.unit),
                    lower_is_better=metric.lower_is_better, final=final,
                    cumulative=metric.unit in CUMULATIVE_UNITS)


def _target_value(targets, key):
    target = targets.get(key)
    if target is None:
        return None
    target = float(target)
    return int(target) if target.is_integer() else target


def _key_figures(progress):
    """The few figures a coordinator reports, from the targets' rows ({key: Progress})."""
    keys = []
    for key in KEY_METRICS:
        row = progress[key]
        result = row.achievement
        keys.append(KeyFigure(row.label, row.actual_text,
                              row.target_text if row.target is not None else "",
                              str(result.label) if result else "",
                              bool(result and result.met)))
    return keys


def _targets_panel(fy, fy_current, progress, before):
    """Every metric against the fiscal year's target ({key: Progress}): the achievement
    rate and, in words, whether the target is achieved, missed, met so far or not met
    yet."""
    header = [_("Metric"), _("Actual"), _("Target"), _("Achievement rate"), _("Against the target"),
              _("Same point of the previous year"), _("Difference")]
    rows, cells, chart_rows = [], [], []
    for metric in metrics.METRICS:
        row = progress[metric.key]
        value, target = row.actual, row.target
        result = row.achievement
        pct = round(result.percent, 1) if result and result.percent is not None else None
        status = str(result.label) if result else ""
        change = _difference(value, before.get(metric.key))
        rows.append([str(metric.label), value, target, pct, status, before.get(metric.key),
                     change])
        target_cell = format_value(target, metric.unit)
        if metric.lower_is_better and target is not None:
            target_cell = _("%(target)s or less", target=target_cell)
        cells.append([str(metric.label), row.actual_text, target_cell,
                      format_value(pct, "percent"), status or "–",
                      format_value(before.get(metric.key), metric.unit),
                      format_change(change, metric.unit)])
        if target is not None:
            chart_rows.append(row)
    title = _("%(period)s: actual against target", period=fy_current.label)
    chart = note = None
    if chart_rows:
        chart = progress_chart(
            "chart-targets", title,
            _("Each bar is the achievement rate: the actual figure as a share of the fiscal "
              "year's target, or for a figure where less is better (the no-show rate) the "
              "target as a share of the actual figure; the mark stands at the target "
              "(%(full)s). A bar reaches the mark only when the target is met.",
              full="100%"), chart_rows)
    else:
        note = _("No targets are set for %(year)s.", year=periods.fiscal_year_label(fy))
    return Panel("targets", title, Table(title, [str(head) for head in header], rows), cells,
                 [False, True, True, True, False, True, True], chart=chart, note=note)


def _figures_panel(current, previous, now):
    figures, before = _compute(current, now), _compute(previous, now)
    title = _("Every figure of %(period)s", period=current.label)
    header = [_("Metric"), current.label, _("One year earlier (%(period)s)",
                                            period=previous.label), _("Difference")]
    rows, cells = [], []
    for metric in metrics.METRICS:
        value, old = figures.get(metric.key), before.get(metric.key)
        change = _difference(value, old)
        rows.append([str(metric.label), value, old, change])
        cells.append([str(metric.label), format_value(value, metric.unit),
                      format_value(old, metric.unit), format_change(change, metric.unit)])
    note = None
    if current.is_empty:
        note = _("This period has not started yet.")
    return Panel("figures", title, Table(title, [str(head) for head in header], rows), cells,
                 [False, True, True, True], note=note)


def _channel_counts(period):
    if period.is_empty:
        return {}
    return {channel: (bookings, seats) for channel, bookings, seats in
            metrics.bookings_by_channel(period.first, period.last)}


def _channels_panel(fy_current, fy_previous):
    """The bookings made in the fiscal year to date by channel, with their share, beside
    the same point of the previous fiscal year."""
    now_counts, before_counts = _channel_counts(fy_current), _channel_counts(fy_previous)
    total = sum(bookings for bookings, _seats in now_counts.values())
    title = _("%(period)s: bookings by channel", period=fy_current.label)
    header = [_("Booking channel"), _("Bookings made"), _("Number of seats"),
              _("Share of the bookings"),
              _("Same point of the previous year"), _("Difference")]
    rows, cells, bars = [], [], []
    for channel, label in CHANNEL_LABELS.items():
        bookings, seats = now_counts.get(channel, (0, 0))
        before = None if fy_previous.is_empty else before_counts.get(channel, (0, 0))[0]
        share = round(100 * bookings / total, 1) if total else None
        change = _difference(bookings, before)
        rows.append([str(label), bookings, seats, share, before, change])
        cells.append([str(label), format_value(bookings, "count"), format_value(seats, "count"),
                      format_value(share, "percent"), format_value(before, "count"),
                      format_change(change, "count")])
        bars.append(Bar(str(label), bookings))
    chart = bar_chart("chart-channels", title,
                      _("Bookings made in %(period)s, by channel.", period=fy_current.label),
                      bars)
    return Panel("channels", title, Table(title, [str(head) for head in header], rows), cells,
                 [False, True, True, True, True, True], chart=chart,
                 note=str(metrics.CHANNELS_DESCRIPTION))


def _breakdown_panel(period, by, now):
    rows = metrics.breakdown(period.first, period.last, by, now=now)
    columns = metrics.BREAKDOWN_COLUMNS[by]
    chart_metric = metrics.METRICS_BY_KEY[CHART_METRIC[by]]
    title = BREAKDOWN_TITLES[by]
    header = [BREAKDOWN_HEADS[by]] + [metrics.METRICS_BY_KEY[key].label for key in columns]
    units = [None] + [metrics.METRICS_BY_KEY[key].unit for key in columns]
    raw = [[str(row.label)] + [row.values.get(key) for key in columns] for row in rows]
    orientation = "vertical" if by == "month" and len(rows) <= VERTICAL_MAX_BARS \
        else "horizontal"
    chart_title = CHART_TITLES[by](chart_metric.label)
    chart = bar_chart(
        f"chart-{by.replace('_', '-')}", chart_title,
        _("%(metric)s in %(period)s, %(breakdown)s.", metric=chart_metric.label,
          period=period.label, breakdown=title),
        [Bar(str(row.label), row.values.get(chart_metric.key),
             format_value(row.values.get(chart_metric.key), chart_metric.unit),
             short=_month_short(row.key, index) if orientation == "vertical" else None)
         for index, row in enumerate(rows)], orientation=orientation)
    return _panel(by.replace("_", "-"), title, header, raw, units, chart=chart,
                  chart_title=chart_title)


def _month_short(first_day, index):
    """A month under its bar: "4月", with the year below on the first bar and in January
    ("1月" / "2027年")."""
    name = format_local(first_day, "MMM")
    if index == 0 or first_day.month == 1:
        return f"{name}\n{format_local(first_day, 'y')}"
    return name


def _topics_panel(period, now):
    ranked = metrics.topics_ranked(period.first, period.last, now=now)
    title = _("Consultation topics, most asked first")
    chart = bar_chart("chart-topics", title,
                      _("Consultation visits per topic in %(period)s.", period=period.label),
                      [Bar(str(label), count) for label, count in ranked])
    rows = [[rank, str(label), count] for rank, (label, count) in enumerate(ranked, 1)]
    return _panel("topics", title, [_("Rank"), _("Topic"), _("Visits")], rows,
                  ["count", None, "count"], chart=chart, row_header=1)


def _volunteers_panel(period):
    rows = metrics.volunteers_by_affiliation(period.first, period.last)
    title = _("Volunteer hours by affiliation")
    chart = bar_chart("chart-volunteers", title,
                      _("Hours worked by volunteers in %(period)s, by affiliation.",
                        period=period.label),
                      [Bar(str(label), hours, format_value(hours, "hours"))
                       for label, hours, _active in rows])
    return _panel("volunteers", title, [_("Affiliation"), _("Hours"), _("Active volunteers")],
                  [[str(label), hours, active] for label, hours, active in rows],
                  [None, "hours", "count"], chart=chart)
