"""The one roll-up: which communes add up to a unit in a year, within the user's area, and the official figures
of those communes (rates over resident households, coverage). Every total the app shows reads it: the
dashboard, the statistics API and tables, the Circular 07 report, the lists, plans, progress and bands.

A unit in force at the end of the year is the communes under it that day. A unit of the other tree (a legacy
district asked for 2026, a new commune for 2024) is summed across the 2025 reform where the mapping allows
it: a commune of the other side counts when it lies wholly inside the unit (not split, and all its parts
belong to the unit); the others are named in the notes. Communes outside the user's area
(``households.selectors.visible_unit_ids``) are always left out, and the notes say how many.

Rates are over the **resident households** (tổng số hộ dân cư) of the communes, entered per commune and
year (``ResidentCount``), never over the reviewed households: only listed and applying households are
reviewed (Decision 24/2021/QĐ-TTg, art. 4). Where a commune of the unit has no resident count for the year,
the unit has no rate, and the notes say which communes are missing.

It reads only the units and the statistics tables of this app: ``programmes`` (plans, progress, bands) and
``reports`` read it from above.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.models import (
    REFORM_DATE,
    STATUS_CELLS,
    AdministrativeUnit,
    Household,
    HouseholdStatus,
    RegistryCount,
    ResidentCount,
    StatisticCount,
    UnitLevel,
    UnitSuccession,
)
from households.provinces import in_provinces_of
from households.rates import OfficialRates
from households.selectors.groups import communes_in_group
from households.selectors.units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User

# Communes named in a note before "and N more".
NAMED_IN_NOTE = 5


def year_end(year: int) -> datetime.date:
    # A year's figures are those of its annual review (Sep–Dec), on the units in force at the year's end.
    return datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Rollup:
    """The communes whose figures make up a unit in a year for one user, and what was left out and why."""

    unit: AdministrativeUnit
    year: int
    commune_ids: frozenset[int]
    notes: tuple[str, ...] = ()


def _names(names: dict[int, str], ids: Iterable[int]) -> str:
    listed = sorted(names.get(pk, str(pk)) for pk in ids)
    if len(listed) <= NAMED_IN_NOTE:
        return ", ".join(listed)
    rest = len(listed) - NAMED_IN_NOTE
    return ngettext("%(names)s and %(count)s other", "%(names)s and %(count)s others", rest) % {
        "names": ", ".join(listed[:NAMED_IN_NOTE]),
        "count": rest,
    }


class _Communes:
    """The communes under the asked units, read in one query, and the reform's links in at most one more."""

    def __init__(self, units: Sequence[AdministrativeUnit]):
        pks = [u.pk for u in units]
        # Hop by hop down the parent index, never below a commune: an OR of the hops, or one query joining the
        # communes to their parents, made PostgreSQL hash the country's 13,000 communes (15–30 ms a request).
        fields = ("pk", "parent_id", "level", "valid_from", "valid_to", "name")
        found = list(
            AdministrativeUnit.objects.filter(
                Q(pk__in=pks, level=UnitLevel.COMMUNE)
                | Q(parent__in=pks, level__in=(UnitLevel.DISTRICT, UnitLevel.COMMUNE))
            ).values_list(*fields)
        )
        districts = [pk for pk, _parent, level, *_rest in found if level == UnitLevel.DISTRICT]
        if districts:
            found += AdministrativeUnit.objects.filter(parent__in=districts, level=UnitLevel.COMMUNE).values_list(
                *fields
            )
        parent_of = {pk: parent for pk, parent, *_rest in found}
        wanted = set(pks)
        self.under: dict[int, list[tuple[int, datetime.date | None, datetime.date | None]]] = defaultdict(list)
        self.names: dict[int, str] = {}
        for pk, parent, level, valid_from, valid_to, name in found:
            if level != UnitLevel.COMMUNE or pk in self.names:
                continue
            self.names[pk] = name
            for owner in {pk, parent, parent_of.get(parent)} & wanted:
                self.under[owner].append((pk, valid_from, valid_to))
        self._links: list[tuple[int, int, bool]] | None = None

    def on(self, unit: AdministrativeUnit, day: datetime.date) -> set[int]:
        if unit.level == UnitLevel.COMMUNE:
            return {unit.pk}
        return {
            pk
            for pk, valid_from, valid_to in self.under.get(unit.pk, ())
            if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)
        }

    def links(self, legacy_own: set[int], new_own: set[int]) -> list[tuple[int, int, bool]]:
        """(predecessor, successor, split) of every commune the asked units reach across the reform: the
        successors of the legacy communes with all their predecessors, and the predecessors of new ones."""
        if self._links is None:
            successors = UnitSuccession.objects.filter(predecessor__in=legacy_own).values("successor")
            rows = UnitSuccession.objects.filter(
                predecessor__level=UnitLevel.COMMUNE, successor__level=UnitLevel.COMMUNE
            ).filter(Q(successor__in=successors) | Q(successor__in=new_own))
            self._links = []
            for predecessor, successor, split, before, after in rows.values_list(
                "predecessor_id", "successor_id", "is_split", "predecessor__name", "successor__name"
            ):
                self.names.setdefault(predecessor, before)
                self.names.setdefault(successor, after)
                self._links.append((predecessor, successor, split))
        return self._links


