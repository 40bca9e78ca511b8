"""Reads of unit boundaries (the dashboard's map)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from households.models import AdministrativeUnit, UnitBoundary

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def unit_boundaries(*, user: User, units: Iterable[AdministrativeUnit]) -> dict[int, UnitBoundary]:
    """The loaded boundaries of ``units`` the user may see, by unit id, in one query."""
    wanted = {unit.pk for unit in units}
    visible = visible_unit_ids(user)
    if visible is not None:
        wanted &= visible
    if not wanted:
        return {}
    return {b.unit_id: b for b in UnitBoundary.objects.filter(unit_id__in=wanted)}
