"""The server-rendered SVG charts: well-formed XML, named for assistive technology,
escaped labels, no inline styles, bar lengths proportional to the values."""

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from desk.reports import charts
from desk.reports.charts import Bar, Progress, bar_chart, progress_bar, progress_chart

NS = {"svg": charts.SVG_NS}
NASTY = 'A < B & "C" > D'


def parse(svg):
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def rects(root, class_):
    return [rect for rect in root.iter(f"{{{charts.SVG_NS}}}rect")
            if class_ in rect.get("class", "").split()]


def texts(root, class_):
    """The text shown by the elements of a class (without a shortened label's tooltip)."""
    shown = []
    for text in root.iter(f"{{{charts.SVG_NS}}}text"):
        if text.get("class") == class_:
            tooltip = text.find("svg:title", NS)
            shown.append(text.text or "" if tooltip is None else tooltip.tail)
    return shown


def assert_accessible(root, chart_id):
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert title.get("id") == f"{chart_id}-title"
    assert desc.get("id") == f"{chart_id}-desc"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    # the strict CSP: no inline style anywhere
    for element in root.iter():
        assert "style" not in element.attrib
        assert not element.tag.endswith("}style")


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_bar_chart_is_accessible_svg(orientation):
    svg = bar_chart("chart-one", "受講者数", "会場別の受講者数。",
                    [Bar("中央公民館", 12), Bar("北部", 4)], orientation=orientation)
    root = parse(svg)
    assert_accessible(root, "chart-one")
    assert root.find("svg:title", NS).text == "受講者数"
    desc = root.find("svg:desc", NS).text
    assert desc.startswith("会場別の受講者数。")
    assert "中央公民館: 12" in desc and "北部: 4" in desc
    shown = texts(root, "chart__label")
    if orientation == "horizontal":
        assert shown == ["中央公民館", "北部"]
    else:  # under a narrow bar a long name is shortened (the table has it in full)
        assert shown == ["中央公…", "北部"]
    assert texts(root, "chart__value") == ["12", "4"]
    assert "<style" not in svg and "style=" not in svg


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_bar_chart_escapes_labels(orientation):
    svg = bar_chart("chart-nasty", NASTY, NASTY, [Bar(NASTY, 3, text=NASTY)],
                    orientation=orientation)
    assert "<B" not in svg and "& " not in svg.replace("&amp; ", "")
    root = parse(svg)  # would raise on a stray < or &
    assert root.find("svg:title", NS).text == NASTY
    assert root.find("svg:desc", NS).text.startswith(NASTY)
    assert texts(root, "chart__value") == [NASTY]
    (label,) = [text for text in root.iter(f"{{{charts.SVG_NS}}}text")
                if text.get("class") == "chart__label"]
    assert NASTY in "".join(label.itertext())  # shown, or in full in its tooltip


def test_bar_chart_escapes_lazy_strings(app):
    from flask_babel import lazy_gettext

    with app.test_request_context():
        svg = bar_chart("chart-lazy", lazy_gettext(NASTY), "", [Bar(lazy_gettext(NASTY), 1)])
    root = parse(svg)
    assert root.find("svg:title", NS).text == NASTY
    assert NASTY in "".join(root.itertext())


def test_horizontal_bar_lengths_are_proportional():
    root = parse(bar_chart("chart-h", "t", "d", [Bar("a", 10), Bar("b", 5), Bar("c", 0),
                                                  Bar("d", 2.5)]))
    widths = [float(rect.get("width")) for rect in rects(root, "chart__bar")]
    assert widths == [charts.H_BAR_AREA, charts.H_BAR_AREA / 2, 0.0, charts.H_BAR_AREA / 4]
    assert {rect.get("x") for rect in rects(root, "chart__bar")} == {str(charts.H_LABEL_WIDTH)}


