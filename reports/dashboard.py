"""What the dashboard shows for a unit and a year: headline figures, the trend, the units below, the map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from households.models import AdministrativeUnit, UnitLevel
from households.selectors import units_visible_to
from households.unit_sources import coordinates
from programmes.plan_selectors import rate_bands, unit_targets, units_targets
from programmes.progress import Counts, band_for, judge, row_progress

from .selectors import counts_by_unit, default_standard, statistics_standards, status_trend, year_end
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


def default_unit(user: User, year: int) -> AdministrativeUnit | None:
    """The widest unit of the user's area in force at the end of the year (a province for its officers)."""
    units = units_visible_to(user, on=year_end(year)).exclude(level=UnitLevel.VILLAGE)
    order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    return min(units, key=lambda u: (order[u.level], u.name), default=None)


def _row(counts) -> dict:
    statuses = counts.by_status()
    people = sum(n for (k, _s), n in counts.people.items() if k == "")
    return status_row(statuses, people)


def dashboard(
    *, user: User, unit: AdministrativeUnit, year: int, years: list[int], standard: str | None = None
) -> Dashboard:
    """The figures of ``unit`` in ``year`` under ``standard``, one of the year's standards (the year's default
    when none or another is given); the trend shows each year under its own default standard."""
    standards = statistics_standards(user=user, year=year)
    if standard not in standards:
        standard = default_standard(year=year) or ""
    (whole,), notes = counts_by_unit(user=user, unit=unit, year=year, per_child=False, standard=standard)
    headline = _row(whole)
    by_year = status_trend(user=user, unit=unit, years=years)
    # The change since last year compares figures under the same standard only.
    before = status_trend(user=user, unit=unit, years=[year - 1], standard=standard)[year - 1]
    if year - 1 in by_year and before:
        headline["change"] = change(headline, status_row(before))
    targets = unit_targets(user=user, unit=unit)
    target = targets.get(year)
    if target is not None:
        judgement = judge(target=target.target_rate, actual=headline["poor_rate"], at_most=True)
        headline["target"] = {"rate": target.target_rate, "verdict": judgement.verdict, "gap": judgement.gap}
    trend = []
    for each in sorted({*by_year, *(y for y in targets if years and years[0] <= y)}):
        row = status_row(by_year[each]) if by_year.get(each) else {}
        trend.append(
            {
                "year": each,
                "poor_rate": row.get("poor_rate"),
                "near_poor_rate": row.get("near_poor_rate"),
                "target_rate": targets[each].target_rate if each in targets else None,
            }
        )
    children, child_notes = counts_by_unit(user=user, unit=unit, year=year, standard=standard)
    child_targets = units_targets(units=[c.unit for c in children], year=year)
    bands = rate_bands()
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
        row = _row(counts)
        band = band_for(row["poor_rate"], bands)
        verdict = None
        if child.pk in child_targets and row["households"]:
            actual = Counts(row["households"], row["poor"], row["near_poor"])
            verdict = row_progress(child_targets[child.pk], actual).households.verdict
        units.append(
            {
                "unit": child,
                **row,
                "band": band.label if band else "",
                "verdict": verdict,
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
            }
        )
    return Dashboard(unit, year, standard, standards, years, headline, trend, units, sorted({*notes, *child_notes}))
