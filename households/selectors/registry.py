"""Reads of households and members, always within the user's area."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.counters import count_today
from common.lookups import value_parts
from households.filters import HouseholdFilter
from households.models import Household, Member

from .units import units_visible_to, visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def households_visible_to(user: User) -> QuerySet[Household]:
    ids = visible_unit_ids(user)
    households = Household.objects.all()
    return households if ids is None else households.filter(village_id__any_of=list(ids))


def household_list(*, user: User, filters: dict | None = None) -> HouseholdFilter:
    """Households the user may see, filtered (name, ID, code, unit, groups); ``.qs`` holds the rows."""
    households = households_visible_to(user)
    return HouseholdFilter(filters or None, queryset=households.order_by("code"), units=units_visible_to(user))


def household_get(*, user: User, pk: int) -> Household:
    """One household of the user's area with its members, or 404."""
    members = Prefetch("members", queryset=Member.objects.select_related("ethnicity").order_by("pk"))
    queryset = households_visible_to(user).select_related("village", "commune", "head_ethnicity")
    return get_object_or_404(queryset.prefetch_related(members), pk=pk)


def cccd_conflicts(*, user: User, numbers: Iterable[str], exclude_household_id: int | None = None) -> dict[str, str]:
    """Citizen IDs already registered to a member of another household, with a message for each
    (``cccd_owners``' messages)."""
    return {
        number: message
        for number, (_code, message) in cccd_owners(
            user=user, numbers=numbers, exclude_household_id=exclude_household_id
        ).items()
    }


def cccd_owners(
    *, user: User, numbers: Iterable[str], exclude_household_id: int | None = None
) -> dict[str, tuple[str, str]]:
    """For many citizen IDs at once: the code of the household each is registered to, and a message for the
    user. Within the user's area the message names the person and the household. Outside it, it says only
    that the ID is registered in another commune, so that a duplicate is caught without telling where a
    person lives; and each such answer counts against the user's daily allowance
    (``CCCD_FOREIGN_LOOKUPS_PER_DAY``), past which the ID is refused without saying whether it is
    registered. One query on PostgreSQL (``any_of``), one per 5,000 numbers elsewhere."""
    numbers = sorted({n for n in numbers if n})
    ids = visible_unit_ids(user)
    owners: dict[str, tuple[str, str]] = {}
    foreign: list[tuple[str, str]] = []
    for part in value_parts(numbers):
        rows = Member.objects.filter(national_id__any_of=part)
        if exclude_household_id is not None:
            rows = rows.exclude(household_id=exclude_household_id)
        for number, name, code, village_id in rows.values_list(
            "national_id", "full_name", "household__code", "household__village_id"
        ):
            if ids is None or village_id in ids:
                message = _("Citizen ID %(number)s already belongs to %(name)s of household %(code)s.") % {
                    "number": number,
                    "name": name,
                    "code": code,
                }
                owners[number] = (code, message)
            else:
                foreign.append((number, code))
    allowed = foreign_lookups_allowed(user, len(foreign))
    for index, (number, code) in enumerate(foreign):
        if index < allowed:
            message = _("Citizen ID %(number)s is already registered in another commune.") % {"number": number}
        else:
            message = _(
                "Citizen ID %(number)s cannot be checked today: too many IDs registered elsewhere were looked "
                "up. Ask the province to check it."
            ) % {"number": number}
        owners[number] = (code, message)
    return owners


def foreign_lookups_allowed(user: User, wanted: int) -> int:
    """How many of ``wanted`` answers about IDs registered outside the user's area the user may still have
    today; counted atomically (``accounts.counters``), so that forms and imports sent at once cannot pass the
    allowance together, on any worker."""
    if not wanted:
        return 0
    used = count_today(f"cccd-foreign:{user.pk}", amount=wanted)
    return max(0, min(wanted, settings.CCCD_FOREIGN_LOOKUPS_PER_DAY - (used.count - wanted)))
