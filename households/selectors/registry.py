"""Reads of households and members, always within the user's area."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from households.filters import HouseholdFilter
from households.models import Household, Member
from povertyplan.lookups import value_parts

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def households_visible_to(user: User) -> QuerySet[Household]:
    ids = visible_unit_ids(user)
    households = Household.objects.all()
    return households if ids is None else households.filter(village__in=ids)


def household_list(*, user: User, filters: dict | None = None) -> HouseholdFilter:
    """Households the user may see, filtered (name, ID, code, unit, groups); ``.qs`` holds the rows."""
    households = households_visible_to(user)
    return HouseholdFilter(filters or None, queryset=households.order_by("code"))


def household_get(*, user: User, pk: int) -> Household:
    """One household of the user's area with its members, or 404."""
    members = Prefetch("members", queryset=Member.objects.select_related("ethnicity").order_by("pk"))
    queryset = households_visible_to(user).select_related("village", "commune", "head_ethnicity")
    return get_object_or_404(queryset.prefetch_related(members), pk=pk)


def cccd_conflicts(*, user: User, numbers: Iterable[str], exclude_household_id: int | None = None) -> dict[str, str]:
    """Citizen IDs already registered to a member of another household, with a message for each.

    The message names the other household when the user may see it, and only its commune otherwise, so
    that a duplicate is caught without showing a household outside the user's area.
    """
    numbers = [n for n in numbers if n]
    if not numbers:
        return {}
    taken = Member.objects.filter(national_id__in=numbers).select_related("household__commune")
    if exclude_household_id is not None:
        taken = taken.exclude(household_id=exclude_household_id)
    ids = visible_unit_ids(user)
    messages = {}
    for member in taken:
        household = member.household
        if ids is None or household.village_id in ids:
            messages[member.national_id] = _(
                "Citizen ID %(number)s already belongs to %(name)s of household %(code)s."
            ) % {"number": member.national_id, "name": member.full_name, "code": household.code}
        else:
            messages[member.national_id] = _(
                "Citizen ID %(number)s is already registered to a person in %(commune)s."
            ) % {"number": member.national_id, "commune": household.commune.name}
    return messages


def cccd_owners(*, user: User, numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
    """For many citizen IDs at once (imports): the code of the household each is registered to, and the
    same message as ``cccd_conflicts`` (naming the household only within the user's area). One query on
    PostgreSQL (``any_of``), one per 5,000 numbers elsewhere."""
    numbers = sorted({n for n in numbers if n})
    ids = visible_unit_ids(user)
    owners: dict[str, tuple[str, str]] = {}
    for part in value_parts(numbers):
        rows = Member.objects.filter(national_id__any_of=part).values_list(
            "national_id", "full_name", "household__code", "household__village_id", "household__commune__name"
        )
        for number, name, code, village_id, commune_name in rows:
            if ids is None or village_id in ids:
                message = _("Citizen ID %(number)s already belongs to %(name)s of household %(code)s.") % {
                    "number": number,
                    "name": name,
                    "code": code,
                }
            else:
                message = _("Citizen ID %(number)s is already registered to a person in %(commune)s.") % {
                    "number": number,
                    "commune": commune_name,
                }
            owners[number] = (code, message)
    return owners