def _own_day(unit: AdministrativeUnit, on: datetime.date) -> datetime.date:
    """The day of the unit's own tree nearest to ``on``: its last day for a legacy unit asked later, its first
    for a new unit asked earlier."""
    return unit.valid_to if unit.valid_to and unit.valid_to < on else unit.valid_from


def rollup(*, user: User, units: Sequence[AdministrativeUnit], years: Iterable[int]) -> dict[tuple[int, int], Rollup]:
    """Which communes add up to each unit in each year, for this user: (unit id, year) → ``Rollup``.

    One query for the communes under the units, one more when a unit is asked in a year of the other tree.
    Communes change only across the 2025 reform, so a unit has at most two compositions whatever the years.
    """
    return _rollup(user=user, units=units, years=years)[0]


def _rollup(
    *, user: User, units: Sequence[AdministrativeUnit], years: Iterable[int]
) -> tuple[dict[tuple[int, int], Rollup], dict[int, str]]:
    ids = visible_unit_ids(user)
    years = sorted(set(years))
    units = list({u.pk: u for u in units}.values())
    communes = _Communes(units)
    # Which units are asked across the reform, so the links come in one query.
    across = [(u, year_end(y)) for u in units for y in years if not u.is_valid_on(year_end(y))]
    legacy_own: set[int] = set()
    new_own: set[int] = set()
    for unit, on in across:
        own = communes.on(unit, _own_day(unit, on))
        (legacy_own if unit.valid_to and unit.valid_to < on else new_own).update(own)

    result: dict[tuple[int, int], Rollup] = {}
    by_era: dict[tuple[int, bool], tuple[set[int], list[str]]] = {}
    for unit in units:
        for year in years:
            on = year_end(year)
            era = (unit.pk, on >= REFORM_DATE)
            if era not in by_era:
                by_era[era] = _composition(unit, on, communes, legacy_own, new_own)
            commune_ids, notes = by_era[era]
            notes = list(notes)
            if ids is not None and commune_ids - ids:
                hidden = commune_ids - ids
                notes.append(
                    ngettext(
                        "%(count)s commune of %(unit)s outside your area is left out.",
                        "%(count)s communes of %(unit)s outside your area are left out.",
                        len(hidden),
                    )
                    % {"count": len(hidden), "unit": unit.name}
                )
                commune_ids = commune_ids & ids
            result[(unit.pk, year)] = Rollup(unit, year, frozenset(commune_ids), tuple(sorted(notes)))
    return result, communes.names


