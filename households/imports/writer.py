"""Writing a checked import plan in bulk: ``bulk_create`` / ``bulk_update`` in batches, with history rows.

Every write leaves a django-simple-history row (``bulk_create_with_history``, ``bulk_update_with_history``
and, for removed members, rows of type "-"), so an imported change shows in the household's history.
Called inside the import's transaction by ``households.imports.services.import_commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.lookups import value_parts
from households.models import AdministrativeUnit, Household, HouseholdReview, Member, ReviewKind, ReviewState
from households.provinces import province_of
from households.services import round_open

from .checking import ImportContext, Plan, ethnicity_id
from .context import new_household_codes
from .copy import CopiedRows, FormattedRows, copy_formatted, copy_with_history, format_rows, reserve_ids
from .records import (
    DERIVED_FIELDS,
    LET_GO,
    MEMBER_FIELDS,
    HouseholdRecord,
    MemberRecord,
    Records,
    ReviewRecord,
    as_python,
    member_field_values,
)

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 2000


HOUSEHOLD_UPDATE_FIELDS = ("village", "address", "phone", "head_ethnicity", "has_meritorious_person", *DERIVED_FIELDS)
REVIEW_RESULT_FIELDS = ("facts", "status", "deprived", "deprived_count", "explanation", "previous_status", "transition")

Progress = Callable[[float], None]


def _noop(_fraction: float) -> None:
    return None


def _set_household(household: Household, record: HouseholdRecord) -> None:
    values = record.values
    household.village_id = values["village_id"]
    household.address = values["address"]
    household.phone = values["phone"]
    household.head_ethnicity_id = values["head_ethnicity_id"]
    household.has_meritorious_person = values["has_meritorious_person"]
    for name in DERIVED_FIELDS:
        setattr(household, name, values[name])


def _member(values: dict[str, Any], member: Member) -> Member:
    for name in MEMBER_FIELDS:
        if name == "ethnicity":
            member.ethnicity_id = values["ethnicity"]
        else:
            setattr(member, name, values[name])
    return member


# The columns of the COPY of new rows; the commune, the user and the defaults are the same for every row.
HOUSEHOLD_COPY_COLUMNS = (
    "id",
    "code",
    "village_id",
    "address",
    "phone",
    "head_ethnicity_id",
    "has_meritorious_person",
    *DERIVED_FIELDS,
)
MEMBER_COPY_COLUMNS = ("id", "household_id", *(f"{name}_id" if name == "ethnicity" else name for name in MEMBER_FIELDS))
REVIEW_COPY_COLUMNS = (
    "id",
    "round_id",
    "household_id",
    "village_id",
    "is_urban",
    "income_per_capita",
    "causes",
    *REVIEW_RESULT_FIELDS,
)
_household_values = itemgetter(*HOUSEHOLD_COPY_COLUMNS[2:])
_review_result = itemgetter(*REVIEW_RESULT_FIELDS)


def _by_pk(model, pks: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for part in value_parts(pks):
        found.update(model.objects.filter(pk__any_of=part).in_bulk())
    return found


def _history_deleted(model, objs: Iterable[Any], *, user: User) -> None:
    history = model.history.model
    now = timezone.now()
    rows = []
    for obj in objs:
        row = history(
            history_date=now,
            history_user=user,
            history_type="-",
            **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
        )
        rows.append(row)
    history.objects.bulk_create(rows, batch_size=BATCH)


def write_plan(*, user: User, commune: AdministrativeUnit, plan: Plan, progress: Progress = _noop) -> dict[int, int]:
    """Save what ``plan`` says. Returns the ids of the rounds used, by year."""
    copied = write_households(
        user=user,
        commune=commune,
        households=plan.households,
        member_deletions=plan.member_deletions,
        progress=progress,
    )
    return write_reviews(user=user, commune=commune, plan=plan, progress=progress, copied_households=copied)


# The members' values around their ethnicity, which ``write_members_first`` gives as an id.
_ETHNICITY = MEMBER_FIELDS.index("ethnicity")
_before_ethnicity = attrgetter(*MEMBER_FIELDS[:_ETHNICITY])
_after_ethnicity = attrgetter(*MEMBER_FIELDS[_ETHNICITY + 1 :])
MEMBER_FIRST_COLUMNS = MEMBER_COPY_COLUMNS[1:]  # their ids come from the table's identity


def write_members_first(
    *, user: User, context: ImportContext, records: Records, members: Iterable[list[MemberRecord]]
) -> tuple[dict[str, int], CopiedRows]:
    """COPY the members of the households the database does not hold (``context.households``: new,
    whatever the check finds) as the members sheet is read, a part at a time (PostgreSQL only). Returns
    the ids reserved for those households, by code, for ``write_households``, and the members copied:
    their history rows and the check of their foreign keys are left to the caller (the check once their
    households are written). An ethnicity that is not known stops the COPY (the check reports it)."""
    codes = new_household_codes(context, records)
    household_ids = dict(zip(codes, reserve_ids(Household, len(codes)), strict=True))
    ethnicities = context.ethnicities

    def rows() -> Iterator[tuple[Any, ...]]:
        for part in members:
            for member in part:
                household_id = household_ids.get(member.household_code)
                if household_id is not None:
                    ethnicity = ethnicity_id(ethnicities, member.ethnicity)
                    yield (household_id, *_before_ethnicity(member), ethnicity, *_after_ethnicity(member))

    copied = copy_with_history(
        Member,
        MEMBER_FIRST_COLUMNS,
        rows(),
        values={"province_id": province_of(context.commune_id)},
        user_id=user.pk,
        history_of="household_id",
        finish=False,
    )
    return household_ids, copied


def write_households(
    *,
    user: User,
    commune: AdministrativeUnit,
    households: list[HouseholdRecord],
    member_deletions: list[int],
    progress: Progress = _noop,
    reserved: Mapping[str, int] | None = None,
    members_written: Collection[str] = (),
) -> frozenset[int]:
    """The households and their members of a plan (the first 70 % of ``write_plan``); new households get
    their ids here, or take those ``reserved`` for them (by code). ``members_written``: the codes of the new
    households whose members ``write_members_first`` wrote already. Returns the ids of the households copied
    (PostgreSQL), for the checks of the rows that refer to them (``CopiedRows.check_references``)."""
    reserved = reserved or {}
    # Households: new ones, then the changed ones (version bumped, as an edit through the form would).
    new = [r for r in households if r.id is None]
    if not set(reserved) <= {r.code for r in new}:  # both come from the import's one context
        raise RuntimeError("Ids were reserved for households that are not new.")
    changed = [r for r in households if r.id is not None and r.changed]
    use_copy = connection.vendor == "postgresql"
    # The sharding key of every row written: an import is of one commune's households.
    province = province_of(commune.pk)
    if use_copy:
        unreserved = [r for r in new if r.code not in reserved]
        for record, pk in zip(unreserved, reserve_ids(Household, len(unreserved)), strict=True):
            record.id = pk
        for record in new:
            record.id = reserved.get(record.code, record.id)
        copy_with_history(
            Household,
            HOUSEHOLD_COPY_COLUMNS,
            ((r.id, r.code, *_household_values(r.values)) for r in new),
            values={"commune_id": commune.pk, "province_id": province, "created_by_id": user.pk},
            user_id=user.pk,
        )
        copied = frozenset(r.id for r in new)  # a COPY writes all its rows or fails
    else:
        copied = frozenset()
        created = []
        for record in new:
            household = Household(code=record.code, commune_id=commune.pk, province_id=province, created_by=user)
            _set_household(household, record)
            created.append(household)
        created = bulk_create_with_history(created, Household, batch_size=BATCH, default_user=user)
        for record, household in zip(new, created, strict=True):
            record.id = household.pk
    progress(0.2)

    existing = _by_pk(Household, [r.id for r in changed])
    updated = []
    for record in changed:
        household = existing[record.id]
        _set_household(household, record)
        household.version += 1
        updated.append(household)
    if updated:
        bulk_update_with_history(
            updated, Household, [*HOUSEHOLD_UPDATE_FIELDS, "version"], batch_size=BATCH, default_user=user
        )
    progress(0.3)

    # Members: removed first, so that a citizen ID moving between members of one household is free again.
    if member_deletions:
        gone = _by_pk(Member, member_deletions)
        _history_deleted(Member, gone.values(), user=user)
        for part in value_parts(member_deletions):
            Member.objects.filter(pk__any_of=part).delete()
    member_updates = [m for r in households for m in r.members if m.id is not None and m.changed]
    if member_updates:
        existing_members = _by_pk(Member, [m.id for m in member_updates])
        objs = [_member(m.values, existing_members[m.id]) for m in member_updates]
        bulk_update_with_history(objs, Member, list(MEMBER_FIELDS), batch_size=BATCH, default_user=user)
    if use_copy:
        new_members = [
            (m, r.id) for r in households if r.code not in members_written for m in r.members if m.id is None
        ]
        member_ids = reserve_ids(Member, len(new_members))
        copy_with_history(
            Member,
            MEMBER_COPY_COLUMNS,
            (
                (pk, household_id, *member_field_values(member))
                for (member, household_id), pk in zip(new_members, member_ids, strict=True)
            ),
            values={"province_id": province},
            user_id=user.pk,
            written_here={"household_id": copied},
        )
    else:
        new_members = [
            _member(m.values, Member(household_id=r.id, province_id=province))
            for r in households
            for m in r.members
            if m.id is None
        ]
        bulk_create_with_history(new_members, Member, batch_size=BATCH, default_user=user)
    progress(0.7)
    return copied


def write_reviews(
    *,
    user: User,
    commune: AdministrativeUnit,
    plan: Plan,
    progress: Progress = _noop,
    copied_households: frozenset[int] = frozenset(),
) -> dict[int, int]:
    """The reviews of a plan whose households ``write_households`` saved (the last 30 % of ``write_plan``), in
    the rounds it opens. Returns the ids of the rounds opened, by year."""
    households = {r.code: r for r in plan.households}
    writer = ReviewWriter(user=user, commune=commune, households=households, copied_households=copied_households)
    for year in plan.rounds_to_open:
        writer.round_id(year)
    writer.write(plan.reviews)
    progress(1.0)
    return writer.opened


@dataclass
class PreparedReviews:
    """A part of the checked reviews, ready for ``ReviewWriter.write``: the new ones in COPY's text
    (PostgreSQL) or as records, and the ones that change saved reviews."""

    formatted: FormattedRows | None
    new: list[ReviewRecord]
    updates: list[ReviewRecord]

    def __len__(self) -> int:  # the reviews written
        return len(self.formatted.ids if self.formatted is not None else self.new) + len(self.updates)


class ReviewWriter:
    """Writes checked reviews, all at once or a part at a time (the commit writes them as they are checked);
    the round of a year the import opens is opened with the first review of that year.

    On PostgreSQL the commit opens the rounds and reserves the reviews' ids ahead (``prepare_ahead``):
    ``prepare`` then needs no database, and the thread that checks the reviews makes their
    COPY text itself, so that the database never waits for it while it writes (``services``)."""

    def __init__(
        self,
        *,
        user: User,
        commune: AdministrativeUnit,
        households: Mapping[str, HouseholdRecord],
        copied_households: frozenset[int] = frozenset(),
        household_ids: Mapping[str, int] | None = None,
    ):
        self.user = user
        self.commune = commune
        self.households = households  # by code; their ids once ``write_households`` saved them
        self.household_ids = household_ids or {}  # ids reserved for new households, by code
        self.copied_households = copied_households  # the ids of those ``write_households`` copied
        self.now = timezone.now()
        self.opened: dict[int, int] = {}  # year → the id of the round opened
        self.review_ids: list[int] = []  # reserved, taken from the end
        self.ahead = False  # ``prepare_ahead`` ran: ``prepare`` touches no database
        self.copy = connection.vendor == "postgresql"
        self.constants = {
            "commune_id": commune.pk,
            # The households' province, the sharding key: an import is of one commune's households.
            "province_id": province_of(commune.pk),
            # As it was that day, like ``is_urban`` (Decision 1143/2000/QĐ-LĐTBXH: the 2001-2005 line).
            "is_mountain_island": commune.is_mountain_island,
            "state": ReviewState.DRAFT.value,
            "created_by_id": user.pk,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def round_id(self, year: int) -> int:
        if year not in self.opened:
            self.opened[year] = round_open(user=self.user, commune=self.commune, year=year, kind=ReviewKind.ANNUAL).pk
        return self.opened[year]

    def prepare_ahead(self, years: Iterable[int], count: int) -> None:
        """Open the rounds of ``years`` and reserve ids for ``count`` new reviews (those not used are gaps in
        the sequence): ``prepare`` then needs no database, and refuses to use it."""
        for year in years:
            self.round_id(year)
        if self.copy:
            self.review_ids.extend(reversed(reserve_ids(HouseholdReview, count)))
        self.ahead = True

    def _round_id(self, year: int) -> int:
        if self.ahead and year not in self.opened:
            raise RuntimeError(f"The round of {year} was not opened ahead.")
        return self.round_id(year)

    def _ids(self, count: int) -> list[int]:
        if count > len(self.review_ids):
            if self.ahead:
                raise RuntimeError("Too few review ids were reserved ahead.")
            self.review_ids.extend(reversed(reserve_ids(HouseholdReview, count - len(self.review_ids))))
        taken = self.review_ids[len(self.review_ids) - count :]
        del self.review_ids[len(self.review_ids) - count :]
        return taken

    def prepare(self, reviews: list[ReviewRecord]) -> PreparedReviews:
        """No database after ``prepare_ahead`` (else it opens the rounds and reserves the ids it needs)."""
        new = [r for r in reviews if r.id is None]
        updates = [r for r in reviews if r.id is not None and r.changed]
        if not self.copy or not new:
            return PreparedReviews(None, new, updates)
        households, household_ids = self.households, self.household_ids
        rounds = {r.year: r.round_id or self._round_id(r.year) for r in new}

        def review_row(record: ReviewRecord, pk: int) -> tuple[Any, ...]:
            household = households[record.household_code]
            return (
                pk,
                rounds[record.year],
                household.id or household_ids[record.household_code],
                household.values["village_id"],
                household.is_urban,
                record.income_per_capita,
                record.causes,
                *_review_result(record.result),
            )

        rows = (review_row(r, pk) for r, pk in zip(new, self._ids(len(new)), strict=True))
        formatted = format_rows(HouseholdReview, REVIEW_COPY_COLUMNS, rows, values=self.constants)
        # The COPY text holds what they store now: their facts and outcome would otherwise stay in memory
        # until the import ends, a kilobyte and a half a review (issue 25).
        for record in new:
            record.facts = record.result = LET_GO
        return PreparedReviews(formatted, [], updates)

    def write(self, reviews: list[ReviewRecord] | PreparedReviews) -> None:
        prepared = reviews if isinstance(reviews, PreparedReviews) else self.prepare(reviews)
        user, now, households = self.user, self.now, self.households
        # Reviews start as drafts in the commune's round of their year.
        if prepared.formatted is not None:
            copy_formatted(prepared.formatted, user_id=user.pk, written_here={"household_id": self.copied_households})
        elif prepared.new:

            def review_values(record: ReviewRecord) -> dict[str, Any]:
                household = households[record.household_code]
                return {
                    "round_id": record.round_id or self.round_id(record.year),
                    "household_id": household.id,
                    "village_id": household.values["village_id"],
                    "is_urban": household.is_urban,
                    "income_per_capita": record.income_per_capita,
                    "causes": record.causes,
                    **self.constants,
                    **{name: as_python(record.result[name]) for name in REVIEW_RESULT_FIELDS},
                }

            objs = [HouseholdReview(**review_values(r)) for r in prepared.new]
            bulk_create_with_history(objs, HouseholdReview, batch_size=BATCH, default_user=user)
        if prepared.updates:
            existing_reviews = _by_pk(HouseholdReview, [r.id for r in prepared.updates])
            objs = []
            for record in prepared.updates:
                review = existing_reviews[record.id]
                review.income_per_capita = record.income_per_capita
                review.causes = record.causes
                for name in REVIEW_RESULT_FIELDS:
                    setattr(review, name, as_python(record.result[name]))
                review.version += 1
                review.updated_at = now
                objs.append(review)
            bulk_update_with_history(
                objs,
                HouseholdReview,
                ["income_per_capita", "causes", *REVIEW_RESULT_FIELDS, "version", "updated_at"],
                batch_size=BATCH,
                default_user=user,
            )
