"""The SVG line chart: scale, breaks where a year has no value, escaped text."""

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reports.charts import LineChart, Series, axis_top, line_chart_svg


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_the_axis_holds_the_highest_value_within_five_points(highest):
    top = axis_top(highest)
    assert top % 5 == 0
    assert top >= highest
    assert top - highest < 5 or top == 5


def test_a_missing_year_breaks_the_line_and_values_map_onto_the_axis():
    chart = LineChart(
        "Tỷ lệ <nghèo>",
        (
            Series("Thực tế", {2016: Decimal("30"), 2017: Decimal("25"), 2018: None, 2019: Decimal("20")}),
            Series("Mục tiêu", {2016: Decimal("28"), 2017: Decimal("24"), 2019: Decimal("15")}, dashed=True),
        ),
    )
    svg = line_chart_svg(chart, width=640, height=280)
    assert "Tỷ lệ &lt;nghèo&gt;" in svg
    assert "<nghèo>" not in svg
    polylines = re.findall(r"<polyline [^>]*>", svg)
    # Each series: 2016–2017 is a line, 2019 a dot alone (no value for 2018).
    assert len(polylines) == 2
    assert ["stroke-dasharray" in p for p in polylines] == [False, True]
    assert svg.count("<circle") == 6
    points = re.search(r'points="([^"]+)"', polylines[0]).group(1)
    first = [tuple(map(float, p.split(","))) for p in points.split()]
    # The axis tops at 30 %: 30 sits on the top line (y = 36), 25 one sixth of the plot lower.
    assert first[0][1] == 36.0
    assert round(first[1][1] - first[0][1], 1) == round((280 - 36 - 32) * 5 / 30, 1)
    assert first[0][0] < first[1][0]
