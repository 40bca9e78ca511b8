"""Writing a checked import plan in bulk: ``bulk_create`` / ``bulk_update`` in batches, with history rows.

Every write leaves a django-simple-history row (``bulk_create_with_history``, ``bulk_update_with_history``
and, for removed members, rows of type "-"), so an imported change shows in the household's history.
Called inside the import's transaction by ``households.imports.services.import_commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from households.models import AdministrativeUnit, Household, HouseholdReview, Member, ReviewKind, ReviewState
from households.services import round_open

from .context import chunks
from .copy import copy_with_history, reserve_ids
from .validation import GROUP_FIELDS, MEMBER_FIELDS, HouseholdRecord, Plan, ReviewRecord, as_python

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 2000
HOUSEHOLD_UPDATE_FIELDS = ("village", "address", "phone", "head_ethnicity", "has_meritorious_person", *GROUP_FIELDS)
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
    for name in GROUP_FIELDS:
        setattr(household, name, values[name])


def _member(values: dict[str, Any], member: Member) -> Member:
    for name in MEMBER_FIELDS:
        if name == "ethnicity":
            member.ethnicity_id = values["ethnicity"]
        else:
            setattr(member, name, values[name])
    return member


def _household_row(record: HouseholdRecord, commune: AdministrativeUnit, user: User) -> dict[str, Any]:
    return {
        "id": record.id,
        "code": record.code,
        "commune_id": commune.pk,
        "created_by_id": user.pk,
        **{k: record.values[k] for k in ("village_id", "address", "phone", "head_ethnicity_id")},
        "has_meritorious_person": record.values["has_meritorious_person"],
        **{k: record.values[k] for k in GROUP_FIELDS},
    }


def _member_row(values: dict[str, Any], household_id: int, pk: int) -> dict[str, Any]:
    row = {name: values[name] for name in MEMBER_FIELDS if name != "ethnicity"}
    row["ethnicity_id"] = values["ethnicity"]
    row["household_id"] = household_id
    row["id"] = pk
    return row


def _by_pk(model, pks: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for part in chunks(pks):
        found.update(model.objects.filter(pk__in=part).in_bulk())
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
    now = timezone.now()
    rounds = dict.fromkeys(plan.rounds_to_open)
    for year in plan.rounds_to_open:
        rounds[year] = round_open(user=user, commune=commune, year=year, kind=ReviewKind.ANNUAL).pk

    # Households: new ones, then the changed ones (version bumped, as an edit through the form would).
    new = [r for r in plan.households if r.id is None]
    changed = [r for r in plan.households if r.id is not None and r.changed]
    use_copy = connection.vendor == "postgresql"
    if use_copy:
        for record, pk in zip(new, reserve_ids(Household, len(new)), strict=True):
            record.id = pk
        copy_with_history(Household, lambda: (_household_row(r, commune, user) for r in new), user_id=user.pk)
    else:
        created = []
        for record in new:
            household = Household(code=record.code, commune_id=commune.pk, created_by=user)
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
    if plan.member_deletions:
        gone = _by_pk(Member, plan.member_deletions)
        _history_deleted(Member, gone.values(), user=user)
        for part in chunks(plan.member_deletions):
            Member.objects.filter(pk__in=part).delete()
    member_updates = [m for r in plan.households for m in r.members if m.id is not None and m.changed]
    if member_updates:
        existing_members = _by_pk(Member, [m.id for m in member_updates])
        objs = [_member(m.values, existing_members[m.id]) for m in member_updates]
        bulk_update_with_history(objs, Member, list(MEMBER_FIELDS), batch_size=BATCH, default_user=user)
    if use_copy:
        new_members = [(m, r.id) for r in plan.households for m in r.members if m.id is None]
        member_ids = reserve_ids(Member, len(new_members))

        def member_rows():
            for (member, household_id), pk in zip(new_members, member_ids, strict=True):
                yield _member_row(member.values, household_id, pk)

        copy_with_history(Member, member_rows, user_id=user.pk)
    else:
        new_members = [
            _member(m.values, Member(household_id=r.id)) for r in plan.households for m in r.members if m.id is None
        ]
        bulk_create_with_history(new_members, Member, batch_size=BATCH, default_user=user)
    progress(0.7)

    # Reviews start as drafts in the commune's round of their year.
    households = {r.code: r for r in plan.households}
    new_reviews = [r for r in plan.reviews if r.id is None]
    review_updates: list[ReviewRecord] = [r for r in plan.reviews if r.id is not None and r.changed]

    def review_values(record: ReviewRecord) -> dict[str, Any]:
        household = households[record.household_code]
        return {
            "round_id": record.round_id or rounds[record.year],
            "household_id": household.id,
            "commune_id": commune.pk,
            "village_id": household.values["village_id"],
            "is_urban": household.is_urban,
            "income_per_capita": record.income_per_capita,
            "causes": record.causes,
            "state": ReviewState.DRAFT.value,
            "created_by_id": user.pk,
            "created_at": now,
            "updated_at": now,
            **{name: record.result[name] for name in REVIEW_RESULT_FIELDS},
        }

    def plain(values: dict[str, Any]) -> dict[str, Any]:
        return {name: as_python(value) for name, value in values.items()}

    if use_copy:
        review_ids = reserve_ids(HouseholdReview, len(new_reviews))

        def review_rows():
            for record, pk in zip(new_reviews, review_ids, strict=True):
                yield review_values(record) | {"id": pk}

        copy_with_history(HouseholdReview, review_rows, user_id=user.pk)
    else:
        objs = [HouseholdReview(**plain(review_values(r))) for r in new_reviews]
        bulk_create_with_history(objs, HouseholdReview, batch_size=BATCH, default_user=user)
    if review_updates:
        existing_reviews = _by_pk(HouseholdReview, [r.id for r in review_updates])
        objs = []
        for record in review_updates:
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
    progress(1.0)
    return {year: pk for year, pk in rounds.items() if pk}
