"""Line charts of rates over the years (the progress report's actual rate against the target line), drawn
as SVG by a plain function.

Hand-written on purpose: the same markup is shown on the page and printed by WeasyPrint (which renders
inline SVG), with no plotting library on the server and no JavaScript in the PDF. The Excel renderer draws
the same data with openpyxl's native chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape

from .tables import format_value

COLOURS = ("#b42318", "#1d4ed8", "#047857", "#7c3aed")


@dataclass(frozen=True)
class Series:
    label: str
    points: dict[int, Decimal | None]  # year → rate (%)
    dashed: bool = False


@dataclass(frozen=True)
class LineChart:
    title: str
    series: tuple[Series, ...]

    @property
    def years(self) -> list[int]:
        return sorted({year for s in self.series for year in s.points})

    @property
    def highest(self) -> Decimal:
        values = [v for s in self.series for v in s.points.values() if v is not None]
        return max(values, default=Decimal(0))


def axis_top(highest: Decimal) -> int:
    """The top of the rate axis: the highest value rounded up to a multiple of 5 (at least 5)."""
    return max(5, math.ceil(float(highest) / 5.0) * 5)


def line_chart_svg(chart: LineChart, *, width: int = 640, height: int = 280, vietnamese: bool = True) -> str:
    """The chart as an ``<svg>`` element (pure): axes, grid every fifth of the axis, a line and dots per series,
    the legend on top. Missing values break a line rather than dropping to zero."""
    left, right, top, bottom = 48, 16, 36, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    years = chart.years
    ceiling = axis_top(chart.highest)

    def x(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y(value: Decimal) -> float:
        return top + plot_h * (1 - float(value) / ceiling)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(chart.title)}">',
        f"<title>{escape(chart.title)}</title>",
    ]
    for step in range(6):
        value = Decimal(ceiling) * step / 5
        gy = y(value)
        parts.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{width - right}" y2="{gy:.1f}" stroke="#ddd"/>')
        label = format_value(value, "rate", vietnamese=vietnamese).rstrip("0").rstrip(",.")
        parts.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="11" fill="#333">{label}%</text>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11" '
            f'fill="#333">{year}</text>'
        )
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        for run in _runs(series, years):
            if len(run) > 1:
                points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in run)
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for year, value in run:
                parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"/>')
        legend_x = left + index * 200
        parts.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 24}" y2="14" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{legend_x + 30}" y="18" font-size="12" fill="#111">{escape(series.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _runs(series: Series, years: list[int]) -> list[list[tuple[int, Decimal]]]:
    """Consecutive years with a value: the pieces of the line."""
    runs: list[list[tuple[int, Decimal]]] = [[]]
    for year in years:
        value = series.points.get(year)
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((year, value))
    return [run for run in runs if run]
