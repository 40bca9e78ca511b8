"""Reads of plans, target tables and progress, always within the user's area.

A plan is visible to a user who sees its unit, or any unit of its target table (a district officer sees
the province's plan but only the district's rows). ``poverty_counts`` is the one place that counts
approved reviews for progress; it aggregates in the database (GROUP BY commune and year) and rolls the
communes up to the units asked for, so it can later read the ``reports`` statistics tables instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from households.models import AdministrativeUnit, UnitLevel
from households.selectors import visible_unit_ids
from households.selectors.rollup import Figures, figures
from households.selectors.statistics import default_standards

from .models import GoalKind, Plan, PlanGoal, PrintedTotal, Project, RateBand, TargetRow
from .progress import (
    DEFAULT_BANDS,
    EMPTY,
    Band,
    Check,
    Counts,
    Judgement,
    Projection,
    RowProgress,
    TargetFigures,
    Verdict,
    add_counts,
    band_for,
    judge,
    meets,
    project_rate,
    rate,
    row_progress,
    total,
    total_checks,
)

if TYPE_CHECKING:
    from accounts.models import User


# --- plans -------------------------------------------------------------------------------------------


def plan_list(*, user: User) -> QuerySet[Plan]:
    ids = visible_unit_ids(user)
    # unit and standard are shown in every row.
    plans = Plan.objects.select_related("unit", "standard").order_by("-decision_date", "decision_number", "pk")
    if ids is None:
        return plans
    rows_in_scope = TargetRow.objects.filter(plan=OuterRef("pk"), unit__any_of=ids)
    return plans.filter(Q(unit__any_of=ids) | Exists(rows_in_scope))


def plan_get(*, user: User, pk: int) -> Plan:
    """A plan the user may see; 404 otherwise, so a plan outside the area does not reveal it exists."""
    return get_object_or_404(plan_list(user=user), pk=pk)


def plan_sees_whole(*, user: User, plan: Plan) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or plan.unit_id in ids


def target_rows(*, user: User, plan: Plan, year: int | None = None) -> QuerySet[TargetRow]:
    ids = visible_unit_ids(user)
    # The unit's name is shown in every row.
    rows = TargetRow.objects.filter(plan=plan).select_related("unit").order_by("year", "order", "pk")
    if year is not None:
        rows = rows.filter(year=year)
    return rows if ids is None else rows.filter(unit__any_of=ids)


def target_years(*, plan: Plan) -> list[int]:
    return sorted(set(TargetRow.objects.filter(plan=plan).values_list("year", flat=True)))


def row_figures(row: TargetRow) -> TargetFigures:
    return TargetFigures(
        households=row.households,
        poor=row.poor_households,
        reduction=row.reduction_households,
        near_poor=row.near_poor_households,
        near_poor_reduction=row.near_poor_reduction_households,
    )


@dataclass(frozen=True)
class TableRow:
    row: TargetRow
    figures: TargetFigures
    checks: tuple[Check, ...]  # the printed rate and reduction beside the computed ones

    @property
    def differs(self) -> bool:
        return any(c.differs for c in self.checks)


@dataclass(frozen=True)
class TargetTable:
    plan: Plan
    year: int
    rows: tuple[TableRow, ...]
    total: TargetFigures
    # Compared with the printed total row only when the user sees every row of the table.
    total_checks: tuple[Check, ...]
    complete: bool

    @property
    def differences(self) -> list[Check]:
        found = [c for c in self.total_checks if c.differs]
        found += [c for r in self.rows for c in r.checks if c.differs]
        return found


def _row_checks(row: TargetRow, figures: TargetFigures) -> tuple[Check, ...]:
    return (
        Check("poor_rate", figures.poor_rate, row.poor_rate_printed),
        Check("reduction_pp", figures.reduction_pp, row.reduction_pp_printed),
        Check("near_poor_rate", figures.near_poor_rate, row.near_poor_rate_printed),
        Check("near_poor_reduction_pp", figures.near_poor_reduction_pp, row.near_poor_reduction_pp_printed),
    )


def target_table(*, user: User, plan: Plan, year: int) -> TargetTable:
    """The rows of a year the user may see, their total computed from them, and the printed figures beside."""
    rows = []
    for row in target_rows(user=user, plan=plan, year=year):
        figures = row_figures(row)
        rows.append(TableRow(row, figures, _row_checks(row, figures)))
    computed = total(r.figures for r in rows)
    complete = plan_sees_whole(user=user, plan=plan)
    checks: tuple[Check, ...] = ()
    if complete:
        printed = PrintedTotal.objects.filter(plan=plan, year=year).first()
        if printed is not None:
            checks = tuple(
                total_checks(
                    computed,
                    {
                        "households": printed.households,
                        "poor": printed.poor_households,
                        "poor_rate": printed.poor_rate,
                        "reduction": printed.reduction_households,
                        "reduction_pp": printed.reduction_pp,
                        "near_poor": printed.near_poor_households,
                        "near_poor_rate": printed.near_poor_rate,
                    },
                )
            )
    return TargetTable(plan, year, tuple(rows), computed, checks, complete)


def target_table_report(table: TargetTable, labels: dict[str, str]) -> list[dict]:
    """The target table as report rows: each unit, the computed total, and the printed total with the difference.

    ``labels`` names the columns (translated by the caller); reports render these rows as XLSX or CSV.
    """

    def line(number, name, figures: TargetFigures, printed_rate=None, printed_pp=None) -> dict:
        return {
            labels["order"]: number,
            labels["unit"]: name,
            labels["households"]: figures.households,
            labels["poor"]: figures.poor,
            labels["poor_rate"]: figures.poor_rate,
            labels["poor_rate_printed"]: printed_rate,
            labels["reduction"]: figures.reduction,
            labels["reduction_pp"]: figures.reduction_pp,
            labels["reduction_pp_printed"]: printed_pp,
        }

    rows = [
        line(r.row.order, r.row.unit.name, r.figures, r.row.poor_rate_printed, r.row.reduction_pp_printed)
        for r in table.rows
    ]
    rows.append(line("", labels["total"], table.total))
    if table.total_checks:
        checks = {c.name: c for c in table.total_checks}
        printed = {name: checks[name].printed for name in checks}
        difference = {name: checks[name].difference for name in checks}
        for title, values in ((labels["printed_total"], printed), (labels["difference"], difference)):
            rows.append(
                {
                    labels["order"]: "",
                    labels["unit"]: title,
                    labels["households"]: values["households"],
                    labels["poor"]: values["poor"],
                    labels["poor_rate"]: values["poor_rate"],
                    labels["poor_rate_printed"]: None,
                    labels["reduction"]: values["reduction"],
                    labels["reduction_pp"]: values["reduction_pp"],
                    labels["reduction_pp_printed"]: None,
                }
            )
    return rows


# --- counting approved reviews -----------------------------------------------------------------------


def poverty_counts(
    *, user: User, units: Sequence[AdministrativeUnit], years: Iterable[int], standard: str | None = None
) -> dict[tuple[int, int], Counts]:
    """Households reviewed, poor and near-poor households and resident households per (unit id, year).

    The figures of the one roll-up (``households.selectors.rollup.figures``) the dashboard, the statistics API and the
    Circular 07 report show: the same communes within the user's area, the same rates over resident
    households, the same notes. Every year is read under ``standard`` (a plan's: the rates it sets targets
    for), or under its own default standard when none is given (``households.selectors.statistics.default_standards``).
    Units outside the user's area are left out, and so is a unit in a year when one of its communes lies outside
    the area the roll-up composes from the units assigned to the user; a unit with no approved review in a year
    has no entry.
    """
    ids = visible_unit_ids(user)
    units = [u for u in units if ids is None or u.pk in ids]
    years = sorted(set(years))
    if not units or not years:
        return {}
    standards = dict.fromkeys(years, standard) if standard else default_standards(years=years)
    # The user's own area, composed by the same roll-up in each year. A unit the user may open is not always
    # inside it: a new commune that took in one of the user's communes also took in others' (Xã Bằng Thành in
    # 2026 for a viewer of Xã Bộc Bố), and its figures would count their households.
    assigned = [] if ids is None else list(user.units.all())
    found = figures(user=user, units=[*units, *assigned], years=years, standards=standards)
    area = {year: frozenset().union(*(found[(a.pk, year)].commune_ids for a in assigned)) for year in years}
    return {
        (unit.pk, year): _counts(each)
        for unit in units
        for year in years
        if (each := found[(unit.pk, year)]).reviewed and (ids is None or each.commune_ids <= area[year])
    }


def _counts(each: Figures) -> Counts:
    return Counts(
        households=each.reviewed,
        poor=each.poor,
        near_poor=each.near_poor,
        resident_households=each.resident_households,
        communes=each.communes,
        communes_reported=each.communes_reported,
        notes=each.notes,
    )


# --- progress ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goal: PlanGoal
    actual: Decimal | None
    judgement: Judgement
    basis: str  # "reviews" or "entered"


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    year: int
    rows: tuple[RowProgress, ...]
    row_units: tuple[AdministrativeUnit, ...]
    total: RowProgress | None
    goals: tuple[GoalProgress, ...]
    series: dict[int, Counts] = field(default_factory=dict)  # the plan unit's counts per year
    projection: Projection | None = None
    notes: tuple[str, ...] = ()


def plan_progress(*, user: User, plan: Plan, year: int) -> PlanProgress:
    """Progress of a plan in ``year``: each visible target row, their total, the goals and a projection."""
    rows = list(target_rows(user=user, plan=plan, year=year))
    whole = plan_sees_whole(user=user, plan=plan)
    goals = list(plan.goals.prefetch_related("units").order_by("order", "pk"))
    years = range(min(plan.baseline_year, plan.year_from, year - 1), max(year, plan.year_to) + 1)
    units = {r.unit.pk: r.unit for r in rows}
    if whole:
        units[plan.unit_id] = plan.unit
    for goal in goals:
        for unit in goal.units.all():
            units.setdefault(unit.pk, unit)
    # Targets are rates under the plan's standard: the baseline too (the end-of-period review before the
    # plan's first year is its baseline under the new standard). A plan without one reads each year's default.
    standard = plan.standard.code if plan.standard_id else None
    counts = poverty_counts(user=user, units=list(units.values()), years=years, standard=standard)

    progress_rows = tuple(row_progress(row_figures(r), counts.get((r.unit_id, year))) for r in rows)
    row_total = None
    if rows:
        actual_parts = [counts.get((r.unit_id, year)) for r in rows]
        actual_total = None
        if all(a is not None for a in actual_parts):
            actual_total = add_counts(actual_parts)
        row_total = row_progress(total(row_figures(r) for r in rows), actual_total)

    series: dict[int, Counts] = {}
    projection = None
    if whole:
        series = {y: counts[(plan.unit_id, y)] for y in years if (plan.unit_id, y) in counts and y <= year}
        projection = project_rate([(y, c.poor_rate) for y, c in series.items()], year=plan.period_to)
    goal_rows = tuple(
        _goal_progress(goal, plan=plan, year=year, counts=counts, whole=whole, projection=projection) for goal in goals
    )
    # The roll-up's notes of every figure shown for the year: communes left out, rates not shown and why.
    shown = [counts[(u, year)] for u in units if (u, year) in counts]
    notes = tuple(sorted({n for c in shown for n in c.notes}))
    return PlanProgress(
        plan, year, progress_rows, tuple(r.unit for r in rows), row_total, goal_rows, series, projection, notes
    )


def _sum_counts(counts: dict[tuple[int, int], Counts], unit_ids: Sequence[int], year: int) -> Counts | None:
    found = [counts[(u, year)] for u in unit_ids if (u, year) in counts]
    if not found or len(found) < len(unit_ids):
        return None
    return add_counts(found)


def _goal_progress(
    goal: PlanGoal,
    *,
    plan: Plan,
    year: int,
    counts: dict[tuple[int, int], Counts],
    whole: bool,
    projection: Projection | None,
) -> GoalProgress:
    # One reading of the wording for every goal ("dưới" strict, "không quá" inclusive …): progress.meets.
    # A range ("2-2,5%") is judged at its low end, the least the plan asks.
    comparison = goal.direction
    if goal.kind == GoalKind.OUTPUT or (goal.year is not None and goal.year != year and goal.kind != GoalKind.END_RATE):
        return GoalProgress(
            goal, goal.actual, judge(target=goal.target_low, actual=goal.actual, comparison=comparison), "entered"
        )
    unit_ids = [u.pk for u in goal.units.all()] or ([plan.unit_id] if whole else [])
    now = _sum_counts(counts, unit_ids, year) if unit_ids else None
    before = _sum_counts(counts, unit_ids, year - 1) if unit_ids else None
    if now is None:
        # No approved reviews to measure it: fall back on an entered actual, if any.
        return GoalProgress(
            goal, goal.actual, judge(target=goal.target_low, actual=goal.actual, comparison=comparison), "entered"
        )
    if goal.kind == GoalKind.END_RATE:
        actual = now.poor_rate
        judgement = judge(target=goal.target_low, actual=actual, comparison=comparison)
        final = year >= plan.year_to
        # Not yet due: on track when the trend of the plan's unit meets the goal, worded the same way, by the
        # end of the period.
        projected = projection.rate if projection and not goal.units.all() else None
        if (
            judgement.verdict == Verdict.BEHIND
            and not final
            and projected is not None
            and meets(projected, goal.target_low, comparison)
        ):
            judgement = Judgement(Verdict.ON_TRACK, judgement.gap)
        return GoalProgress(goal, actual, judgement, "reviews")
    if before is None:
        return GoalProgress(goal, None, Judgement(Verdict.NO_DATA, None), "reviews")
    by_rate = goal.kind == GoalKind.REDUCTION_PP  # otherwise GoalKind.REDUCTION_HOUSEHOLDS
    if by_rate and (before.poor_rate is None or now.poor_rate is None):
        # No rate without resident households (the notes say which communes have none).
        return GoalProgress(goal, None, Judgement(Verdict.NO_DATA, None), "reviews")
    actual = before.poor_rate - now.poor_rate if by_rate else Decimal(before.poor - now.poor)
    return GoalProgress(goal, actual, judge(target=goal.target_low, actual=actual, comparison=comparison), "reviews")


# --- bands -------------------------------------------------------------------------------------------


def rate_bands() -> tuple[Band, ...]:
    """The bands an administrator set, or seed 000's brackets when none are set."""
    stored = [Band(b.label, b.minimum, b.minimum_inclusive) for b in RateBand.objects.all()]
    return tuple(stored) or DEFAULT_BANDS


