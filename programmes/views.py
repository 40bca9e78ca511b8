"""Pages of plans: list, a plan with its target table, progress, bands and tasks, and the target import.

Thin: selectors read within the user's area, services write, forms validate.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download, to_csv, to_xlsx
from households.models import UnitLevel
from households.selectors import units_visible_to

from .forms import (
    GoalActualForm,
    GoalForm,
    PlanForm,
    TargetImportForm,
    TargetRowFormSet,
    TaskCreateForm,
    TaskForm,
    YearForm,
)
from .imports import target_table_import
from .selectors import (
    plan_get,
    plan_list,
    plan_progress,
    plan_sees_whole,
    target_table,
    target_table_report,
    target_years,
    units_banded,
)
from .services import (
    check_can_edit_plan,
    goal_actual_set,
    goal_create,
    plan_create,
    plan_update,
    target_rows_replace,
    task_create,
    task_update,
    user_may_edit_plans,
)

# The method of ``programmes.progress.project_rate``, as the pages name it.
PROJECTION_METHOD = gettext_lazy("linear least-squares trend of the yearly rates")


@login_required
def plan_list_view(request):
    context = {"plans": plan_list(user=request.user), "may_edit": user_may_edit_plans(request.user)}
    return render(request, "programmes/plan_list.html", context)


@login_required
def plan_detail_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    years = target_years(plan=plan)
    year = _asked_year(request) or (years[0] if years else plan.year_from)
    progress = plan_progress(user=request.user, plan=plan, year=year)
    bands = []
    if plan_sees_whole(user=request.user, plan=plan):
        level = UnitLevel.DISTRICT if plan.unit.level == UnitLevel.PROVINCE else UnitLevel.COMMUNE
        bands = units_banded(user=request.user, parent=plan.unit, year=year, level=level)
    context = {
        "plan": plan,
        "year": year,
        "years": sorted(set(years) | set(plan.years) | set(progress.series)),
        "table": target_table(user=request.user, plan=plan, year=year),
        "progress": progress,
        "progress_rows": list(zip(progress.rows, progress.row_units, strict=True)),
        "bands": bands,
        "tasks": plan.tasks.order_by("order", "pk"),
        "may_edit": user_may_edit_plans(request.user),
        "projection_method": PROJECTION_METHOD,
        "import_form": TargetImportForm(initial={"year": year}),
    }
    return render(request, "programmes/plan_detail.html", context)


def _asked_year(request) -> int | None:
    """``?year=``, None when not given. The page offers the plan's years: one that is not a year no plan can
    cover (1990-2100) comes from an edited address, a 400, not the page of another year under the asked one."""
    form = YearForm(request.GET or None)
    if not form.is_bound:
        return None
    if not form.is_valid():
        raise BadRequest(form.errors.as_text())
    return form.cleaned_data["year"]


def _check_plan_year(year: int) -> None:
    """A year in the address (``<int:year>``) no plan can cover names no target table."""
    if not YearForm({"year": year}).is_valid():
        raise Http404


REPORT_LABELS = {
    "order": gettext_lazy("No."),
    "unit": gettext_lazy("Unit"),
    "households": gettext_lazy("Households"),
    "poor": gettext_lazy("Poor households"),
    "poor_rate": gettext_lazy("Rate, computed (%)"),
    "poor_rate_printed": gettext_lazy("Rate, as printed (%)"),
    "reduction": gettext_lazy("Planned reduction (households)"),
    "reduction_pp": gettext_lazy("Reduction, computed (pp)"),
    "reduction_pp_printed": gettext_lazy("Reduction, as printed (pp)"),
    "total": gettext_lazy("Total (computed from the rows)"),
    "printed_total": gettext_lazy("Total as printed"),
    "difference": gettext_lazy("Printed minus computed"),
}


@login_required
def target_table_export_view(request, pk: int, year: int, fmt: str):
    """The target table of a year as XLSX or CSV, with the printed figures and the differences."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _check_plan_year(year)
    plan = plan_get(user=request.user, pk=pk)
    table = target_table(user=request.user, plan=plan, year=year)
    labels = {key: str(label) for key, label in REPORT_LABELS.items()}
    rows = target_table_report(table, labels)
    name = f"targets-{plan.pk}-{year}.{fmt}"
    if fmt == "xlsx":
        return download(to_xlsx(rows, list(labels.values())[:9], title=str(year)), name, XLSX_CONTENT_TYPE)
    return download(to_csv(rows, list(labels.values())[:9]), name, CSV_CONTENT_TYPE)


@login_required
def target_import_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    if not user_may_edit_plans(request.user):
        raise PermissionDenied(_("Only province officers may change plans."))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = target_table_import(
                user=request.user, plan=plan, year=form.cleaned_data["year"], source=form.cleaned_data["workbook"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(count)s target rows imported.") % {"count": count})
            return redirect(f"{plan.get_absolute_url()}?year={form.cleaned_data['year']}")
    return render(request, "programmes/target_import.html", {"plan": plan, "form": form})


@login_required
def goal_actual_view(request, pk: int, goal_pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    goal = get_object_or_404(plan.goals, pk=goal_pk)
    form = GoalActualForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        goal_actual_set(
            user=request.user, goal=goal, actual=form.cleaned_data["actual"], note=form.cleaned_data["actual_note"]
        )
        messages.success(request, _("Actual saved."))
        return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": goal.description})


@login_required
def task_edit_view(request, pk: int, task_pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    task = get_object_or_404(plan.tasks, pk=task_pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        task_update(user=request.user, task=task, **form.cleaned_data)
        messages.success(request, _("Task saved."))
        return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": task.title})


def _require_planner(request) -> None:
    if not user_may_edit_plans(request.user):
        raise PermissionDenied(_("Only province officers may change plans."))


@login_required
def plan_create_view(request):
    _require_planner(request)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(request, "programmes/simple_form.html", {"form": form, "title": _("New plan")})


@login_required
def plan_edit_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_update(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": plan.title})


@login_required
def target_rows_edit_view(request, pk: int, year: int):
    """Enter or correct the target table of a year, row by row (the rows replace the year's table)."""
    _check_plan_year(year)
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    check_can_edit_plan(request.user, plan.unit)
    table = target_table(user=request.user, plan=plan, year=year)
    initial = [
        {
            "unit": r.row.unit,
            "households": r.row.households,
            "poor_households": r.row.poor_households,
            "poor_rate_printed": r.row.poor_rate_printed,
            "reduction_households": r.row.reduction_households,
            "reduction_pp_printed": r.row.reduction_pp_printed,
            "near_poor_households": r.row.near_poor_households,
            "near_poor_reduction_households": r.row.near_poor_reduction_households,
        }
        for r in table.rows
    ]
    units = units_visible_to(request.user).filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]).order_by("name")
    formset = TargetRowFormSet(request.POST or None, initial=initial, units=units, prefix="rows")
    if request.method == "POST" and formset.is_valid():
        rows = [{k: v for k, v in row.items() if k != "DELETE"} for row in formset.rows()]
        try:
            target_rows_replace(user=request.user, plan=plan, year=year, rows=rows)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("Target table saved."))
            return redirect(f"{plan.get_absolute_url()}?year={year}")
    return render(request, "programmes/target_rows_form.html", {"plan": plan, "year": year, "formset": formset})


@login_required
def goal_create_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_create(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal saved."))
            return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": _("New goal")})


@login_required
def task_create_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _require_planner(request)
    form = TaskCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_create(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": _("New task")})
