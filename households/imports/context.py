"""What the database holds for an import, loaded in bulk (a query per few thousand rows, never per row)
and handed to the pure checks of ``households.imports.checking`` as plain data."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from common.lookups import value_parts
from households.models import (
    AdministrativeUnit,
    Ethnicity,
    Household,
    HouseholdReview,
    Member,
    ReviewKind,
    ReviewRound,
    ReviewState,
    UnitLevel,
)
from households.selectors import cccd_owners, last_approved_statuses, visible_unit_ids
from standards.models import PovertyStandard
from standards.selectors import rules_year, standard_for_round, standard_rules

from .checking import (
    ExistingHousehold,
    ExistingMember,
    ExistingReview,
    ImportContext,
    MemberValues,
    RoundInfo,
    VillageInfo,
    village_keys,
)
from .columns import normalize
from .records import GROUP_FIELDS, HOUSEHOLD_FIELDS, MEMBER_FIELDS, RawJSON, Records

if TYPE_CHECKING:
    from accounts.models import User


def load_context(*, user: User, commune: AdministrativeUnit, records: Records, today: datetime.date) -> ImportContext:
    """Everything the checks need from the database."""
    before = load_context_before_members(user=user, commune=commune, records=records, today=today)
    return with_citizen_ids(before, user=user, records=records)


def load_context_before_members(
    *, user: User, commune: AdministrativeUnit, records: Records, today: datetime.date
) -> ImportContext:
    """The context of the households and reviews sheets: all but the owners of the members' citizen IDs
    (``with_citizen_ids``). The import loads it while calamine reads the members sheet."""
    ids = visible_unit_ids(user)
    can_edit = user.can_edit

    # A village's names as they are, then without their kind: "Nà Mò" is the village of that name, if one
    # has it, before it is "Thôn Nà Mò" or "Bản Nà Mò".
    by_name: dict[str, list[VillageInfo]] = defaultdict(list)
    by_short: dict[str, list[VillageInfo]] = defaultdict(list)
    folded: dict[str, list[str]] = defaultdict(list)
    for village in villages_in_force(commune, today=today):
        info = VillageInfo(village.pk, village.name, village.is_urban, can_edit and (ids is None or village.pk in ids))
        (name, short), (other, other_short) = village_keys(village.name), village_keys(village.short_name)
        for key in {name, other} - {""}:
            by_name[key].append(info)
        for key in {short, other_short} - {name, other, ""}:
            by_short[key].append(info)
        for key in {normalize(key) for key in (name, short, other, other_short)}:
            folded[key].append(village.name)
    by_key = {**{k: v for k, v in by_short.items() if k not in by_name}, **by_name}
    villages = {key: found[0] for key, found in by_key.items() if len(found) == 1}
    ambiguous = {key: tuple(v.name for v in found) for key, found in by_key.items() if len(found) > 1}

    codes = sorted({r.code for r in records.households if r.code})
    households = _households(codes, ids=ids, can_edit=can_edit)
    years = sorted({r.year for r in records.reviews if r.year})
    may_open = can_edit and (ids is None or commune.pk in ids)
    rounds = _rounds(commune, years, may_open=may_open)
    round_ids = [r.id for r in rounds.values() if isinstance(r, RoundInfo) and r.id is not None]
    household_ids = [h.id for h in households.values()]
    return ImportContext(
        commune_id=commune.pk,
        commune_name=commune.name,
        today=today,
        villages=villages,
        ethnicities=ethnicity_lookup(),
        households=households,
        cccd_owners={},
        rounds=rounds,
        reviews=_reviews(round_ids, household_ids),
        approved_history=_history(household_ids, max(years) if years else None),
        mountain_island=commune.is_mountain_island,
        villages_ambiguous=ambiguous,
        villages_folded={key: tuple(dict.fromkeys(names)) for key, names in folded.items()},
    )


def villages_in_force(commune: AdministrativeUnit, *, today: datetime.date) -> QuerySet[AdministrativeUnit]:
    """The villages an import of the commune may name: those in force today, or on the commune's last day for
    a commune that has ended (data of earlier years); a village merged away or carried over to a new commune
    is not offered. The template lists them (``template``), the check matches the file's names with them."""
    on = today if commune.is_valid_on(today) else (commune.valid_to or today)
    return AdministrativeUnit.objects.valid_on(on).filter(parent=commune, level=UnitLevel.VILLAGE).order_by("pk")


def with_citizen_ids(
    context: ImportContext, *, user: User, records: Records, written_first: Collection[str] = ()
) -> ImportContext:
    """``context`` with the households the members' citizen IDs are registered to. The members of the
    households ``written_first`` (codes) are left out: the database took them already, under its unique
    index on citizen IDs, so no one else holds theirs."""
    numbers = [m.national_id for m in records.members if m.national_id and m.household_code not in written_first]
    return dataclasses.replace(context, cccd_owners=cccd_owners(user=user, numbers=numbers))


def ethnicity_lookup() -> dict[str, tuple[int, bool]]:
    """Every ethnicity by its normalised name and code: (id, is a minority)."""
    ethnicities: dict[str, tuple[int, bool]] = {}
    for pk, code, name, minority in Ethnicity.objects.values_list("pk", "code", "name", "is_minority"):
        ethnicities[normalize(name)] = (pk, minority)
        ethnicities.setdefault(normalize(code), (pk, minority))
    return ethnicities


