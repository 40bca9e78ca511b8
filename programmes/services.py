"""Writes to plans. Only province officers and superusers change plans (domain.md §7: the province sets them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from households.selectors import visible_unit_ids

from .models import Plan, PlanGoal, PlanTask, PrintedTotal, TargetRow

if TYPE_CHECKING:
    from accounts.models import User

NOT_A_PLANNER = _("Only province officers may change plans.")
OUTSIDE_AREA = _("This plan's unit is outside your area.")


def user_may_edit_plans(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.PROVINCE_OFFICER)


def check_can_edit_plan(user: User, unit) -> None:
    if not user_may_edit_plans(user):
        raise PermissionDenied(NOT_A_PLANNER)
    ids = visible_unit_ids(user)
    if ids is not None and unit.pk not in ids:
        raise PermissionDenied(OUTSIDE_AREA)


@transaction.atomic
def plan_create(*, user: User | None, **values: Any) -> Plan:
    """Create a plan (decision, period, unit). ``user`` None: a loader run by an administrator."""
    plan = Plan(**values, created_by=user)
    if user is not None:
        check_can_edit_plan(user, plan.unit)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, user: User, plan: Plan, **changes: Any) -> Plan:
    """Change a plan's decision, period or unit. The user must be able to edit the plan's unit as stored, and
    the unit it moves to: a bound ModelForm has already written its values into ``plan`` before this runs."""
    stored = Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    check_can_edit_plan(user, stored.unit)
    if "unit" in changes:
        check_can_edit_plan(user, changes["unit"])
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def target_rows_replace(
    *,
    user: User | None,
    plan: Plan,
    year: int,
    rows: Iterable[Mapping[str, Any]],
    printed_total: Mapping[str, Any] | None = None,
) -> list[TargetRow]:
    """Replace the target table of ``year`` with ``rows`` (dicts of ``TargetRow`` fields, with ``unit``).

    Each row is validated (``full_clean``); errors name the row. The printed total row, if given, is
    kept as printed and never used in computing.
    """
    if user is not None:
        check_can_edit_plan(user, plan.unit)
    TargetRow.objects.filter(plan=plan, year=year).delete()
    created = []
    errors = []
    for number, values in enumerate(rows, start=1):
        row = TargetRow(plan=plan, year=year, **{"order": number, **values})
        try:
            row.full_clean(validate_constraints=True)
        except ValidationError as error:
            message = "; ".join(error.messages)
            errors.append(ValidationError(_("Row %(row)s: %(error)s"), params={"row": number, "error": message}))
            continue
        created.append(row)
    if errors:
        raise ValidationError(errors)
    TargetRow.objects.bulk_create(created)
    PrintedTotal.objects.filter(plan=plan, year=year).delete()
    if printed_total:
        total = PrintedTotal(plan=plan, year=year, **printed_total)
        total.full_clean()
        total.save()
    return created


@transaction.atomic
def goal_create(*, user: User | None, plan: Plan, units=(), **values: Any) -> PlanGoal:
    if user is not None:
        check_can_edit_plan(user, plan.unit)
    goal = PlanGoal(plan=plan, **values)
    goal.full_clean()
    goal.save()
    if units:
        goal.units.set(units)
    return goal


@transaction.atomic
def goal_actual_set(*, user: User, goal: PlanGoal, actual, note: str = "") -> PlanGoal:
    """Enter the actual of a goal measured outside the reviews (jobs, trainees, coverage …)."""
    check_can_edit_plan(user, goal.plan.unit)
    goal.actual = actual
    goal.actual_note = note
    goal.full_clean()
    goal.save(update_fields=["actual", "actual_note"])
    return goal


@transaction.atomic
def task_create(*, user: User | None, plan: Plan, **values: Any) -> PlanTask:
    if user is not None:
        check_can_edit_plan(user, plan.unit)
    task = PlanTask(plan=plan, **values)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_update(*, user: User, task: PlanTask, **changes: Any) -> PlanTask:
    """Change a task's status, deadline or progress notes."""
    check_can_edit_plan(user, task.plan.unit)
    for name, value in changes.items():
        setattr(task, name, value)
    task.full_clean()
    task.save()
    return task
