"""Reads of the statistics tables, for the API, the dashboards and the reports. Always scoped to the user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections, router
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from households.models import STATUS_CELLS, AdministrativeUnit, Cause, Ethnicity, StatisticCount, UnitLevel
from households.provinces import in_provinces_of
from households.registry_rules import HouseholdGroup
from households.selectors import visible_unit_ids
from households.selectors.rollup import Figures, figures, rollup, year_end
from households.selectors.statistics import default_standard, default_standards
from households.transitions import TRANSITION_LABELS, Transition
from standards.models import PovertyStandard
from standards.selectors import standard_get, standard_rules

from .statistics import (
    ROW_CHANGE_FIELDS,
    SLICE_DIMENSIONS,
    STATUSES,
    WHOLE,
    change,
    indicator_row,
    long_rows,
    part_row,
    rate,
    slice_row,
    status_row,
)

if TYPE_CHECKING:
    from accounts.models import User


class StatisticsError(ValueError):
    """A query the statistics cannot answer; ``field`` names the parameter at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_standard(code: str) -> str:
    """``code`` if a standard has this period code; else ``StatisticsError`` on the field ``standard``."""
    if not PovertyStandard.objects.filter(code=code).exists():
        raise StatisticsError("standard", _("No poverty standard has the period %(code)s.") % {"code": code})
    return code


def _row_units(unit: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    on = year_end(year)
    day = on if unit.is_valid_on(on) else (unit.valid_to if unit.valid_to and unit.valid_to < on else unit.valid_from)
    children = list(
        AdministrativeUnit.objects.valid_on(day)
        .filter(parent=unit)
        .exclude(level=UnitLevel.VILLAGE)
        .order_by("code", "name")
    )
    return children or [unit]


def _slice_labels(dimension: str, standard: str) -> dict[str, str]:
    if dimension == "ethnicity":
        return dict(Ethnicity.objects.values_list("code", "name"))
    if dimension == "group":
        return {value: str(label) for value, label in HouseholdGroup.choices}
    if dimension == "cause":
        return {c.value: str(c.label) for c in Cause}
    if dimension == "transition":
        return {t.value: str(TRANSITION_LABELS[Transition(t)]) for t in Transition}
    if dimension == "indicator":
        try:
            return {i.code: i.name for i in standard_rules(standard_get(standard)).indicators}
        except PovertyStandard.DoesNotExist:
            return {}
    return {}


LEVEL_RANK = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
WIDE, LONG = "wide", "long"


def statistics_home_units(*, user: User, on: datetime.date) -> list[AdministrativeUnit]:
    """The top units of the user's area, the statistics' unit when none is asked for: the units assigned to the
    user at the highest level, those in force ``on`` (else those that ended last), by code; every province in
    force for a user who sees everything (an administrator). Empty for a user assigned no unit."""
    ids = visible_unit_ids(user)
    if ids is None:
        units = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE))
    else:
        units = list(user.units.filter(level__in=list(LEVEL_RANK)))
    if not units:
        return []
    top = min(LEVEL_RANK[u.level] for u in units)

    def when(unit: AdministrativeUnit) -> tuple:
        return (not unit.is_valid_on(on), -(unit.valid_to or datetime.date.max).toordinal())

    units = sorted((u for u in units if LEVEL_RANK[u.level] == top), key=lambda u: (*when(u), u.code, u.pk))
    return [u for u in units if when(u) == when(units[0])]


def statistics_latest_year(
    *, user: User, unit: AdministrativeUnit, years: Sequence[int], standard: str | None = None
) -> tuple[int, bool]:
    """The latest of ``years`` in which every commune of ``unit`` within the user's area has reported, and True;
    when no year is complete, the latest year, and False. The figures of all years in one batch."""
    trend = unit_trend(user=user, unit=unit, years=years, standard=standard)
    complete = [year for year, each in trend.items() if each.communes and not each.partial]
    return (max(complete), True) if complete else (max(years), False)


