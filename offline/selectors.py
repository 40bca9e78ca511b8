"""What an officer takes offline, read through the households app's selectors, which take the user and keep to
their area: the open rounds they may enter reviews in, and a round's villages, households, members and
approved history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from households.access import ReviewPolicy
from households.models import AdministrativeUnit, HouseholdStatus, Member, ReviewRound, UnitLevel
from households.selectors import (
    commune_villages,
    household_list,
    last_approved_statuses,
    open_rounds,
    round_get,
    units_visible_to,
)

from .access import may_work_offline

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from households.models import Household


@dataclass(frozen=True)
class OfflineRound:
    """An open round the user may take offline, with the villages of its commune in force today."""

    review_round: ReviewRound
    villages: tuple[AdministrativeUnit, ...]


def offline_rounds(*, user: User, today: datetime.date) -> list[OfflineRound]:
    """The open rounds of the communes the user works in today (``households.selectors.open_rounds``) in which they
    may enter reviews. None for a role that does not work offline (``offline.access``)."""
    if not may_work_offline(user):
        return []
    policy = ReviewPolicy(user)
    found = []
    communes = units_visible_to(user, on=today).filter(level=UnitLevel.COMMUNE).order_by("name")
    for commune in communes:
        villages = tuple(village_choices(user=user, commune=commune, today=today))
        for review_round in open_rounds(user=user, commune_id=commune.pk, today=today):
            if policy.may_enter(review_round):
                found.append(OfflineRound(review_round, villages))
    return found


def is_open(review_round: ReviewRound, *, today: datetime.date) -> bool:
    """As ``households.selectors.open_rounds`` reads it: of this year, not over."""
    return review_round.year == today.year and review_round.ends_on >= today


def offline_round_get(*, user: User, pk: int) -> ReviewRound:
    """A round of the user's area (404 otherwise), with its commune and standard."""
    return round_get(user=user, pk=pk)


def village_choices(*, user: User, commune: AdministrativeUnit, today: datetime.date) -> QuerySet[AdministrativeUnit]:
    """The villages of ``commune`` in force ``today`` that the user may see, by name."""
    return commune_villages(user=user, commune=commune, include_ended=False).valid_on(today).order_by("name")


@dataclass(frozen=True)
class OfflineScope:
    """The households of the chosen villages, with their members and approved history, oldest first."""

    villages: tuple[AdministrativeUnit, ...]
    households: tuple[Household, ...]
    history: dict[int, list[tuple[int, str, str]]]

    @property
    def member_count(self) -> int:
        return sum(len(household.members.all()) for household in self.households)


def offline_scope(*, user: User, villages: list[AdministrativeUnit]) -> OfflineScope:
    """The active households of ``villages`` the user may see (``households.selectors.household_list``), their
    members, and the approved statuses of each. Four queries for any number of households."""
    members = Prefetch("members", queryset=Member.objects.order_by("pk"))
    households = tuple(
        household_list(user=user)
        .qs.filter(village__in=villages, status=HouseholdStatus.ACTIVE)
        .only("pk", "code", "village_id", "head_name", "address", "version", "status")
        .prefetch_related(members)
        .order_by("village_id", "code")
    )
    history = last_approved_statuses(household_ids=[household.pk for household in households])
    return OfflineScope(villages=tuple(villages), households=households, history=history)
