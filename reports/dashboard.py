"""What the dashboard shows for a unit and a year: headline figures, the trend, the units below, the map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Case, When
from django.urls import reverse
from django.utils.translation import gettext as _

from households.models import AdministrativeUnit, UnitLevel
from households.selectors import units_visible_to
from households.selectors.boundaries import unit_boundaries
from households.selectors.rollup import Figures, year_end
from households.selectors.statistics import default_standard
from households.unit_sources import coordinates
from programmes.progress import Band, Counts, band_for, judge, row_progress
from programmes.selectors import rate_bands, unit_targets, units_targets

from .selectors import counts_by_unit, statistics_standards, unit_trend
from .statistics import change, status_row

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    year: int
    standard: str  # the period code of the standard the figures are under
    standards: list[str]  # the standards the year has figures under in the user's area (two at most)
    years: list[int]
    headline: dict
    trend: list[dict]
    units: list[dict]
    notes: list[str]
    legend: list[dict] = field(default_factory=list)  # the rate bands with their map colours, highest first

    @property
    def unplaced(self) -> int:
        """Units the map cannot draw: no boundary loaded and no centroid in the packages."""
        return sum(1 for row in self.units if row["boundary"] is None and row["lat"] is None)


# ColorBrewer "Reds" (sequential, colour-blind safe), its lightest step left out: it would vanish on the
# map's pale background. The bands take evenly spaced steps, lightest for the lowest rates.
REDS = ("#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d")
NO_FIGURES = "#bdbdbd"


def band_colours(bands: tuple[Band, ...]) -> list[tuple[Band, str]]:
    """Each band with its colour, highest band first (the order ``band_for`` tries them)."""
    ordered = sorted(bands, key=lambda b: (b.minimum is None, -(b.minimum or 0), not b.minimum_inclusive))
    last = len(ordered) - 1
    steps = [round(i * (len(REDS) - 1) / last) if last else len(REDS) // 2 for i in range(len(ordered))]
    return [(band, REDS[len(REDS) - 1 - step]) for band, step in zip(ordered, steps, strict=True)]


def default_unit(user: User, year: int) -> AdministrativeUnit | None:
    """The widest unit of the user's area in force at the end of the year (a province for its officers)."""
    units = units_visible_to(user, on=year_end(year)).exclude(level=UnitLevel.VILLAGE)
    # The widest level first, in the database: the ministry's area is the country's thousands of units.
    rank = Case(When(level=UnitLevel.PROVINCE, then=0), When(level=UnitLevel.DISTRICT, then=1), default=2)
    return units.order_by(rank, "name").first()


def _row(each: Figures) -> dict:
    """A unit's figures as the page shows them: counts, rates over resident households, coverage."""
    statuses = {s: h for s, (h, _p) in each.by_status.items()}
    return {
        **status_row(statuses, each.people, resident_households=each.resident_households),
        **each.coverage(),
    }


def latest_complete_year(trend: dict[int, Figures]) -> int | None:
    """The latest year in which every commune of the unit reported; the latest year with figures otherwise."""
    reported = [year for year, each in trend.items() if each.reviewed]
    complete = [year for year in reported if not trend[year].partial]
    return max(complete or reported, default=None)


