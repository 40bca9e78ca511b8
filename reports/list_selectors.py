"""Reads behind the lists of poor and near-poor households (Circular 07/2021/TT-BLĐTBXH, Appendix VII):
the households whose standing review of the year classified them so, with their members. Scoped to the user.

The standing review of a household in a year under a standard is the one the statistics count
(``StatisticSource``), so a list always agrees with the summary of the same unit, year and standard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from households.models import Member, StatisticSource
from households.selectors.rollup import rollup
from households.selectors.statistics import default_standard

if TYPE_CHECKING:
    import datetime

    from accounts.models import User
    from households.models import AdministrativeUnit

# Households read per query when the list is long (a province has tens of thousands).
CHUNK = 2000


@dataclass(frozen=True)
class ListedMember:
    full_name: str
    relation: str
    sex: str
    date_of_birth: datetime.date
    ethnicity: str
    national_id: str


@dataclass(frozen=True)
class ListedHousehold:
    code: str
    head_name: str
    commune: str
    village: str
    status: str
    deprived: tuple[str, ...]
    members: tuple[ListedMember, ...]


def _sources(*, user: User, unit: AdministrativeUnit, year: int, standard: str | None, statuses: Sequence[str]):
    # The communes the summary of the same unit and year adds up (within the user's area).
    communes = rollup(user=user, units=[unit], years=[year])[(unit.pk, year)].commune_ids
    standard = standard or default_standard(year=year) or ""
    return StatisticSource.objects.filter(
        year=year, standard=standard, review__commune_id__in=communes, review__status__in=list(statuses)
    )


def poverty_list_size(
    *, user: User, unit: AdministrativeUnit, year: int, statuses: Sequence[str], standard: str | None = None
) -> int:
    """How many households the list holds under ``standard`` (the year's default when none is given)."""
    return _sources(user=user, unit=unit, year=year, standard=standard, statuses=statuses).count()


def poverty_list(
    *,
    user: User,
    unit: AdministrativeUnit,
    year: int,
    statuses: Sequence[str],
    limit: int | None = None,
    standard: str | None = None,
) -> Iterator[ListedHousehold]:
    """The listed households under ``standard`` (the year's default when none is given) ordered by commune,
    village and code, each with its members (head first).

    Two queries per ``CHUNK`` households: the reviews with their households and units, then the members.
    """
    rows = (
        _sources(user=user, unit=unit, year=year, standard=standard, statuses=statuses)
        .order_by("review__commune__name", "review__village__name", "household__code")
        .values_list(
            "household_id",
            "household__code",
            "household__head_name",
            "review__commune__name",
            "review__village__name",
            "review__status",
            "review__deprived",
        )
    )
    if limit is not None:
        rows = rows[:limit]
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _with_members(chunk)
            chunk = []
    yield from _with_members(chunk)


def _with_members(chunk: list[tuple]) -> Iterator[ListedHousehold]:
    if not chunk:
        return
    members: dict[int, list[ListedMember]] = defaultdict(list)
    for household_id, *values in (
        Member.objects.filter(household_id__in=[row[0] for row in chunk])
        .order_by("household_id", "pk")
        .values_list("household_id", "full_name", "relation", "sex", "date_of_birth", "ethnicity__name", "national_id")
    ):
        values[4] = values[4] or ""
        members[household_id].append(ListedMember(*values))
    for household_id, code, head, commune, village, status, deprived in chunk:
        listed = sorted(members[household_id], key=lambda m: m.relation != "head")
        yield ListedHousehold(code, head, commune, village, status, tuple(deprived or ()), tuple(listed))