@dataclass
class StatisticsTable:
    unit: AdministrativeUnit
    year: int
    standard: str  # the period code the figures are under ("" when the year has no figures)
    group_by: list[str]
    rows: list[dict]
    notes: list[str]
    compare: int | None = None
    figures: Figures | None = None  # the unit's own: resident households and coverage of the whole
    shape: str = WIDE


def _counts(*, year: int, standard: str, units: Sequence[AdministrativeUnit], dimension: str, user: User):
    """Sum the cells of ``dimension`` under ``standard`` per (row unit, key, status), over the communes the
    roll-up gives each row unit (``households.selectors.rollup``). Two or three queries whatever the size."""
    owner: dict[int, AdministrativeUnit] = {}
    notes: list[str] = []
    for part in rollup(user=user, units=units, years=[year]).values():
        notes.extend(part.notes)
        owner.update(dict.fromkeys(part.commune_ids, part.unit))
    cells = (
        StatisticCount.objects.filter(
            # A user with an area reads the shards of its provinces only (households.sharding).
            in_provinces_of(list(owner) if visible_unit_ids(user) is not None else None),
            year=year,
            standard=standard,
            dimension=dimension,
            commune_id__in=list(owner),
        )
        .values("commune_id", "key", "status")
        .annotate(households=Sum("households"), people=Sum("people"))
    )
    counts: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for cell in cells:
        total = counts[(owner[cell["commune_id"]].pk, cell["key"], cell["status"])]
        total[0] += cell["households"]
        total[1] += cell["people"]
    return counts, notes


def statistics_table(
    *,
    user: User,
    unit: AdministrativeUnit,
    year: int,
    group_by: Sequence[str],
    compare: int | None = None,
    standard: str | None = None,
    shape: str = WIDE,
) -> StatisticsTable:
    """The figures of ``unit`` in ``year`` under one standard (``default_standard`` of the year when none is
    given). ``compare`` reads the other year under the same standard: figures under two standards are never
    compared. The wide shape gives a row per unit (and slice, and status); the long shape a row per measure
    (``reports.statistics.long_rows``), the compared year's rows beside the year's.

    The notes are those of the unit and of its children whatever the grouping and the shape: a total and its
    breakdown carry the same notes."""
    standard = standard or default_standard(year=year) or ""
    rows, notes, whole = _rows(user=user, unit=unit, year=year, standard=standard, group_by=group_by, shape=shape)
    if compare is not None:
        previous, _notes, before = _rows(
            user=user, unit=unit, year=compare, standard=standard, group_by=group_by, shape=shape
        )
        if not before.reviewed:
            notes.append(
                _("%(year)s has no figures under the standard %(standard)s: no change is shown.")
                % {"year": compare, "standard": standard}
            )
        if shape == LONG:
            rows.extend(previous)
        else:
            by_key = {row["_key"]: row for row in previous}
            for row in rows:
                fields = [name for name in ROW_CHANGE_FIELDS if name in row]
                row["change"] = change(row, by_key.get(row["_key"]), fields)
    for row in rows:
        row.pop("_key", None)
    return StatisticsTable(
        unit=unit,
        year=year,
        standard=standard,
        group_by=list(group_by),
        rows=rows,
        notes=notes,
        compare=compare,
        figures=whole,
        shape=shape,
    )