def new_household_codes(context: ImportContext, records: Records) -> list[str]:
    """The codes of the households sheet that no household in the database has (in any commune: the
    context's households are found by code alone), in the order of the sheet, once each."""
    return list(dict.fromkeys(r.code for r in records.households if r.code and r.code not in context.households))


def _households(codes: list[str], *, ids: set[int] | None, can_edit: bool) -> dict[str, ExistingHousehold]:
    rows: dict[int, dict[str, Any]] = {}
    for part in value_parts(codes):
        for row in Household.objects.filter(code__any_of=part).values(
            "pk", "code", "commune_id", "version", *HOUSEHOLD_FIELDS, *GROUP_FIELDS
        ):
            rows[row["pk"]] = row
    members: dict[int, list[ExistingMember]] = {pk: [] for pk in rows}
    fields = ["ethnicity_id" if f == "ethnicity" else f for f in MEMBER_FIELDS]
    for part in value_parts(list(rows)):
        for pk, household_id, *values in (
            Member.objects.filter(household_id__any_of=part).order_by("pk").values_list("pk", "household_id", *fields)
        ):
            members[household_id].append(ExistingMember(pk, MemberValues(values)))
    result = {}
    for pk, row in rows.items():
        result[row["code"]] = ExistingHousehold(
            id=pk,
            commune_id=row["commune_id"],
            editable=can_edit and (ids is None or row["village_id"] in ids),
            values={k: row[k] for k in (*HOUSEHOLD_FIELDS, *GROUP_FIELDS)},
            members=tuple(members[pk]),
            version=row["version"],
        )
    return result


def _rounds(commune: AdministrativeUnit, years: Iterable[int], *, may_open: bool) -> dict[int, RoundInfo | str]:
    """The annual round of each year in the commune, or the standard a new round would take.

    A year may hold an annual round under each of two standards (the end-of-period review): the import
    takes the one under the standard the legal calendar gives the year, or else the latest opened (the
    province set its standard); ``round_open`` opens a missing one under that default standard."""
    rounds: dict[int, RoundInfo | str] = {}
    rules_cache: dict[int, Any] = {}

    def rules(standard: PovertyStandard):
        if standard.pk not in rules_cache:
            rules_cache[standard.pk] = standard_rules(standard)
        return rules_cache[standard.pk]

    def info(round_id: int | None, year: int, standard: PovertyStandard, reference_date: datetime.date) -> RoundInfo:
        return RoundInfo(
            round_id,
            year,
            rules(standard),
            rules_year(year=year, kind=ReviewKind.ANNUAL, standard=standard),
            reference_date,
        )

    defaults: dict[int, PovertyStandard | None] = {}
    for year in years:
        try:
            defaults[year] = standard_for_round(year=year, kind=ReviewKind.ANNUAL)
        except PovertyStandard.DoesNotExist:
            defaults[year] = None
    existing: dict[int, ReviewRound] = {}
    for r in (
        ReviewRound.objects.filter(commune=commune, kind=ReviewKind.ANNUAL, year__in=list(years))
        .select_related("standard")
        .order_by("pk")
    ):
        default = defaults[r.year]
        kept = existing.get(r.year)
        if kept is None or default is None or kept.standard.code != default.code:
            existing[r.year] = r
    for year in years:
        if year in existing:
            rounds[year] = info(existing[year].pk, year, existing[year].standard, existing[year].ages_on)
            continue
        if not may_open:
            rounds[year] = _("The review round of %(year)s is not open in %(commune)s yet.") % {
                "year": year,
                "commune": commune.name,
            }
            continue
        standard = defaults[year]
        if standard is None:
            rounds[year] = _("No poverty standard is in force in %(year)s.") % {"year": year}
            continue
        start, _end = ReviewRound.annual_period(year)
        if not commune.is_valid_on(start):
            rounds[year] = _("%(commune)s was not in force on %(date)s.") % {
                "commune": commune,
                "date": start.strftime("%d/%m/%Y"),
            }
            continue
        # ``round_open`` gives the new round the start of the annual review as its reference date.
        rounds[year] = info(None, year, standard, start)
    return rounds


def _reviews(round_ids: list[int], household_ids: list[int]) -> dict[tuple[str, int], ExistingReview]:
    if not round_ids or not household_ids:
        return {}
    labels = dict(ReviewState.choices)
    found = {}
    for part in value_parts(household_ids):
        # The facts as their JSON text, read as a dict only when compared: 1.3 GB of dicts for 262,144 reviews.
        rows = (
            HouseholdReview.objects.filter(round_id__in=round_ids, household_id__any_of=part)
            .annotate(facts_text=Cast("facts", TextField()))
            .values_list(
                "pk", "household__code", "round__year", "state", "income_per_capita", "facts_text", "causes", "version"
            )
        )
        for pk, code, year, state, income, facts, causes, version in rows:
            found[(code, year)] = ExistingReview(
                pk, state, str(labels[state]), income, RawJSON(facts), tuple(causes), version
            )
    return found


def _history(household_ids: list[int], up_to_year: int | None) -> dict[int, list[tuple[int, str, str]]]:
    """Approved ``(year, standard code, status)`` of the households, up to the import's last year. Each row
    keeps to the statuses before its own year (``households.transitions.transition_in_year``): a sheet may
    hold several years, and an earlier year's row is never compared with a later year's status nor with an
    ongoing review of its own year."""
    history: dict[int, list[tuple[int, str, str]]] = {}
    for part in value_parts(household_ids):
        history.update(last_approved_statuses(household_ids=part, up_to_year=up_to_year))
    return history
