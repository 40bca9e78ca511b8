"""Writes to user accounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from .models import Role, User

if TYPE_CHECKING:
    from households.models import AdministrativeUnit


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str = Role.VIEWER,
    units: Iterable[AdministrativeUnit] = (),
    full_name: str = "",
    is_superuser: bool = False,
) -> User:
    first, _, last = full_name.rpartition(" ") if " " in full_name else ("", "", full_name)
    user = User(username=username, role=role, first_name=first, last_name=last, is_superuser=is_superuser)
    user.is_staff = is_superuser
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.units.set(units)
    return user
