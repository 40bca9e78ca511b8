"""Creating and editing households with their members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from households.access import check_can_edit_unit
from households.errors import ConflictError
from households.models import AdministrativeUnit, Household, HouseholdReview, Member, StatisticSource, UnitLevel
from households.provinces import province_of
from households.registry_rules import MemberSketch, household_groups
from households.search_words import search_text
from households.selectors import cccd_conflicts

if TYPE_CHECKING:
    from accounts.models import User

HOUSEHOLD_FIELDS = ("code", "address", "phone", "head_ethnicity", "has_meritorious_person", "status", "status_date")
MEMBER_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "relation",
    "national_id",
    "ethnicity",
    "in_school",
    "at_age_appropriate_level",
    "education",
    "has_health_insurance",
    "employment",
    "has_labour_capacity",
    "disability",
    "receives_social_allowance",
    "sick_untreated",
    "malnourished",
)


def _check_members(*, user: User, members: Sequence[Mapping[str, Any]], household: Household | None) -> None:
    heads = sum(1 for m in members if m.get("relation") == "head")
    if heads != 1:
        raise ValidationError(_("A household has exactly one head; this one has %(count)s.") % {"count": heads})
    numbers = [m["national_id"] for m in members if m.get("national_id")]
    repeated = {n for n in numbers if numbers.count(n) > 1}
    if repeated:
        raise ValidationError(
            _("Citizen ID %(number)s is given to two members.") % {"number": ", ".join(sorted(repeated))}
        )
    conflicts = cccd_conflicts(user=user, numbers=numbers, exclude_household_id=household.pk if household else None)
    if conflicts:
        raise ValidationError(list(conflicts.values()))


def _apply_groups(household: Household, members: Sequence[Member]) -> None:
    groups = household_groups(
        [
            MemberSketch(m.relation, m.sex, m.date_of_birth, m.has_labour_capacity, m.receives_social_allowance)
            for m in members
        ],
        on=timezone.localdate(),
    )
    household.head_name = members[groups.head_name_index].full_name if groups.head_name_index is not None else ""
    household.has_no_labour = groups.has_no_labour
    household.is_female_headed = groups.is_female_headed
    household.receives_social_allowance = groups.receives_social_allowance
    household.is_ethnic_minority = bool(household.head_ethnicity and household.head_ethnicity.is_minority)
    household.search_text = search_text(
        household.code, household.head_name, [(m.full_name, m.national_id) for m in members]
    )


def _village_in_scope(user: User, village: AdministrativeUnit) -> AdministrativeUnit:
    if village.level != UnitLevel.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    check_can_edit_unit(user, village)
    return village.parent


def _save_members(*, user: User, household: Household, members: Sequence[Mapping[str, Any]]) -> list[Member]:
    existing = {m.pk: m for m in household.members.all()}
    kept: list[Member] = []
    for data in members:
        member = existing.pop(data["id"], None) if data.get("id") else None
        member = member or Member(household=household)
        member.province_id = household.province_id  # the sharding key: a member lives on its household's shard
        for field in MEMBER_FIELDS:
            setattr(member, field, data.get(field, getattr(member, field)))
        member.national_id = member.national_id or ""
        member.full_clean(exclude=["household"], validate_unique=False, validate_constraints=False)
        member._history_user = user
        member.save()
        kept.append(member)
    for member in existing.values():
        member._history_user = user
        member.delete()
    return kept


@transaction.atomic
def household_create(
    *, user: User, village: AdministrativeUnit, data: Mapping[str, Any], members: Sequence[Mapping[str, Any]]
) -> Household:
    commune = _village_in_scope(user, village)
    _check_members(user=user, members=members, household=None)
    household = Household(village=village, commune=commune, province_id=province_of(commune.pk), created_by=user)
    for field in HOUSEHOLD_FIELDS:
        if field in data:
            setattr(household, field, data[field])
    household.head_name = "-"
    household.full_clean(exclude=["head_name"])
    household._history_user = user
    household.save()
    saved = _save_members(user=user, household=household, members=members)
    _apply_groups(household, saved)
    household.save()
    return household


@transaction.atomic
def household_update(
    *,
    user: User,
    household: Household,
    expected_version: int,
    village: AdministrativeUnit,
    data: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
) -> Household:
    """Save a household and its full list of members; members left out of ``members`` are removed."""
    check_can_edit_unit(user, household.village)
    commune = _village_in_scope(user, village)
    # Optimistic locking: the row's version must still be the one the user loaded.
    bumped = Household.objects.filter(pk=household.pk, version=expected_version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    household.version = expected_version + 1
    _check_members(user=user, members=members, household=household)
    household.village, household.commune = village, commune
    moved_province = household.province_id != (province := province_of(commune.pk))
    household.province_id = province
    for field in HOUSEHOLD_FIELDS:
        if field in data:
            setattr(household, field, data[field])
    saved = _save_members(user=user, household=household, members=members)
    _apply_groups(household, saved)
    household.full_clean()
    household._history_user = user
    household.save()
    if moved_province:
        # Moved to another province (a national user's correction): its reviews and sources follow it to its shard.
        for model in (HouseholdReview, StatisticSource):
            model.objects.filter(household=household).update(province_id=province)
    return household