def _composition(
    unit: AdministrativeUnit, on: datetime.date, communes: _Communes, legacy_own: set[int], new_own: set[int]
) -> tuple[set[int], list[str]]:
    if unit.is_valid_on(on):
        return communes.on(unit, on), []
    own = communes.on(unit, _own_day(unit, on))
    found: set[int] = set()
    notes: list[str] = []
    links = communes.links(legacy_own, new_own)
    if unit.valid_to and unit.valid_to < on:
        # Legacy unit, later year: its communes' successors, each counted when it lies wholly inside the unit.
        parts: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        reached = {successor for predecessor, successor, _split in links if predecessor in own}
        for predecessor, successor, split in links:
            if successor in reached:
                parts[successor].append((predecessor, split))
        for successor, pieces in parts.items():
            if all(p in own and not split for p, split in pieces):
                found.add(successor)
            else:
                notes.append(
                    _("%(commune)s is left out: it also covers communes outside %(unit)s, or was split.")
                    % {"commune": communes.names[successor], "unit": unit.name}
                )
    else:
        # New unit, earlier year: the old communes merged into it whole.
        for predecessor, successor, split in links:
            if successor not in own:
                continue
            if split:
                notes.append(
                    _("%(commune)s is left out: it was split between several new communes.")
                    % {"commune": communes.names[predecessor]}
                )
            else:
                found.add(predecessor)
    return found, notes


# --- the figures of a roll-up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures(OfficialRates):
    """The official figures of a unit in a year: approved reviews by status, the resident households the
    rates are over, and the coverage (communes that reported, reviews approved of the registry)."""

    unit: AdministrativeUnit | None  # None for a sum of units (a region, the country: ``figures_sum``)
    year: int
    standard: str  # the period code the counts are under ("" when no review was approved)
    by_status: dict[str, tuple[int, int]]  # status → (households, people) of the approved reviews
    resident_households: int | None  # None unless every commune of the unit has a resident count
    resident_people: int | None
    communes: int  # communes of the unit within the user's area
    communes_reported: int  # of them, those with approved reviews in the year
    registry_households: int  # households of the registry in those communes
    notes: tuple[str, ...] = ()
    commune_ids: frozenset[int] = field(default_factory=frozenset)

    def count(self, status: str) -> int:
        return self.by_status.get(status, (0, 0))[0]

    @property
    def reviewed(self) -> int:
        """Households whose review of the year was approved (the registry's reviewed part, not the population)."""
        return sum(h for h, _p in self.by_status.values())

    @property
    def people(self) -> int:
        return sum(p for _h, p in self.by_status.values())

    @property
    def poor(self) -> int:
        return self.count("poor")

    @property
    def near_poor(self) -> int:
        return self.count("near_poor")

    @property
    def average(self) -> int:
        return self.count("average")

    def coverage(self) -> dict:
        return {
            "communes": self.communes,
            "communes_reported": self.communes_reported,
            "registry_households": self.registry_households,
            "reviews_approved": self.reviewed,
            "partial": self.partial,
        }