def _rows(*, user: User, unit: AdministrativeUnit, year: int, standard: str, group_by: Sequence[str], shape: str):
    children = _row_units(unit, year)
    by_unit = "unit" in group_by
    row_units = children if by_unit else [unit]
    slice_dim = next((g for g in group_by if g in SLICE_DIMENSIONS), None)
    # The official figures (status counts, resident households, coverage) of the unit and of its children in one
    # batch, whatever the grouping: every shape of the same unit and year carries the same notes.
    facts = figures(user=user, units=[*children, unit], years=[year], standards={year: standard})
    notes = sorted({n for f in facts.values() for n in f.notes})
    counts: dict[tuple[int, str, str], list[int]] = {}
    labels: dict[str, str] = {}
    if slice_dim:
        counts, _notes = _counts(year=year, standard=standard, units=row_units, dimension=slice_dim, user=user)
        labels = _slice_labels(slice_dim, standard)
    rows: list[dict] = []
    for row_unit in row_units:
        official = facts[(row_unit.pk, year)]
        totals = {s: h for s, (h, _p) in official.by_status.items()}
        whole = {
            **status_row(totals, official.people, resident_households=official.resident_households),
            **official.coverage(),
        }
        cells = {(k, s): v for (u, k, s), v in counts.items() if u == row_unit.pk}
        if shape == LONG:
            head = {"unit_code": row_unit.code, "unit_name": row_unit.name, "year": year, "standard": standard}
            rows.extend(long_rows(whole, {**head, "dimension": WHOLE, "key": WHOLE}))
            for key in sorted({k for k, _s in cells}):
                picked = {s: v for (k, s), v in cells.items() if k == key}
                row = _slice_whole(slice_dim, picked, totals)
                rows.extend(long_rows(row, {**head, "dimension": slice_dim, "key": key}))
            continue
        head = {"unit_code": row_unit.code, "unit_name": row_unit.name, "unit_level": row_unit.level} if by_unit else {}
        code = row_unit.code if by_unit else ""
        if not slice_dim:
            if "status" not in group_by:
                rows.append({**head, **whole, "_key": (code, "", None)})
                continue
            for status in STATUSES:
                households, people = official.by_status.get(status, (0, 0))
                part = part_row(
                    households, people, reviewed=official.reviewed, resident_households=official.resident_households
                )
                rows.append({**head, "status": status, **part, "_key": (code, "", status)})
            continue
        for key in sorted({k for k, _s in cells}):
            picked = {s: v for (k, s), v in cells.items() if k == key}
            key_head = {**head, slice_dim: key, f"{slice_dim}_label": labels.get(key, key)}
            if "status" not in group_by:
                rows.append({**key_head, **_slice_whole(slice_dim, picked, totals), "_key": (code, key, None)})
                continue
            reviewed = sum(h for h, _p in picked.values())
            for status in sorted(picked):
                households, people = picked[status]
                if slice_dim == "indicator":
                    # Of the unit's households of this status, those deprived in the indicator.
                    part = {"deprived": households, "share": rate(households, totals.get(status, 0))}
                else:
                    part = part_row(households, people, reviewed=reviewed)
                    del part["rate"]  # resident households are not counted by slice: no official rate
                rows.append({**key_head, "status": status, **part, "_key": (code, key, status)})
    return rows, notes, facts[(unit.pk, year)]


def _slice_whole(dimension: str, picked: dict[str, list[int]], totals: dict[str, int]) -> dict:
    """A slice's row over every status: counts and shares, or for an indicator its deprived households."""
    if dimension == "indicator":
        return indicator_row({s: h for s, (h, _p) in picked.items()}, totals)
    return slice_row({s: h for s, (h, _p) in picked.items()}, sum(p for _h, p in picked.values()))


def statistics_years(*, user: User, standard: str | None = None) -> list[int]:
    """Years with approved reviews in the user's area (under ``standard`` when given)."""
    ids = visible_unit_ids(user)
    counts = StatisticCount.objects.filter(STATUS_CELLS)
    if standard is not None:
        counts = counts.filter(standard=standard)
    if ids is not None:
        counts = counts.filter(in_provinces_of(ids), commune_id__any_of=list(ids))
    return _distinct_years(counts)


