"""The carry-over of a province's registry across the 2025 reform (the dry run is ``carry_over_plan``).

Each village of an old commune is made again under the old commune's successor, in force from 1 July 2025
and linked to the old one; its households follow it, one history entry each naming the decision. Household
codes stay; reviews keep the units they were made on; draft reviews on old communes are reported by the
plan and left where they are. All or nothing, and idempotent: a second run finds nothing left to move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.audit import audit_record
from accounts.models import AuditAction
from households import scope_cache
from households.access import check_can_edit_unit
from households.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    CarryOver,
    UnitLevel,
    UnitSuccession,
    VillageAssignment,
)
from households.selectors import CarryOverPlan, carry_over_plan

from .villages import households_follow

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class CarryOverResult:
    plan: CarryOverPlan
    villages_created: int
    households_moved: int
    record: CarryOver | None


@transaction.atomic
def village_assign(*, user: User, village: AdministrativeUnit, successor: AdministrativeUnit) -> VillageAssignment:
    """Choose which new commune a village of a split commune goes to (before the carry-over moves it)."""
    if village.level != UnitLevel.VILLAGE or not village.is_valid_on(LAST_LEGACY_DAY):
        raise ValidationError({"village": _("Choose a village of an old commune.")})
    check_can_edit_unit(user, village)
    check_can_edit_unit(user, successor)
    allowed = UnitSuccession.objects.filter(predecessor_id=village.parent_id, successor=successor)
    if not allowed.exists():
        raise ValidationError(
            {
                "successor": _("%(commune)s is not one of the communes %(old)s became part of.")
                % {"commune": successor.name, "old": village.parent.name}
            }
        )
    if UnitSuccession.objects.filter(predecessor=village, effective_on=REFORM_DATE).exists():
        raise ValidationError({"village": _("%(village)s has been carried over already.") % {"village": village.name}})
    assignment, _created = VillageAssignment.objects.update_or_create(
        village=village, defaults={"successor": successor, "assigned_by": user}
    )
    return assignment


@transaction.atomic
def carry_over_commit(*, user: User, code: str, decision: str) -> CarryOverResult:
    """Carry over the province(s) with ``code``: what ``carry_over_plan`` lists, in one transaction."""
    if not decision.strip():
        raise ValidationError({"decision": _("Name the decision the carry-over rests on.")})
    if not user.can_edit:
        raise ValidationError({"province": _("Your role may not change data.")})
    plan = carry_over_plan(user=user, code=code)
    for province in plan.provinces:
        check_can_edit_unit(user, province)
    if plan.is_empty:
        return CarryOverResult(plan, 0, 0, None)
    new_villages = {
        move.village.pk: AdministrativeUnit(
            code=move.village.code,
            name=move.village.name,
            short_name=move.village.short_name,
            level=UnitLevel.VILLAGE,
            unit_type=move.village.unit_type,
            parent=move.successor,
            valid_from=REFORM_DATE,
            valid_to=move.successor.valid_to,
            is_urban=move.successor.is_urban,
        )
        for move in plan.moves
        if move.carried_to_id is None and move.same_name_id is None
    }
    bulk_create_with_history(list(new_villages.values()), AdministrativeUnit, default_user=user, batch_size=2_000)
    targets = {move.village.pk: move.carried_to_id or move.same_name_id for move in plan.moves}
    targets.update({old: new.pk for old, new in new_villages.items()})
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(
                predecessor_id=move.village.pk, successor_id=targets[move.village.pk], effective_on=REFORM_DATE
            )
            for move in plan.moves
            if move.carried_to_id is None
        ],
        batch_size=2_000,
    )
    record = CarryOver.objects.create(province=plan.provinces[-1], decision=decision.strip(), committed_by=user)
    moved = households_follow(
        moves={
            move.village.pk: (targets[move.village.pk], move.successor.pk) for move in plan.moves if move.households
        },
        user=user,
        reason=_("Carry-over %(id)s: %(decision)s") % {"id": record.pk, "decision": decision.strip()},
    )
    record.villages_created, record.households_moved = len(new_villages), moved
    record.save(update_fields=["villages_created", "households_moved"])
    audit_record(
        action=AuditAction.CARRY_OVER,
        user=user,
        province=code,
        decision=record.decision,
        villages_created=len(new_villages),
        households_moved=moved,
    )
    scope_cache.bump()
    return CarryOverResult(plan, len(new_villages), moved, record)
