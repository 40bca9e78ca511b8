"""Reads of the statistics tables, for the API, the dashboards and the reports. Always scoped to the user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from households.models import AdministrativeUnit, Cause, Ethnicity, StatisticCount, UnitLevel
from households.registry_rules import HouseholdGroup
from households.selectors import visible_unit_ids
from households.selectors.rollup import Figures, figures, rollup, year_end
from households.selectors.statistics import default_standard, default_standards
from households.transitions import TRANSITION_LABELS, Transition
from standards.models import PovertyStandard
from standards.selectors import standard_get, standard_rules

from .statistics import SLICE_DIMENSIONS, change, indicator_row, status_row

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


def resolve_unit(*, user: User, code: str, year: int, tree: str | None = None) -> AdministrativeUnit:
    """The unit with this code, preferring the one in force at the end of ``year``; 404 outside the scope.

    A merged unit often kept a predecessor's code (Xã Văn Lang kept Xã Lương Thượng's 02143): ``tree``
    ("legacy": until 30 June 2025, "current": from 1 July 2025) picks the side explicitly.
    """
    candidates = AdministrativeUnit.objects.exclude(level=UnitLevel.VILLAGE).filter(code=code)
    if tree == "legacy":
        candidates = candidates.filter(valid_to__isnull=False)
    elif tree == "current":
        candidates = candidates.filter(valid_to__isnull=True)
    candidates = list(candidates)
    if not candidates:
        raise StatisticsError("unit", _("No administrative unit has the code %(code)s.") % {"code": code})
    on = year_end(year)
    candidates.sort(key=lambda u: (not u.is_valid_on(on), -(u.valid_to or datetime.date.max).toordinal()))
    ids = visible_unit_ids(user)
    visible = [u for u in candidates if ids is None or u.pk in ids]
    if not visible:
        raise Http404
    return visible[0]


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


def _counts(*, year: int, standard: str, units: Sequence[AdministrativeUnit], dimension: str, user: User):
    """Sum the cells of ``dimension`` under ``standard`` per (row unit, key, status), over the communes the
    roll-up gives each row unit (``households.selectors.rollup``). Two or three queries whatever the size."""
    owner: dict[int, AdministrativeUnit] = {}
    notes: list[str] = []
    for part in rollup(user=user, units=units, years=[year]).values():
        notes.extend(part.notes)
        owner.update(dict.fromkeys(part.commune_ids, part.unit))
    cells = (
        StatisticCount.objects.filter(year=year, standard=standard, dimension=dimension, commune_id__in=list(owner))
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
) -> StatisticsTable:
    """The figures of ``unit`` in ``year`` under one standard (``default_standard`` of the year when none is
    given). ``compare`` reads the other year under the same standard: figures under two standards are never
    compared."""
    standard = standard or default_standard(year=year) or ""
    rows, notes, whole = _rows(user=user, unit=unit, year=year, standard=standard, group_by=group_by)
    if compare is not None:
        previous, _notes, _whole = _rows(user=user, unit=unit, year=compare, standard=standard, group_by=group_by)
        if not any(row["households"] for row in previous):
            notes.append(
                _("%(year)s has no figures under the standard %(standard)s: no change is shown.")
                % {"year": compare, "standard": standard}
            )
        by_key = {row["_key"]: row for row in previous}
        for row in rows:
            row["change"] = change(row, by_key.get(row["_key"]))
    for row in rows:
        del row["_key"]
    return StatisticsTable(
        unit=unit,
        year=year,
        standard=standard,
        group_by=list(group_by),
        rows=rows,
        notes=notes,
        compare=compare,
        figures=whole,
    )


def _rows(*, user: User, unit: AdministrativeUnit, year: int, standard: str, group_by: Sequence[str]):
    row_units = _row_units(unit, year) if "unit" in group_by else [unit]
    slice_dim = next((g for g in group_by if g in SLICE_DIMENSIONS), None)
    # The official figures (status counts, resident households, coverage) of every row unit and of the unit
    # itself, read in one batch; a slice dimension adds its own cells.
    facts = figures(user=user, units=[*row_units, unit], years=[year], standards={year: standard})
    if slice_dim:
        counts, notes = _counts(year=year, standard=standard, units=row_units, dimension=slice_dim, user=user)
    else:
        counts = {(u, "", s): list(v) for (u, _y), f in facts.items() for s, v in f.by_status.items()}
        notes = []
    notes = sorted({*notes, *(n for f in facts.values() for n in f.notes)})
    by_status = "status" in group_by
    labels = _slice_labels(slice_dim, standard) if slice_dim else {}
    rows = []
    for row_unit in row_units:
        official = facts[(row_unit.pk, year)]
        resident = official.resident_households
        keys = sorted({k for (u, k, _s) in counts if u == row_unit.pk}) if slice_dim else [""]
        for key in keys:
            statuses = {s: v[0] for (u, k, s), v in counts.items() if u == row_unit.pk and k == key}
            people = sum(v[1] for (u, k, _s), v in counts.items() if u == row_unit.pk and k == key)
            unit_totals = {s: h for s, (h, _p) in official.by_status.items()}
            for status in sorted(statuses) if by_status else [None]:
                if slice_dim == "indicator":
                    picked = {status: statuses[status]} if status else statuses
                    total = {status: unit_totals.get(status, 0)} if status else unit_totals
                    row = indicator_row(picked, total)
                elif slice_dim:
                    # Resident households are not counted by ethnicity, group, cause or transition: a slice
                    # has shares of the reviewed households, no official rate.
                    picked = {status: statuses[status]} if status else statuses
                    row = status_row(picked, counts[(row_unit.pk, key, status)][1] if status else people)
                else:
                    picked = {status: statuses[status]} if status else statuses
                    row_people = counts[(row_unit.pk, key, status)][1] if status else people
                    row = {**status_row(picked, row_people, resident_households=resident), **official.coverage()}
                head: dict = {}
                if "unit" in group_by:
                    head.update(unit_code=row_unit.code, unit_name=row_unit.name, unit_level=row_unit.level)
                if slice_dim:
                    head.update({slice_dim: key, f"{slice_dim}_label": labels.get(key, key)})
                if status:
                    head["status"] = status
                rows.append({**head, **row, "_key": (row_unit.code if "unit" in group_by else "", key, status)})
    return rows, notes, facts[(unit.pk, year)]


def statistics_years(*, user: User, standard: str | None = None) -> list[int]:
    """Years with approved reviews in the user's area (under ``standard`` when given)."""
    ids = visible_unit_ids(user)
    counts = StatisticCount.objects.filter(dimension="status")
    if standard is not None:
        counts = counts.filter(standard=standard)
    if ids is not None:
        counts = counts.filter(commune_id__in=ids)
    return sorted(set(counts.values_list("year", flat=True).distinct()))


def statistics_standards(*, user: User, year: int) -> list[str]:
    """The standards with approved reviews in the user's area in ``year``, oldest first (two at most)."""
    ids = visible_unit_ids(user)
    counts = StatisticCount.objects.filter(dimension="status", year=year)
    if ids is not None:
        counts = counts.filter(commune_id__in=ids)
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
