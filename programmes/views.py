"""Pages of plans: list, a plan with its target table, progress, bands and tasks, and the target import.

Thin: selectors read within the user's area, services write, forms validate.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import UnitLevel

from .forms import GoalActualForm, TargetImportForm, TaskForm, YearForm
from .imports import target_table_import
from .plan_selectors import (
    plan_get,
    plan_list,
    plan_progress,
    plan_sees_whole,
    target_table,
    target_years,
    units_banded,
)
from .plan_services import goal_actual_set, task_update, user_may_edit_plans

# The method of ``programmes.progress.project_rate``, as the pages name it.
PROJECTION_METHOD = gettext_lazy("linear least-squares trend of the yearly rates")


@login_required
def plan_list_view(request):
    return render(request, "programmes/plan_list.html", {"plans": plan_list(user=request.user)})


@login_required
def plan_detail_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    years = target_years(plan=plan)
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data["year"] else None
    year = year or (years[0] if years else plan.year_from)
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
    task = get_object_or_404(plan.tasks, pk=task_pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        task_update(user=request.user, task=task, **form.cleaned_data)
        messages.success(request, _("Task saved."))
        return redirect(plan)
    return render(request, "programmes/simple_form.html", {"plan": plan, "form": form, "title": task.title})
