"""Which communes belong to one of the groups the national tables count apart (``UnitGroup``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from households.models import AdministrativeUnit, UnitGroup, UnitSuccession


def communes_in_group(group: str, communes: Collection[int]) -> set[int]:
    """Of ``communes``, those in ``group``: marked themselves or through their district (a poor district's
    communes, Decision 353/QĐ-TTg 2022); a commune of the 2025 tree also when every old commune it was made of
    is in the group, so that the groups of the old tree's decisions carry over the reform. Three queries."""
    if not communes:
        return set()
    marked = set(UnitGroup.objects.filter(group=group).values_list("unit_id", flat=True))
    if not marked:
        return set()
    parents = dict(AdministrativeUnit.objects.filter(pk__in=communes).values_list("pk", "parent_id"))
    inside = {pk for pk, parent in parents.items() if pk in marked or parent in marked}
    pieces: dict[int, list[bool]] = defaultdict(list)
    links = UnitSuccession.objects.filter(successor__in=set(parents) - inside).values_list(
        "successor_id", "predecessor_id", "predecessor__parent_id"
    )
    for successor, predecessor, district in links:
        pieces[successor].append(predecessor in marked or district in marked)
    return inside | {successor for successor, marks in pieces.items() if all(marks)}