def test_vertical_bar_heights_are_proportional():
    root = parse(bar_chart("chart-v", "t", "d", [Bar("4月", 30), Bar("5月", 10), Bar("6月", 20)],
                           orientation="vertical"))
    bars = rects(root, "chart__bar")
    heights = [float(rect.get("height")) for rect in bars]
    top = charts.V_PLOT_HEIGHT
    assert heights == pytest.approx([top, top / 3, top * 2 / 3], abs=0.01)
    # every bar stands on the same baseline
    bottoms = {round(float(rect.get("y")) + float(rect.get("height")), 1) for rect in bars}
    assert bottoms == {charts.V_TOP + charts.V_PLOT_HEIGHT}
    assert texts(root, "chart__label") == ["4月", "5月", "6月"]


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_bar_chart_without_data(orientation):
    root = parse(bar_chart("chart-empty", "t", "d", [], orientation=orientation))
    assert_accessible(root, "chart-empty")
    assert rects(root, "chart__bar") == []
    assert texts(root, "chart__empty") == ["No figures for this period"]
    assert "No figures for this period." in root.find("svg:desc", NS).text


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_bar_chart_all_zero_and_missing_values(orientation):
    root = parse(bar_chart("chart-zero", "t", "d", [Bar("a", 0), Bar("b", None), Bar("c", -3)],
                           orientation=orientation))
    assert_accessible(root, "chart-zero")
    sizes = [float(rect.get("width" if orientation == "horizontal" else "height"))
             for rect in rects(root, "chart__bar")]
    assert sizes == [0.0, 0.0]  # no bar at all for the missing figure, negatives as zero
    assert texts(root, "chart__value") == ["0", "–", "-3"]


def test_long_labels_are_shortened_with_their_full_text_kept():
    name = "とても長い名前の地域交流センター第二会議室"
    root = parse(bar_chart("chart-long", "t", "d", [Bar(name, 1)]))
    label = next(text for text in root.iter(f"{{{charts.SVG_NS}}}text")
                 if text.get("class") == "chart__label")
    assert label.find("svg:title", NS).text == name
    shown = label.find("svg:title", NS).tail
    assert shown.endswith("…") and name.startswith(shown[:-1])
    assert name in root.find("svg:desc", NS).text


def test_short_labels_are_drawn_and_the_description_keeps_the_full_label():
    root = parse(bar_chart("chart-short", "t", "d", [
        Bar("2026年4月", 3, short="4月\n2026年"), Bar("2026年5月", 1, short="5月")],
        orientation="vertical"))
    assert texts(root, "chart__label") == ["4月", "2026年", "5月"]
    lines = [text for text in root.iter(f"{{{charts.SVG_NS}}}text")
             if text.get("class") == "chart__label"]
    assert float(lines[1].get("y")) > float(lines[0].get("y"))  # the year below the month
    assert lines[0].get("x") == lines[1].get("x")
    desc = root.find("svg:desc", NS).text
    assert "2026年4月: 3" in desc and "2026年5月: 1" in desc


def test_description_lists_the_first_values_and_points_to_the_table():
    bars = [Bar(f"項目{number}", number) for number in range(1, 16)]
    desc = parse(bar_chart("chart-many", "t", "d", bars)).find("svg:desc", NS).text
    assert "項目12: 12" in desc and "項目13" not in desc
    assert "(3 more in the table)" in desc


def test_progress_bar_width_is_actual_over_target():
    root = parse(progress_bar("progress-one", "受講者数", "目標に対する実績。", 50, 200))
    assert_accessible(root, "progress-one")
    (bar,) = rects(root, "chart__progress")
    (track,) = rects(root, "chart__track")
    assert float(track.get("width")) == charts.P_BAR_AREA
    assert float(bar.get("width")) == charts.P_BAR_AREA / 4
    (target,) = root.iter(f"{{{charts.SVG_NS}}}line")
    assert float(target.get("x1")) == charts.P_LABEL_WIDTH + charts.P_BAR_AREA
    assert texts(root, "chart__value") == ["25% Missed"]
    assert "50 against a target of 200: 25% Missed" in root.find("svg:desc", NS).text


