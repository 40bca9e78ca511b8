"""The dry run of the carry-over of a province's registry across the 2025 reform: what would move where.

The reform merged whole communes (Resolution 202/2025/QH15 and the commune mergers of the Standing
Committee under it), so a village moves with its old commune to that commune's successor; the villages
of a split commune went to different successors and are assigned one by one by the province
(``VillageAssignment``); nothing is guessed. Households follow their village (domain.md §1).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from households.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    Household,
    HouseholdReview,
    ReviewState,
    UnitLevel,
    UnitSuccession,
    VillageAssignment,
)

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class VillageMove:
    """One village of an old commune: where it goes, and how many households go with it."""

    village: AdministrativeUnit
    old_commune: AdministrativeUnit
    successor: AdministrativeUnit | None
    households: int
    # The village already made under the successor by an earlier run (its households may be left to move).
    carried_to_id: int | None = None
    # The new communes a split commune's village may go to.
    choices: list[AdministrativeUnit] = field(default_factory=list)
    # A village of that name the new commune already has (made by hand before the carry-over): it is
    # taken as the carried village rather than made twice.
    same_name_id: int | None = None


@dataclass
class SuccessorTotal:
    commune: AdministrativeUnit
    villages: int = 0
    households: int = 0


@dataclass
class DraftRound:
    """Reviews not yet approved in a round on an old commune: reported, never moved or lost."""

    round_id: int
    commune_name: str
    year: int
    reviews: int


@dataclass
class CarryOverPlan:
    provinces: list[AdministrativeUnit]
    moves: list[VillageMove]
    unassigned: list[VillageMove]
    drafts: list[DraftRound]
    done: int  # villages carried by an earlier run with nothing left to move

    @property
    def households(self) -> int:
        return sum(m.households for m in self.moves)

    @property
    def villages_to_create(self) -> int:
        return sum(1 for m in self.moves if m.carried_to_id is None and m.same_name_id is None)

    @property
    def by_successor(self) -> list[SuccessorTotal]:
        totals: dict[int, SuccessorTotal] = {}
        for move in self.moves:
            total = totals.setdefault(move.successor.pk, SuccessorTotal(move.successor))
            total.villages += 1
            total.households += move.households
        return sorted(totals.values(), key=lambda t: t.commune.name)

    @property
    def is_empty(self) -> bool:
        return not self.moves


def reform_provinces(*, user: User, code: str) -> list[AdministrativeUnit]:
    """The provinces with this code on either side of the reform that the user may see.

    A merged province often kept a predecessor's code (Thái Nguyên 19), so one code names both.
    """
    provinces = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=code).order_by("valid_from"))
    ids = visible_unit_ids(user)
    visible = [p for p in provinces if ids is None or p.pk in ids]
    if not visible:
        raise ValidationError({"province": _("No province with the code %(code)s in your area.") % {"code": code}})
    return visible


def _old_communes(provinces: list[AdministrativeUnit], ids: set[int] | None) -> list[AdministrativeUnit]:
    legacy = [p for p in provinces if p.valid_to is not None]
    current = [p for p in provinces if p.valid_to is None]
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to=LAST_LEGACY_DAY)
    found = {c.pk: c for c in communes.filter(parent__parent__in=legacy)}
    # The old communes that went (wholly or in part) into the new province's communes.
    found.update({c.pk: c for c in communes.filter(successions__successor__parent__in=current)})
    return [c for c in found.values() if ids is None or c.pk in ids]


def _match_same_names(moves: list[VillageMove]) -> None:
    existing = AdministrativeUnit.objects.filter(
        level=UnitLevel.VILLAGE, parent__in={m.successor.pk for m in moves}, valid_to__isnull=True
    ).exclude(predecessions__effective_on=REFORM_DATE)
    by_name = {(parent, name.casefold()): pk for pk, parent, name in existing.values_list("pk", "parent_id", "name")}
    for move in moves:
        move.same_name_id = by_name.get((move.successor.pk, move.village.name.casefold()))


def carry_over_plan(*, user: User, code: str) -> CarryOverPlan:
    """What the carry-over of the province(s) with ``code`` would do; writes nothing. Ten queries."""
    provinces = reform_provinces(user=user, code=code)
    ids = visible_unit_ids(user)
    old_communes = {c.pk: c for c in _old_communes(provinces, ids)}
    successors: dict[int, list[tuple[AdministrativeUnit, bool]]] = defaultdict(list)
    for link in UnitSuccession.objects.filter(
        predecessor__in=list(old_communes), successor__level=UnitLevel.COMMUNE
    ).select_related("successor"):
        successors[link.predecessor_id].append((link.successor, link.is_split))
    villages = list(
        AdministrativeUnit.objects.valid_on(LAST_LEGACY_DAY)
        .filter(level=UnitLevel.VILLAGE, parent__in=list(old_communes))
        .order_by("parent__name", "name")
    )
    village_ids = [v.pk for v in villages]
    households = dict(Household.objects.filter(village__in=village_ids).values_list("village").annotate(n=Count("pk")))
    carried = dict(
        UnitSuccession.objects.filter(
            predecessor__in=village_ids, successor__level=UnitLevel.VILLAGE, effective_on=REFORM_DATE
        ).values_list("predecessor_id", "successor_id")
    )
    carried_units = {
        u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=set(carried.values())).select_related("parent")
    }
    assigned = {
        a.village_id: a.successor
        for a in VillageAssignment.objects.filter(village__in=village_ids).select_related("successor")
    }
    moves, unassigned, done = [], [], 0
    for village in villages:
        links = successors.get(village.parent_id, [])
        count = households.get(village.pk, 0)
        if village.pk in carried:
            if count:
                target = carried_units[carried[village.pk]].parent
                moves.append(VillageMove(village, old_communes[village.parent_id], target, count, carried[village.pk]))
            else:
                done += 1
            continue
        if len(links) == 1 and not links[0][1]:
            target = links[0][0]
        elif village.pk in assigned:
            target = assigned[village.pk]
        else:
            choices = sorted((s for s, _split in links), key=lambda s: s.name)
            unassigned.append(VillageMove(village, old_communes[village.parent_id], None, count, choices=choices))
            continue
        moves.append(VillageMove(village, old_communes[village.parent_id], target, count))
    _match_same_names([m for m in moves if m.carried_to_id is None])
    drafts = [
        DraftRound(round_id, name, year, n)
        for round_id, name, year, n in HouseholdReview.objects.filter(round__commune__in=list(old_communes))
        .exclude(state=ReviewState.APPROVED)
        .values_list("round_id", "round__commune__name", "round__year")
        .annotate(n=Count("pk"))
        .order_by("round__commune__name", "round__year")
    ]
    return CarryOverPlan(provinces, moves, unassigned, drafts, done)
