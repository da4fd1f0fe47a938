"""Charts drawn on the server as accessible SVG: bar charts (horizontal and vertical) and
progress bars (actual against target).

Every chart is an <svg role="img"> named by its own <title> and <desc> through
aria-labelledby; the description says what the chart shows and lists its values, and the
page puts the same figures in a data table beside it (templates/reports/_chart.html), so
nothing is only in the picture. Labels are real <text> (readable, translatable,
enlargeable), never images.

Only geometry and presentation attributes are written (x, y, width, height,
text-anchor ...); colours and type come from class names styled in desk.css (the
"reports" section). There is no `style` attribute and no <style> element, so the strict
Content-Security-Policy (style-src 'self') holds. Every piece of text is turned into a
plain str (a lazy string would pass as "already HTML") and escaped by markupsafe; the
result is Markup, safe to place in a template as it is.
"""

import re
import unicodedata
from dataclasses import dataclass

from flask import has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from desk.reports.achievement import achievement, has_target

SVG_NS = "http://www.w3.org/2000/svg"

WIDTH = 640
# horizontal bars: the label column, then the bars, then room for the value
H_LABEL_WIDTH = 200
H_BAR_AREA = 300
H_ROW = 32
H_BAR = 20
H_PAD = 8
# vertical bars: the plot's height, room above it for values and below it for labels
V_PLOT_HEIGHT = 200
V_TOP = 28
V_BOTTOM = 52  # two lines of labels
V_LEFT = 8
# progress rows: label, track (its full length is 100 % of the target, or more when a
# row is beyond its target), the achievement rate and its word (achieved, missed ...)
P_LABEL_WIDTH = 200
P_BAR_AREA = 250
P_ROW = 40
P_BAR = 20
P_MAX_PERCENT = 200  # a row far beyond its target does not squash the others

LABEL_UNITS = 23  # half-width character cells that fit in the label column (~8 px each)
V_LABEL_UNITS = 8  # ... under a vertical bar (a month: 4月, Apr 2026)
SUMMARY_ITEMS = 12  # values listed in a description before "see the table"

_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: no figure), the value as shown (formatted
    by the caller; a plain number when left out) and, optionally, a short label drawn
    instead of the label (under a narrow vertical bar: "4月", with a second line after
    a newline, "4月\n2026年"); the description always says the full label."""

    label: str
    value: float | int | None
    text: str | None = None
    short: str | None = None


@dataclass(frozen=True)
class Progress:
    """One progress row: actual against target (None: no target set). The bar is the
    achievement rate (desk.reports.achievement): it reaches the target mark only when
    the target is met, whichever way is better."""

    label: str
    actual: float | int | None
    target: float | int | None
    actual_text: str | None = None
    target_text: str | None = None
    lower_is_better: bool = False  # met when the figure stays at or below the target
    final: bool = True  # the period is over: achieved or missed, not "so far"
    cumulative: bool = True  # the figure only grows (a count): reached is achieved

    @property
    def achievement(self):
        return achievement(self.actual, self.target, lower_is_better=self.lower_is_better,
                           final=self.final, cumulative=self.cumulative)


def format_number(value):
    """A plain number in the user's locale: 1,234 or 12.5; "–" for no figure."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
        return format_decimal(round(value, 1)) if has_app_context() else text
    return format_decimal(int(value)) if has_app_context() else f"{int(value):,}"


def bar_chart(chart_id, title, desc, bars, *, orientation="horizontal"):
    """A bar chart of `bars` ([Bar]); lengths are proportional to the values, the longest
    bar fills the plot. Values below zero draw as zero."""
    _check_id(chart_id)
    bars = list(bars)
    if orientation == "horizontal":
        body, height = _horizontal(bars)
    elif orientation == "vertical":
        body, height = _vertical(bars)
    else:
        raise ValueError(f"unknown orientation {orientation!r}")
    return _svg(chart_id, title, _describe(desc, [(bar.label, _text(bar)) for bar in bars]),
                height, body, "chart--" + orientation)