def figures(
    *,
    user: User,
    units: Sequence[AdministrativeUnit],
    years: Iterable[int],
    standards: Mapping[int, str],
    group: str = "",
) -> dict[tuple[int, int], Figures]:
    """The official figures of each unit in each year, for this user: (unit id, year) → ``Figures``; with a
    ``group`` (``CommuneGroup``), of the unit's communes in that group only (three queries more).

    ``standards`` gives the period code each year is read under (``reports.selectors.default_standards``
    when the caller has no other): a year can hold figures under two standards, never added up. Four or five
    queries whatever the number of units, years and households: the roll-up, the status counts, the resident
    counts and the registry.
    """
    years = sorted(set(years))
    parts, names = _rollup(user=user, units=units, years=years)
    wanted = set().union(*(p.commune_ids for p in parts.values())) if parts else set()
    if group:
        wanted = communes_in_group(group, wanted)
        parts = {key: replace(part, commune_ids=part.commune_ids & wanted) for key, part in parts.items()}
    # A user with an area reads the shards of its provinces only (households.sharding); the country reads them all.
    # The households carried across the reform from the area's old communes are in its new communes.
    area = visible_unit_ids(user)
    carried_shard = in_provinces_of(area)  # first: it reads the provinces of every unit of the area, these included
    shard = in_provinces_of(wanted if area is not None else None)
    # A status cell is one row, read as it is from its index: no sum to convert.
    cells = StatisticCount.objects.filter(
        STATUS_CELLS,
        shard,
        year__in=years,
        standard__in=set(standards.values()),
        commune_id__any_of=list(wanted),
    ).values_list("year", "standard", "commune_id", "status", "households", "people")
    by_year: dict[int, dict[int, dict[str, tuple[int, int]]]] = defaultdict(lambda: defaultdict(dict))
    for year, code, commune, status, households, people in cells:
        if code == standards.get(year) and (households or people):
            by_year[year][commune][status] = (households, people)
    residents = {
        (commune, year): (households, people)
        for commune, year, households, people in ResidentCount.objects.filter(
            year__in=years, commune_id__any_of=list(wanted)
        )
        .order_by()  # not the model's order, which joins the communes for their names
        .values_list("commune_id", "year", "households", "people")
    }
    registry = _registry(wanted, years, shard=shard, carried_shard=carried_shard)

    result: dict[tuple[int, int], Figures] = {}
    for (unit_pk, year), part in parts.items():
        counts = by_year.get(year, {})
        by_status: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        reported = 0
        for commune in part.commune_ids:
            if commune in counts:
                reported += 1
                for status, (households, people) in counts[commune].items():
                    by_status[status][0] += households
                    by_status[status][1] += people
        notes = list(part.notes)
        missing = {c for c in part.commune_ids if (c, year) not in residents}
        resident_households = resident_people = None
        if part.commune_ids and not missing:
            resident_households = sum(residents[(c, year)][0] for c in part.commune_ids)
            resident_people = sum(residents[(c, year)][1] for c in part.commune_ids)
        elif missing:
            notes.append(
                ngettext(
                    "No rate for %(unit)s in %(year)s: %(communes)s has no resident households entered.",
                    "No rate for %(unit)s in %(year)s: %(communes)s have no resident households entered.",
                    len(missing),
                )
                % {"unit": part.unit.name, "year": year, "communes": _names(names, missing)}
            )
        result[(unit_pk, year)] = Figures(
            unit=part.unit,
            year=year,
            standard=standards.get(year, ""),
            by_status={s: (h, p) for s, (h, p) in by_status.items()},
            resident_households=resident_households,
            resident_people=resident_people,
            communes=len(part.commune_ids),
            communes_reported=reported,
            registry_households=sum(registry.get((c, year), 0) for c in part.commune_ids),
            notes=tuple(notes),
            commune_ids=part.commune_ids,
        )
    return result


def figures_sum(parts: Sequence[Figures], *, year: int, standard: str) -> Figures:
    """The figures of several units together (a region, the country): counts and coverage add up; the rate is
    over the resident households of all of them, so none when one unit with communes has none."""
    by_status: dict[str, tuple[int, int]] = {}
    for part in parts:
        for status, (households, people) in part.by_status.items():
            before = by_status.get(status, (0, 0))
            by_status[status] = (before[0] + households, before[1] + people)
    # A unit with no commune here (a province without any of a group's communes) adds nothing, not a missing count.
    counted = [p for p in parts if p.communes]
    complete = bool(counted) and all(p.resident_households is not None for p in counted)
    return Figures(
        unit=None,
        year=year,
        standard=standard,
        by_status=by_status,
        resident_households=sum(p.resident_households or 0 for p in counted) if complete else None,
        resident_people=sum(p.resident_people or 0 for p in counted) if complete else None,
        communes=sum(p.communes for p in parts),
        communes_reported=sum(p.communes_reported for p in parts),
        registry_households=sum(p.registry_households for p in parts),
        notes=tuple(note for p in parts for note in p.notes),
        commune_ids=frozenset().union(*(p.commune_ids for p in parts)),
    )