def dashboard(
    *, user: User, unit: AdministrativeUnit, year: int | None, years: list[int], standard: str | None = None
) -> Dashboard:
    """The figures of ``unit`` in ``year`` under ``standard``, one of the year's standards (the year's default
    when none or another is given); the trend shows each year under its own default standard.

    Without a year, the page opens on the latest complete year (every commune reported). Rates are over
    resident households; a year is marked partial until every commune of the unit has reported.
    """
    # Each year under its default standard, in one batch: the trend, and the headline when it is the same.
    by_year = unit_trend(user=user, unit=unit, years=years)
    if year is None:
        year = latest_complete_year(by_year) or years[-1]
    standards = statistics_standards(user=user, year=year)
    if standard not in standards:
        standard = default_standard(year=year) or ""
    whole = by_year.get(year)
    if whole is None or whole.standard != standard:
        whole = unit_trend(user=user, unit=unit, years=[year], standard=standard)[year]
    headline = _row(whole)
    # The change since last year compares figures under the same standard only.
    before = by_year.get(year - 1)
    if before is not None and before.standard != standard:
        before = unit_trend(user=user, unit=unit, years=[year - 1], standard=standard)[year - 1]
    if before is not None and before.reviewed:
        headline["change"] = change(headline, _row(before))
    targets = unit_targets(user=user, unit=unit)
    target = targets.get(year)
    if target is not None:
        judgement = judge(target=target.target_rate, actual=headline["poor_rate"], at_most=True)
        headline["target"] = {"rate": target.target_rate, "verdict": judgement.verdict, "gap": judgement.gap}
    trend = []
    shown = {y for y, each in by_year.items() if each.reviewed} | {y for y in targets if years and years[0] <= y}
    # Every year between the first and the last: the axis is spaced by year, and a year without figures is a gap.
    for each in range(min(shown), max(shown) + 1) if shown else ():
        figures_of = by_year.get(each)
        row = _row(figures_of) if figures_of is not None and figures_of.reviewed else {}
        trend.append(
            {
                "year": each,
                "poor_rate": row.get("poor_rate"),
                "near_poor_rate": row.get("near_poor_rate"),
                "target_rate": targets[each].target_rate if each in targets else None,
                "partial": bool(row.get("partial")),
            }
        )
    children, child_notes = counts_by_unit(user=user, unit=unit, year=year, standard=standard)
    child_targets = units_targets(units=[c.unit for c in children], year=year)
    bands = rate_bands()
    colours = {band.label: colour for band, colour in band_colours(bands)}
    outlines = unit_boundaries(user=user, units=[c.unit for c in children])
    province = unit if unit.level == UnitLevel.PROVINCE else (unit.parent if unit.parent else unit)
    while province.parent_id:
        province = province.parent
    units = []
    for counts in children:
        child = counts.unit
        point = coordinates(
            level=child.level,
            code=child.code,
            name=child.name,
            legacy=child.valid_to is not None,
            province_code=province.code,
        )
        row = _row(counts.figures)
        band = band_for(row["poor_rate"], bands)
        verdict = None
        if child.pk in child_targets and row["households"]:
            actual = Counts(row["households"], row["poor"], row["near_poor"], row["resident_households"])
            verdict = row_progress(child_targets[child.pk], actual).households.verdict
        outline = outlines.get(child.pk)
        units.append(
            {
                "unit": child,
                **row,
                "band": band.label if band else "",
                "colour": colours[band.label] if band else NO_FIGURES,
                "verdict": verdict,
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
                "boundary": outline.geometry if outline else None,
                "label": (outline.label_lat, outline.label_lon) if outline else point,
            }
        )
    notes = sorted({*whole.notes, *child_notes})
    legend = [{"label": band.label, "colour": colour} for band, colour in band_colours(bands)]
    legend.append({"label": _("No figures"), "colour": NO_FIGURES})
    return Dashboard(unit, year, standard, standards, years, headline, trend, units, notes, legend)


def map_data(data: Dashboard | None) -> list[dict]:
    """The units the map can place: by their boundary when loaded, else as a circle at the packages' centroid.

    Each links to its own dashboard; the unit the page is about (a commune has no units below it on the
    map) is drawn without a link.
    """
    if data is None:
        return []
    page = reverse("reports:dashboard")
    shapes = []
    for row in data.units:
        if row["boundary"] is None and row["lat"] is None:
            continue
        child = row["unit"]
        query = urlencode({"unit": child.pk, "year": data.year, "standard": data.standard})
        shapes.append(
            {
                "pk": child.pk,
                "name": child.name,
                "short_name": child.short_name or child.name,
                "poor_rate": row["poor_rate"],
                "band": row["band"],
                "colour": row["colour"],
                "href": None if child.pk == data.unit.pk else f"{page}?{query}",
                "lat": row["lat"],
                "lon": row["lon"],
                "label": row["label"],
                "boundary": row["boundary"],
            }
        )
    return shapes