def _distinct_years(counts: QuerySet) -> list[int]:
    """The years of ``counts``, one index probe a year: the next year is the least one above the last, read from the
    cells' index, which starts with the year. A DISTINCT read every cell of the country (24 ms at 351,571 cells, on
    every statistics answer and dashboard: bench/national.py); the years are a handful whatever the households."""
    base, params = counts.values("year").query.sql_with_params()
    sql = (
        f"WITH RECURSIVE found(year) AS (SELECT MIN(year) FROM ({base}) AS cells UNION ALL "
        f"SELECT (SELECT MIN(year) FROM ({base}) AS cells WHERE year > found.year) FROM found "
        "WHERE found.year IS NOT NULL) SELECT year FROM found WHERE year IS NOT NULL"
    )
    with connections[router.db_for_read(StatisticCount)].cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return [row[0] for row in cursor.fetchall()]


def statistics_standards(*, user: User, year: int) -> list[str]:
    """The standards with approved reviews in the user's area in ``year``, oldest first (two at most)."""
    ids = visible_unit_ids(user)
    counts = StatisticCount.objects.filter(dimension="status", year=year)
    if ids is not None:
        counts = counts.filter(in_provinces_of(ids), commune_id__any_of=list(ids))
    return sorted(set(counts.values_list("standard", flat=True).distinct()))


@dataclass
class UnitCounts:
    """Counts of one row unit: (key, status) → households, and people by (key, status); for the status
    dimension, the unit's official figures too (resident households, rates, coverage)."""

    unit: AdministrativeUnit
    households: dict[tuple[str, str], int]
    people: dict[tuple[str, str], int]
    figures: Figures | None = None

    def by_status(self, key: str = "") -> dict[str, int]:
        return {s: n for (k, s), n in self.households.items() if k == key}

    def keys(self) -> list[str]:
        return sorted({k for k, _s in self.households})


def counts_by_unit(
    *,
    user: User,
    unit: AdministrativeUnit,
    year: int,
    dimension: str = "status",
    per_child: bool = True,
    standard: str | None = None,
) -> tuple[list[UnitCounts], list[str]]:
    """The counts of ``dimension`` under ``standard`` (``default_standard`` of the year when none is given)
    for each child of ``unit`` (or the unit itself), with the notes."""
    row_units = _row_units(unit, year) if per_child else [unit]
    standard = standard or default_standard(year=year) or ""
    if dimension == "status":
        # The official figures hold the status counts: one read gives the counts, rates and coverage.
        facts = figures(user=user, units=row_units, years=[year], standards={year: standard})
        result = []
        for row_unit in row_units:
            official = facts[(row_unit.pk, year)]
            households = {("", s): h for s, (h, _p) in official.by_status.items()}
            people = {("", s): p for s, (_h, p) in official.by_status.items()}
            result.append(UnitCounts(row_unit, households, people, official))
        return result, sorted({n for f in facts.values() for n in f.notes})
    counts, notes = _counts(year=year, standard=standard, units=row_units, dimension=dimension, user=user)
    result = []
    for row_unit in row_units:
        households = {(k, s): v[0] for (u, k, s), v in counts.items() if u == row_unit.pk}
        people = {(k, s): v[1] for (u, k, s), v in counts.items() if u == row_unit.pk}
        result.append(UnitCounts(row_unit, households, people))
    return result, notes


def unit_trend(
    *, user: User, unit: AdministrativeUnit, years: Sequence[int], standard: str | None = None
) -> dict[int, Figures]:
    """The official figures of ``unit`` in each year, under ``standard``, or each year under its
    ``default_standard`` when none is given. The roll-up gives at most two compositions (communes change only
    across the 2025 reform), and the counts of all years come in one query."""
    standards = dict.fromkeys(years, standard) if standard else default_standards(years=years)
    found = figures(user=user, units=[unit], years=years, standards=standards)
    return {year: found[(unit.pk, year)] for year in years}


def status_trend(
    *, user: User, unit: AdministrativeUnit, years: Sequence[int], standard: str | None = None
) -> dict[int, dict[str, int]]:
    """Households by status of ``unit`` in each year (``unit_trend``'s counts)."""
    trend = unit_trend(user=user, unit=unit, years=years, standard=standard)
    return {year: {s: h for s, (h, _p) in each.by_status.items()} for year, each in trend.items()}
