"""What the dashboard shows for a unit and a year: headline figures, the trend, the units below, the map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from households.models import AdministrativeUnit, UnitLevel
from households.selectors import units_visible_to
from households.unit_sources import coordinates

from .selectors import counts_by_unit, status_trend, year_end
from .statistics import change, status_row

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    year: int
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


def dashboard(*, user: User, unit: AdministrativeUnit, year: int, years: list[int]) -> Dashboard:
    (whole,), notes = counts_by_unit(user=user, unit=unit, year=year, per_child=False)
    headline = _row(whole)
    by_year = status_trend(user=user, unit=unit, years=years)
    if year - 1 in by_year:
        headline["change"] = change(headline, status_row(by_year[year - 1]))
    trend = []
    for each, statuses in by_year.items():
        row = status_row(statuses)
        trend.append({"year": each, "poor_rate": row["poor_rate"], "near_poor_rate": row["near_poor_rate"]})
    children, child_notes = counts_by_unit(user=user, unit=unit, year=year)
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
        units.append(
            {"unit": child, **_row(counts), "lat": point[0] if point else None, "lon": point[1] if point else None}
        )
    return Dashboard(unit, year, years, headline, trend, units, sorted({*notes, *child_notes}))