def progress_chart(chart_id, title, desc, rows):
    """Progress against target, one row per `rows` ([Progress]): each bar is the
    achievement rate, the track's target mark stands at 100 %, and the rate is followed
    by the word (achieved, missed ...); a row without a target shows "no target"."""
    _check_id(chart_id)
    rows = list(rows)
    results = [row.achievement for row in rows]
    scale = min(max([100.0] + [result.percent for result in results
                               if result is not None and result.percent is not None]),
                P_MAX_PERCENT)
    parts = []
    target_x = P_LABEL_WIDTH + P_BAR_AREA * 100.0 / scale
    for index, (row, result) in enumerate(zip(rows, results, strict=True)):
        top = H_PAD + index * P_ROW
        middle = top + P_ROW / 2
        parts.append(_label(P_LABEL_WIDTH - 8, middle, row.label, anchor="end"))
        parts.append(_rect(P_LABEL_WIDTH, middle - P_BAR / 2, P_BAR_AREA, P_BAR, "chart__track"))
        if result is None:
            measurable = has_target(row.target, lower_is_better=row.lower_is_better)
            text = _("no figure") if measurable else _("no target")
            parts.append(_value(P_LABEL_WIDTH + 6, middle, text))
            continue
        # a figure of 0 where less is better beats any target: a full bar
        shown = scale if result.percent is None else min(result.percent, scale)
        done = " chart__progress--done" if result.met else ""
        parts.append(_rect(P_LABEL_WIDTH, middle - P_BAR / 2, P_BAR_AREA * shown / scale,
                           P_BAR, "chart__progress" + done))
        parts.append(Markup('<line class="chart__target" x1="{x}" y1="{y1}" x2="{x}" '
                            'y2="{y2}"/>').format(x=_num(target_x), y1=_num(top + 4),
                                                  y2=_num(top + P_ROW - 4)))
        parts.append(_value(P_LABEL_WIDTH + P_BAR_AREA + 8, middle, rate_text(result)))
    if not rows:
        parts.append(_empty(H_PAD + P_ROW / 2))
    height = 2 * H_PAD + max(len(rows), 1) * P_ROW
    summary = [(row.label, _progress_text(row, result))
               for row, result in zip(rows, results, strict=True)]
    return _svg(chart_id, title, _describe(desc, summary), height, Markup("").join(parts),
                "chart--progress")


def rate_text(result):
    """An Achievement as shown: "45% not met yet", "88.9% missed", or the word alone
    when there is no rate."""
    if result.percent is None:
        return str(result.label)
    return _("%(percent)s%% %(status)s", percent=format_number(round(result.percent, 1)),
             status=result.label)


def progress_bar(chart_id, title, desc, actual, target, *, actual_text=None, target_text=None):
    """A single progress bar: `progress_chart` with one row labelled by the title."""
    return progress_chart(chart_id, title, desc, [
        Progress(title, actual, target, actual_text=actual_text, target_text=target_text)])


# -- drawing -------------------------------------------------------------------------------

def _horizontal(bars):
    top_value = _top(bars)
    parts = []
    for index, bar in enumerate(bars):
        middle = H_PAD + index * H_ROW + H_ROW / 2
        parts.append(_label(H_LABEL_WIDTH - 8, middle, bar.short or bar.label, anchor="end"))
        width = _length(bar.value, top_value, H_BAR_AREA)
        if bar.value is not None:
            parts.append(_rect(H_LABEL_WIDTH, middle - H_BAR / 2, width, H_BAR, "chart__bar"))
        parts.append(_value(H_LABEL_WIDTH + width + 6, middle, _text(bar)))
    if bars:
        bottom = H_PAD + len(bars) * H_ROW
        parts.append(_axis(H_LABEL_WIDTH, H_PAD, H_LABEL_WIDTH, bottom))
    else:
        parts.append(_empty(H_PAD + H_ROW / 2))
    return Markup("").join(parts), 2 * H_PAD + max(len(bars), 1) * H_ROW


def _vertical(bars):
    top_value = _top(bars)
    parts = []
    slot = (WIDTH - 2 * V_LEFT) / max(len(bars), 1)
    bar_width = slot * 0.6
    baseline = V_TOP + V_PLOT_HEIGHT
    for index, bar in enumerate(bars):
        centre = V_LEFT + slot * index + slot / 2
        height = _length(bar.value, top_value, V_PLOT_HEIGHT)
        if bar.value is not None:
            parts.append(_rect(centre - bar_width / 2, baseline - height, bar_width, height,
                               "chart__bar"))
        parts.append(_value(centre, baseline - height - 8, _text(bar), anchor="middle"))
        lines = str(bar.short or bar.label).split("\n")
        for line_number, line in enumerate(lines[:2]):
            parts.append(_label(centre, baseline + 18 + 17 * line_number, line,
                                anchor="middle", units=V_LABEL_UNITS))
    if bars:
        parts.append(_axis(V_LEFT, baseline, WIDTH - V_LEFT, baseline))
    else:
        parts.append(_empty(V_TOP + V_PLOT_HEIGHT / 2))
    return Markup("").join(parts), V_TOP + V_PLOT_HEIGHT + V_BOTTOM


