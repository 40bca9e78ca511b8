"""Reads of the resident counts: the communes of the user's area in force in a year, with their counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from households.models import ResidentCount, UnitLevel
from households.selectors.rollup import year_end
from households.selectors.units import units_visible_to

if TYPE_CHECKING:
    from accounts.models import User
    from households.models import AdministrativeUnit


@dataclass(frozen=True)
class CommuneResidents:
    commune: AdministrativeUnit
    count: ResidentCount | None


def resident_counts(*, user: User, year: int) -> list[CommuneResidents]:
    """Each commune of the user's area in force at the end of ``year``, with its resident count (or None).

    Two queries: the communes (with their parent, shown beside the name) and the counts.
    """
    communes = list(
        units_visible_to(user, on=year_end(year))
        .filter(level=UnitLevel.COMMUNE)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    counts = {c.commune_id: c for c in ResidentCount.objects.filter(year=year, commune__in=communes)}
    return [CommuneResidents(commune, counts.get(commune.pk)) for commune in communes]