def _registry(
    communes: set[int], years: Sequence[int], *, shard: Q | None = None, carried_shard: Q | None = None
) -> dict[tuple[int, int], int]:
    """Households of the registry per (commune, year): those of the commune not gone (moved, split, merged)
    before the year's end; for the years before the reform, also those carried from the commune's villages
    to a new commune's. Read from ``RegistryCount`` on PostgreSQL (one query, two with a year before the
    reform, over a few rows per village whatever the number of households); counted from the households on
    SQLite, which serves a first run with demo data."""
    if not communes or not years:
        return {}
    before_reform = [year for year in years if year_end(year) < REFORM_DATE]
    read = _counted_rows if connection.vendor == "postgresql" else _scanned_rows
    own, carried = read(communes, carried=bool(before_reform), shard=shard or Q(), carried_shard=carried_shard or Q())
    result: dict[tuple[int, int], int] = defaultdict(int)
    for rows, in_years in ((own, years), (carried, before_reform)):
        for commune, left_in, n in rows:
            for year in in_years:
                if left_in is None or left_in > year:
                    result[(commune, year)] += n
    return result


# (commune, year it left the registry or None, households)
RegistryRows = Iterable[tuple[int, int | None, int]]


def _left_in(status: str, since: datetime.date | None) -> int | None:
    """The year a household left the registry, None while it is in it. The year is enough: a household
    counts in a year unless it left by the year's end, 31 December (``year_end``). Migration 0017's triggers
    say the same in SQL."""
    return None if status == HouseholdStatus.ACTIVE or since is None else since.year


def _counted_rows(
    communes: set[int], *, carried: bool, shard: Q, carried_shard: Q
) -> tuple[RegistryRows, RegistryRows]:
    """The registry's rows of the communes, and of the villages carried from them, from ``RegistryCount``."""
    own = (
        RegistryCount.objects.filter(shard, commune_id__any_of=list(communes))
        .values_list("commune_id", "left_in")
        .annotate(n=Sum("households"))
        .order_by()
    )
    if not carried:
        return own, ()
    # The carry-over moved the old communes' households to the new communes' villages: for the years before
    # the reform they still count in the old commune their village was carried from.
    from_villages = (
        RegistryCount.objects.filter(
            carried_shard,
            village__predecessions__effective_on=REFORM_DATE,
            village__predecessions__predecessor__parent_id__in=communes,
        )
        .values_list("village__predecessions__predecessor__parent_id", "left_in")
        .annotate(n=Sum("households"))
        .order_by()
    )
    return own, from_villages


def _scanned_rows(
    communes: set[int], *, carried: bool, shard: Q, carried_shard: Q
) -> tuple[RegistryRows, RegistryRows]:
    """What ``_counted_rows`` reads, counted from the households: a scan of every household of the communes."""
    own = Household.objects.filter(shard, commune_id__in=communes).values_list("commune_id", "status", "status_date")
    from_villages = Household.objects.filter(
        carried_shard,
        village__predecessions__effective_on=REFORM_DATE,
        village__predecessions__predecessor__parent_id__in=communes,
    ).values_list("village__predecessions__predecessor__parent_id", "status", "status_date")
    return _by_left_in(own), (_by_left_in(from_villages) if carried else ())


def _by_left_in(households: QuerySet) -> RegistryRows:
    rows = households.annotate(n=Count("pk")).order_by()
    return [(commune, _left_in(status, since), n) for commune, status, since, n in rows]