def test_progress_chart_beyond_target_rescales_every_row():
    root = parse(progress_chart("progress-many", "t", "d", [
        Progress("a", 150, 100), Progress("b", 50, 100), Progress("c", 900, 100)]))
    widths = [float(rect.get("width")) for rect in rects(root, "chart__progress")]
    # the scale runs to 200 % (the cap): 150 % is 3/4 of the area, 50 % a quarter,
    # 900 % is drawn full length (its text says 900 %)
    area = charts.P_BAR_AREA
    assert widths == [area * 0.75, area * 0.25, area]
    done = [rect for rect in rects(root, "chart__progress--done")]
    assert len(done) == 2
    lines = list(root.iter(f"{{{charts.SVG_NS}}}line"))
    assert {float(line.get("x1")) for line in lines} == {charts.P_LABEL_WIDTH + area / 2}
    assert texts(root, "chart__value") == ["150% Achieved", "50% Missed", "900% Achieved"]


def test_progress_chart_lower_is_better_is_met_at_or_below_the_target():
    root = parse(progress_chart("progress-lower", "t", "d", [
        Progress("no-show rate", 4, 5, lower_is_better=True),
        Progress("no-show rate, over", 6, 5, lower_is_better=True),
        Progress("visits", 4, 5)]))
    marked = ["chart__progress--done" in rect.get("class")
              for rect in rects(root, "chart__progress")]
    assert marked == [True, False, False]


def test_progress_chart_lower_is_better_missed_stays_short_of_the_target_mark():
    """A no-show rate of 9 % against a target of 8 % is missed: its bar ends before the
    mark and its rate is under 100 % (8 / 9), never 112.5 %; 4 % is achieved (200 %)."""
    root = parse(progress_chart("progress-lower", "t", "d", [
        Progress("no-show rate", 9, 8, actual_text="9%", target_text="8%",
                 lower_is_better=True),
        Progress("no-show rate, low", 4, 8, lower_is_better=True),
        Progress("no-show rate, none", 0, 8, lower_is_better=True)]))
    area = charts.P_BAR_AREA
    (line, *_others) = root.iter(f"{{{charts.SVG_NS}}}line")
    mark = float(line.get("x1")) - charts.P_LABEL_WIDTH
    assert mark == area / 2  # the scale runs to 200 %
    widths = [float(rect.get("width")) for rect in rects(root, "chart__progress")]
    assert widths[0] < mark and widths[1] == widths[2] == area
    assert widths[0] == pytest.approx(mark * 8 / 9, abs=0.01)
    assert texts(root, "chart__value") == ["88.9% Missed", "200% Achieved", "Achieved"]
    desc = root.find("svg:desc", NS).text
    assert "9% against a target of at most 8%: 88.9% Missed" in desc
    assert "112.5" not in str(progress_chart("c", "t", "d", [
        Progress("no-show rate", 9, 8, lower_is_better=True)]))


def test_progress_chart_says_so_far_while_the_year_runs():
    root = parse(progress_chart("progress-open", "t", "d", [
        Progress("participants", 9, 20, final=False),
        Progress("participants, reached", 30, 20, final=False),
        Progress("no-show rate", 6, 8, lower_is_better=True, final=False, cumulative=False),
        Progress("no-show rate, over", 9, 8, lower_is_better=True, final=False,
                 cumulative=False)]))
    assert texts(root, "chart__value") == ["45% Not met yet", "150% Achieved",
                                           "133.3% Met so far", "88.9% Not met yet"]


def test_progress_chart_without_target_or_figure():
    root = parse(progress_chart("progress-none", "t", "d", [
        Progress("no target", 10, None), Progress("zero target", 10, 0),
        Progress("no figure", None, 50)]))
    assert rects(root, "chart__progress") == []
    assert texts(root, "chart__value") == ["no target", "no target", "no figure"]
    root = parse(progress_chart("progress-empty", "t", "d", []))
    assert_accessible(root, "progress-empty")
    assert texts(root, "chart__empty") == ["No figures for this period"]


def test_chart_ids_are_checked():
    with pytest.raises(ValueError):
        bar_chart('x" onload="alert(1)', "t", "d", [])
    with pytest.raises(ValueError):
        bar_chart("chart", "t", "d", [], orientation="diagonal")


def test_japanese_labels_in_a_japanese_request(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        root = parse(bar_chart("chart-ja", "月別", "説明", [Bar("2026年4月", 1234)]))
    assert texts(root, "chart__value") == ["1,234"]
    assert texts(root, "chart__label") == ["2026年4月"]
    assert "2026年4月：1,234" in root.find("svg:desc", NS).text