def _svg(chart_id, title, desc, height, body, modifier):
    return Markup(
        '<svg xmlns="{ns}" class="chart {modifier}" role="img" viewBox="0 0 {width} {height}"'
        ' width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet"'
        ' aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '{body}</svg>'
    ).format(ns=SVG_NS, modifier=modifier, width=WIDTH, height=_num(height), id=chart_id,
             title=str(title), desc=str(desc), body=body)


def _rect(x, y, width, height, class_):
    return Markup('<rect class="{c}" x="{x}" y="{y}" width="{w}" height="{h}"/>').format(
        c=class_, x=_num(x), y=_num(y), w=_num(width), h=_num(height))


def _label(x, y, text, *, anchor, units=LABEL_UNITS):
    text = str(text)
    shown = _shorten(text, units)
    full = Markup("<title>{}</title>").format(text) if shown != text else ""
    return Markup('<text class="chart__label" x="{x}" y="{y}" text-anchor="{a}" '
                  'dominant-baseline="middle">{full}{shown}</text>').format(
        x=_num(x), y=_num(y), a=anchor, full=full, shown=shown)


def _value(x, y, text, *, anchor="start"):
    return Markup('<text class="chart__value" x="{x}" y="{y}" text-anchor="{a}" '
                  'dominant-baseline="middle">{t}</text>').format(
        x=_num(x), y=_num(y), a=anchor, t=str(text))


def _axis(x1, y1, x2, y2):
    return Markup('<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
        _num(x1), _num(y1), _num(x2), _num(y2))


def _empty(y):
    return Markup('<text class="chart__empty" x="{x}" y="{y}" text-anchor="middle" '
                  'dominant-baseline="middle">{t}</text>').format(
        x=_num(WIDTH / 2), y=_num(y), t=_("No figures for this period"))


# -- numbers and words ---------------------------------------------------------------------

def _top(bars):
    values = [max(float(bar.value), 0.0) for bar in bars if bar.value is not None]
    return max(values, default=0.0)


def _length(value, top_value, area):
    if value is None or top_value <= 0:
        return 0.0
    return area * max(float(value), 0.0) / top_value


def _num(value):
    """A coordinate: two decimals at most, no trailing zeros (320, 106.67)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(bar):
    return bar.text if bar.text is not None else format_number(bar.value)


def _progress_text(row, result):
    actual = row.actual_text if row.actual_text is not None else format_number(row.actual)
    if result is None:
        return actual
    target = row.target_text if row.target_text is not None else format_number(row.target)
    if row.lower_is_better:
        return _("%(actual)s against a target of at most %(target)s: %(rate)s",
                 actual=actual, target=target, rate=rate_text(result))
    return _("%(actual)s against a target of %(target)s: %(rate)s", actual=actual,
             target=target, rate=rate_text(result))


def _describe(desc, items):
    """The chart's description: the caller's sentence, then the values themselves."""
    if not items:
        return "{} {}".format(desc, _("No figures for this period."))
    listed = [_("%(label)s: %(value)s", label=label, value=value)
              for label, value in items[:SUMMARY_ITEMS]]
    text = "{} {}".format(desc, "; ".join(str(item) for item in listed))
    if len(items) > SUMMARY_ITEMS:
        text = "{} {}".format(text, _("(%(count)s more in the table)",
                                      count=len(items) - SUMMARY_ITEMS))
    return text


def _width(char):
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _shorten(text, units):
    """The text cut to fit `units` half-width cells, with an ellipsis when cut."""
    if sum(_width(char) for char in text) <= units:
        return text
    kept, used = [], 1  # room for the ellipsis
    for char in text:
        used += _width(char)
        if used > units:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _check_id(chart_id):
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and hyphens")


__all__ = ["Bar", "Progress", "bar_chart", "escape", "format_number", "progress_bar",
           "progress_chart", "rate_text"]
