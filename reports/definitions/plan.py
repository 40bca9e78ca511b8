"""The provincial plan (the layout of seed 002, Bắc Kạn decision 397/QĐ-UBND) and its progress report.

Both are built from the programmes selectors, scoped to the user, and rendered by the same three renderers
as every report. Totals come from the rows; where the decision printed a different figure, the printed
total and the difference are rows of their own, and the notes say so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.documents import place_name
from programmes.models import Plan
from programmes.progress import total
from programmes.selectors import plan_progress, row_figures, target_rows, target_table, target_years
from programmes.templatetags.plans import CHECK_LABELS, VERDICT_LABELS
from reports.charts import LineChart, Series
from reports.tables import Column, Report, Table, format_value, signature_titles

if TYPE_CHECKING:
    from accounts.models import User


def _check_kind(name: str) -> str:
    """A printed-against-computed check of a count is a count; the others are rates or percentage points."""
    return "rate" if "rate" in name or name.endswith("_pp") else "int"


def _target_columns() -> list[Column]:
    start = _("At the start of the year")
    plan = _("Planned reduction")
    return [
        Column("order", _("No."), "text"),
        Column("unit", _("Unit"), "text"),
        Column("households", _("Households"), group=start),
        Column("poor", _("Poor households"), group=start),
        Column("poor_rate", _("Rate (%)"), "rate", group=start, rate_of=("poor", "households")),
        Column("reduction", _("Households"), group=plan),
        Column("reduction_pp", _("Percentage points"), "rate", group=plan, rate_of=("reduction", "households")),
    ]


def _target_table(*, user: User, plan: Plan, year: int) -> Table:
    table = target_table(user=user, plan=plan, year=year)
    rows = [
        {
            "order": row.row.order or "",
            "unit": row.row.unit.name,
            "households": row.figures.households,
            "poor": row.figures.poor,
            "poor_rate": row.figures.poor_rate,
            "reduction": row.figures.reduction,
            "reduction_pp": row.figures.reduction_pp,
        }
        for row in table.rows
    ]
    notes = []
    for row in table.rows:
        for check in row.checks:
            if check.differs:
                notes.append(
                    _("%(unit)s: %(figure)s printed %(printed)s, computed %(computed)s.")
                    % {
                        "unit": row.row.unit.name,
                        "figure": CHECK_LABELS.get(check.name, check.name),
                        "printed": format_value(check.printed, _check_kind(check.name)),
                        "computed": format_value(check.computed, _check_kind(check.name)),
                    }
                )
    for check in table.total_checks:
        if check.differs:
            kind = _check_kind(check.name)
            notes.append(
                _(
                    "Total, %(figure)s: printed %(printed)s, computed from the rows %(computed)s "
                    "(difference %(difference)s)."
                )
                % {
                    "figure": CHECK_LABELS.get(check.name, check.name),
                    "printed": format_value(check.printed, kind),
                    "computed": format_value(check.computed, kind),
                    "difference": format_value(check.difference, kind),
                }
            )
    title = _("Poverty reduction targets, %(year)s") % {"year": year}
    return Table(
        title, _target_columns(), rows, total_label=_("Total (computed from the rows)"), notes=notes, wide=True
    )


def _goals(plan: Plan) -> Table:
    rows = []
    for goal in plan.goals.order_by("order", "pk"):
        unit = goal.unit_of_measure
        target = format_value(goal.target_low, "number", unit="" if goal.target_high is not None else unit)
        if goal.target_high is not None:
            target = f"{target} – {format_value(goal.target_high, 'number', unit=unit)}"
        # The wording decides the verdict ("dưới 15" is not reached at 15): print it with the figure and its unit.
        rows.append({"goal": goal.description, "target": f"{goal.get_direction_display()} {target}", "year": goal.year})
    columns = [
        Column("goal", _("Goal"), "text"),
        Column("target", _("Target"), "text"),
        Column("year", _("Year"), "text"),
    ]
    return Table(_("Goals"), columns, rows)


def _tasks(plan: Plan) -> Table:
    rows = [
        {
            "order": task.order or "",
            "task": task.title,
            "lead": task.lead_agency,
            "partners": task.partner_agencies,
            "approver": task.approving_body,
            "deadline": task.deadline_text or (date_format(task.deadline, "d/m/Y") if task.deadline else ""),
            "status": task.get_status_display(),
        }
        for task in plan.tasks.order_by("order", "pk")
    ]
    columns = [
        Column("order", _("No."), "text"),
        Column("task", _("Task"), "text"),
        Column("lead", _("Lead agency"), "text"),
        Column("partners", _("Partner agencies"), "text"),
        Column("approver", _("Approving body"), "text"),
        Column("deadline", _("Deadline"), "text"),
        Column("status", _("Status"), "text"),
    ]
    return Table(_("Task assignment"), columns, rows, wide=True)


def _heading(plan: Plan) -> list[str]:
    return [plan.issuing_body.upper(), _("No. %(number)s") % {"number": plan.decision_number}]


def plan_report(*, user: User, plan: Plan) -> Report:
    tables = [_goals(plan)]
    tables += [_target_table(user=user, plan=plan, year=year) for year in target_years(plan=plan)]
    tables.append(_tasks(plan))
    return Report(
        title=plan.title,
        subtitle=_("Decision %(number)s of %(date)s")
        % {"number": plan.decision_number, "date": date_format(plan.decision_date, "d/m/Y")},
        heading=_heading(plan),
        tables=tables,
        signature=signature_titles(),
        signer=plan.signer,
        place=place_name(plan.unit.name),
        dated=plan.decision_date,
        filename=f"ke-hoach-{plan.pk}",
    )


def _rate_chart(*, user: User, plan: Plan, progress) -> LineChart:
    """The poverty rate of the plan's unit year by year against the rate each year's targets aim at (the
    households still poor after the planned reduction, over the households, summed over the visible rows)."""
    by_year: dict[int, list] = defaultdict(list)
    for row in target_rows(user=user, plan=plan):
        by_year[row.year].append(row_figures(row))
    targets = {year: total(figures).target_rate for year, figures in by_year.items()}
    actual = {year: counts.poor_rate for year, counts in progress.series.items()}
    return LineChart(
        _("Poverty rate: actual and target (%)"),
        (Series(_("Actual (approved reviews)"), actual), Series(_("Target (end of year)"), targets, dashed=True)),
    )


def progress_report(*, user: User, plan: Plan, year: int) -> Report:
    progress = plan_progress(user=user, plan=plan, year=year)
    rows = []
    for unit, row in zip(progress.row_units, progress.rows, strict=True):
        rows.append(
            {
                "unit": unit.name,
                "target": row.target.reduction,
                "actual": row.reduction_households,
                "gap": row.households.gap,
                "verdict": str(VERDICT_LABELS.get(str(row.households.verdict), "")),
                "target_pp": row.target.reduction_pp,
                "actual_pp": row.reduction_pp,
            }
        )
    units = Table(
        _("Reduction of poor households, %(year)s") % {"year": year},
        [
            Column("unit", _("Unit"), "text"),
            Column("target", _("Target"), group=_("Households")),
            Column("actual", _("Actual"), group=_("Households")),
            Column("gap", _("Gap"), group=_("Households")),
            Column("target_pp", _("Target"), "rate", group=_("Percentage points")),
            Column("actual_pp", _("Actual"), "rate", group=_("Percentage points")),
            Column("verdict", _("Verdict"), "text"),
        ],
        rows,
        wide=True,
    )
    goals = Table(
        _("Goals"),
        [
            Column("goal", _("Goal"), "text"),
            Column("comparison", _("Comparison"), "text"),
            Column("target", _("Target"), "number", unit_key="measure"),
            Column("actual", _("Actual"), "number", unit_key="measure"),
            Column("verdict", _("Verdict"), "text"),
        ],
        [
            {
                "goal": g.goal.description,
                "comparison": g.goal.get_direction_display(),
                "target": g.goal.target_low,
                "actual": g.actual,
                "measure": g.goal.unit_of_measure,
                "verdict": str(VERDICT_LABELS.get(str(g.judgement.verdict), "")),
            }
            for g in progress.goals
        ],
    )
    notes = []
    if progress.projection and progress.projection.rate is not None:
        notes.append(
            _("Projected poverty rate in %(year)s: %(rate)s%% (straight line through the rates of %(first)s–%(last)s).")
            % {
                "year": progress.projection.year,
                "rate": format_value(progress.projection.rate, "rate"),
                "first": progress.projection.points[0][0],
                "last": progress.projection.points[-1][0],
            }
        )
    return Report(
        charts=[_rate_chart(user=user, plan=plan, progress=progress)],
        title=_("Progress against the plan, %(year)s") % {"year": year},
        subtitle=f"{plan.title} ({plan.decision_number})",
        heading=_heading(plan),
        tables=[units, goals],
        notes=notes,
        signature=signature_titles(),
        place=place_name(plan.unit.name),
        filename=f"tien-do-{plan.pk}-{year}",
    )
