"""Reads of review rounds and household reviews, always within the user's area."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from households.models import HouseholdReview, ReviewDecision, ReviewRound, ReviewState
from households.ongoing import OngoingRequest
from households.workflow import DISTRICT_ABOLISHED_ON, Step, step_from

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def round_list(*, user: User) -> QuerySet[ReviewRound]:
    ids = visible_unit_ids(user)
    # commune and standard are shown in every row.
    rounds = ReviewRound.objects.select_related("commune", "standard")
    return rounds if ids is None else rounds.filter(commune_id__any_of=list(ids))


def round_get(*, user: User, pk: int) -> ReviewRound:
    return get_object_or_404(round_list(user=user), pk=pk)


def review_list(*, user: User, review_round: ReviewRound | None = None) -> QuerySet[HouseholdReview]:
    ids = visible_unit_ids(user)
    # household, village and round are shown in every row.
    reviews = HouseholdReview.objects.select_related("household", "village", "round", "round__standard")
    if review_round is not None:
        reviews = reviews.filter(round=review_round)
    return reviews if ids is None else reviews.filter(village_id__any_of=list(ids))


def review_get(*, user: User, pk: int) -> HouseholdReview:
    return get_object_or_404(review_list(user=user).select_related("decision", "meeting", "commune"), pk=pk)


def last_approved_statuses(
    *, household_ids: Iterable[int], up_to_year: int | None = None, exclude_review_id: int | None = None
) -> dict[int, list[tuple[int, str, str]]]:
    """Approved ``(year, standard code, status)`` triples of each household, oldest first: by round year,
    then approval time, so the last of a year is the review that stands for it (as
    ``households.models.StatisticSource`` keeps it). One query. The year and the standard come with each
    status because a transition compares a review with the end of the previous year, under the same
    standard only (``households.transitions.transition_in_year``)."""
    reviews = HouseholdReview.objects.filter(household_id__any_of=list(household_ids), state=ReviewState.APPROVED)
    if up_to_year is not None:
        reviews = reviews.filter(round__year__lte=up_to_year)
    if exclude_review_id is not None:
        reviews = reviews.exclude(pk=exclude_review_id)
    history: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for household_id, year, code, status in reviews.order_by("round__year", "approved_at", "pk").values_list(
        "household_id", "round__year", "round__standard__code", "status"
    ):
        history[household_id].append((year, code, status))
    return dict(history)


def decision_reviews(*, user: User, review_round: ReviewRound, decision: ReviewDecision) -> QuerySet[HouseholdReview]:
    """The reviews a decision recognised, within the user's area, each with ``status_before``: the household's
    last status under the round's standard approved before this review (its previous year, or an ongoing
    decision earlier in the same year), "" if none. One query: Form 02 of Decision 24/2021/QĐ-TTg lists the
    escaped households against the status they were recognised in (``households.transitions.escaped_from``)."""
    earlier = (
        HouseholdReview.objects.filter(
            household=OuterRef("household_id"),
            state=ReviewState.APPROVED,
            round__standard=OuterRef("round__standard_id"),
        )
        .filter(
            Q(round__year__lt=OuterRef("round__year"))
            | Q(round__year=OuterRef("round__year"), approved_at__lt=OuterRef("approved_at"))
        )
        .order_by("-round__year", "-approved_at", "-pk")
        .values("status")[:1]
    )
    return (
        review_list(user=user, review_round=review_round)
        .filter(decision=decision, state=ReviewState.APPROVED)
        .annotate(status_before=Coalesce(Subquery(earlier), Value("")))
        .order_by("village__name", "household__code")
    )


def last_approved_review(*, user: User, household_id: int) -> HouseholdReview | None:
    """The household's approved review that stands last (latest round year, then approval), within the user's
    area; None if none."""
    reviews = review_list(user=user).filter(household_id=household_id, state=ReviewState.APPROVED)
    return reviews.select_related("decision").order_by("-round__year", "-approved_at", "-pk").first()


def approval_queue(*, user: User) -> QuerySet[HouseholdReview]:
    """Reviews waiting for the commune chair's decision, oldest submission first, by round: submitted, and in a
    round before 1 July 2025 also seen by the district chair (``households.workflow``)."""
    before = Q(round__starts_on__lt=DISTRICT_ABOLISHED_ON)
    ready = Q(before, state__in=step_from(Step.APPROVE, with_district=True)) | Q(
        ~before, state__in=step_from(Step.APPROVE, with_district=False)
    )
    return (
        review_list(user=user)
        .filter(ready)
        .select_related("round__commune")
        .order_by("round__commune__name", "round__year", "round_id", "submitted_at", "household__code")
    )


def ongoing_requests(*, user: User, review_round: ReviewRound) -> list[OngoingRequest]:
    """The requests of an ongoing round (``households.ongoing``): the day each came (the day it was entered where
    no request day was given) and the day of its decision. One narrow query."""
    rows = (
        review_list(user=user, review_round=review_round)
        .order_by()
        .values_list("pk", "household__code", "requested_on", "created_at", "decision__signed_on")
    )
    return [
        OngoingRequest(pk, code, requested_on or timezone.localdate(created_at), signed_on)
        for pk, code, requested_on, created_at, signed_on in rows
    ]


def returned_reviews(*, user: User) -> QuerySet[HouseholdReview]:
    """Reviews the chair sent back, for the staff to correct."""
    return (
        review_list(user=user)
        .filter(state=ReviewState.RETURNED)
        .select_related("round__commune")
        .order_by("round__commune__name", "household__code")
    )


def open_rounds(*, user: User, commune_id: int, today: datetime.date) -> QuerySet[ReviewRound]:
    """The commune's review rounds of ``today``'s year not yet over (its annual round until 14 December, its
    ongoing round until the end of the year): those a household of the commune is reviewed in now."""
    return (
        round_list(user=user)
        .filter(commune_id=commune_id, year=today.year, ends_on__gte=today)
        .order_by("kind", "starts_on", "pk")
    )


def reviews_at_steps(*, user: User, steps: Iterable[Step]) -> QuerySet[HouseholdReview]:
    """Reviews in the user's area that one of ``steps`` is taken from, in the period of their round (with the
    district chair's opinion before 1 July 2025 or without it, ``households.workflow``)."""
    steps = list(steps)
    if not steps:
        return review_list(user=user).none()
    before = Q(round__starts_on__lt=DISTRICT_ABOLISHED_ON)
    with_district = set().union(*(step_from(step, with_district=True) for step in steps))
    without_district = set().union(*(step_from(step, with_district=False) for step in steps))
    return (
        review_list(user=user)
        .filter(Q(before, state__in=with_district) | Q(~before, state__in=without_district))
        .select_related("round__commune")
    )


def review_round_state_counts(reviews: QuerySet[HouseholdReview]) -> dict[tuple[int, str], int]:
    """How many of ``reviews`` each round holds in each state (one aggregate query)."""
    rows = reviews.order_by().values_list("round_id", "state").annotate(count=Count("*"))
    return {(round_id, state): count for round_id, state, count in rows}


def review_village_counts(reviews: QuerySet[HouseholdReview]) -> list[tuple[int, str, int]]:
    """``(village id, village name, count)`` of ``reviews``, by village name (one aggregate query)."""
    rows = reviews.order_by().values_list("village_id", "village__name").annotate(count=Count("*"))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def review_state_counts(reviews: QuerySet[HouseholdReview]) -> dict[str, int]:
    """How many of ``reviews`` are in each state (one aggregate query)."""
    return dict(reviews.order_by().values_list("state").annotate(count=Count("*")))


def review_round_counts(reviews: QuerySet[HouseholdReview]) -> dict[int, int]:
    """How many of ``reviews`` each round holds (one aggregate query)."""
    return dict(reviews.order_by().values_list("round_id").annotate(count=Count("*")))