@dataclass(frozen=True)
class BandedUnit:
    unit: AdministrativeUnit
    counts: Counts
    band: Band | None


def units_banded(
    *, user: User, parent: AdministrativeUnit, year: int, level: str = UnitLevel.COMMUNE
) -> list[tuple[Band, list[BandedUnit]]]:
    """The units of ``level`` under ``parent`` the user may see, grouped by their poverty rate in ``year``."""
    ids = visible_unit_ids(user)
    below = AdministrativeUnit.objects.filter(level=level).filter(
        Q(parent=parent) | Q(parent__parent=parent) | Q(pk=parent.pk)
    )
    if ids is not None:
        below = below.filter(pk__any_of=ids)
    units = list(below.order_by("name"))
    counts = poverty_counts(user=user, units=units, years=[year])
    bands = rate_bands()
    grouped: dict[str, list[BandedUnit]] = {b.label: [] for b in bands}
    for unit in units:
        found = counts.get((unit.pk, year))
        if found is None:
            continue
        band = band_for(found.poor_rate, bands)
        if band is not None:
            grouped[band.label].append(BandedUnit(unit, found, band))
    return [(b, grouped[b.label]) for b in bands]


# --- projects ----------------------------------------------------------------------------------------


def project_list(*, user: User) -> QuerySet[Project]:
    ids = visible_unit_ids(user)
    # unit and parent are shown in every row; budgets and outputs are listed with each project.
    projects = (
        Project.objects.select_related("unit", "parent")
        .prefetch_related("budgets", "outputs")
        .annotate(beneficiary_count=Count("beneficiaries", distinct=True))
        .order_by("programme", "code", "pk")
    )
    return projects if ids is None else projects.filter(unit__any_of=ids)


