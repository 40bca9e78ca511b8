"""Permission checks that go with the area scope: may this user change this unit's data?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

from .errors import LEGACY_ONLY, OUT_OF_SCOPE, READ_ONLY_ROLE, ScopeError
from .models import AdministrativeUnit
from .selectors import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def check_can_edit_unit(user: User, unit: AdministrativeUnit) -> None:
    """Raise ``ScopeError`` unless the user may change data of ``unit``."""
    if not user.can_edit:
        raise ScopeError(READ_ONLY_ROLE)
    ids = visible_unit_ids(user)
    if ids is not None and unit.pk not in ids:
        raise ScopeError(OUT_OF_SCOPE)
    if ids is not None and unit.valid_to is None and not _has_current_unit(user):
        raise ScopeError(LEGACY_ONLY)


def _has_current_unit(user: User) -> bool:
    # Whose assigned units all ended with the 2025 reform (a district, an old commune) reads the new
    # communes their units became part of, but the new communes' data is their own officers' to change.
    # Asked once per user object (per request), like the scope.
    cached = getattr(user, "_has_current_unit", None)
    if cached is None:
        cached = user._has_current_unit = user.units.filter(valid_to__isnull=True).exists()
    return cached


def may_carry_over(user: User) -> bool:
    """Carrying a registry over the 2025 reform is the province's decision (domain.md §7)."""
    return user.is_superuser or (user.can_edit and user.role == Role.PROVINCE_OFFICER)
