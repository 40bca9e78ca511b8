"""Permission checks that go with the area scope: may this user change this unit's data?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

from .errors import OUT_OF_SCOPE, READ_ONLY_ROLE, ScopeError
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


def may_carry_over(user: User) -> bool:
    """Carrying a registry over the 2025 reform is the province's decision (domain.md §7)."""
    return user.is_superuser or (user.can_edit and user.role == Role.PROVINCE_OFFICER)