__all__ = [
    "EMPTY",
    "BandedUnit",
    "GoalProgress",
    "PlanProgress",
    "TableRow",
    "TargetTable",
    "plan_get",
    "plan_list",
    "plan_progress",
    "plan_sees_whole",
    "poverty_counts",
    "project_list",
    "rate",
    "rate_bands",
    "row_figures",
    "target_rows",
    "target_table",
    "target_table_report",
    "target_years",
    "units_banded",
]


# --- targets of a unit, for the dashboards ------------------------------------------------------------


def unit_targets(*, user: User, unit: AdministrativeUnit) -> dict[int, TargetFigures]:
    """The target figures of ``unit`` per year: its own target rows, or, for the unit of a plan (a
    province), the total of the plan's rows the user sees. Where plans overlap, the latest decision wins.
    Two queries."""
    figures: dict[int, TargetFigures] = {}
    own = TargetRow.objects.filter(unit=unit).order_by("plan__decision_date", "plan_id")
    for row in own:
        figures[row.year] = row_figures(row)
    if figures:
        return figures
    ids = visible_unit_ids(user)
    rows = TargetRow.objects.filter(plan__unit=unit).order_by("plan__decision_date", "plan_id", "year")
    if ids is not None:
        rows = rows.filter(unit__any_of=ids)
    by_plan_year: dict[tuple[int, int], list[TargetFigures]] = defaultdict(list)
    for row in rows:
        by_plan_year[(row.plan_id, row.year)].append(row_figures(row))
    for (_plan, year), parts in by_plan_year.items():  # in decision order: a later plan replaces a year
        figures[year] = total(parts)
    return figures


def units_targets(*, units: Sequence[AdministrativeUnit], year: int) -> dict[int, TargetFigures]:
    """The target row of each unit in ``year`` (the latest decision's), by unit id. One query."""
    rows = TargetRow.objects.filter(unit__in=[u.pk for u in units], year=year).order_by(
        "plan__decision_date", "plan_id"
    )
    return {row.unit_id: row_figures(row) for row in rows}
