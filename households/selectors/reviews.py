"""Reads of review rounds and household reviews, always within the user's area."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from households.models import HouseholdReview, ReviewRound, ReviewState

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def round_list(*, user: User) -> QuerySet[ReviewRound]:
    ids = visible_unit_ids(user)
    # commune and standard are shown in every row.
    rounds = ReviewRound.objects.select_related("commune", "standard")
    return rounds if ids is None else rounds.filter(commune__in=ids)


def round_get(*, user: User, pk: int) -> ReviewRound:
    return get_object_or_404(round_list(user=user), pk=pk)


def review_list(*, user: User, review_round: ReviewRound | None = None) -> QuerySet[HouseholdReview]:
    ids = visible_unit_ids(user)
    # household, village and round are shown in every row.
    reviews = HouseholdReview.objects.select_related("household", "village", "round", "round__standard")
    if review_round is not None:
        reviews = reviews.filter(round=review_round)
    return reviews if ids is None else reviews.filter(village__in=ids)


def review_get(*, user: User, pk: int) -> HouseholdReview:
    return get_object_or_404(review_list(user=user).select_related("decision", "meeting", "commune"), pk=pk)


def last_approved_statuses(
    *, household_ids: Iterable[int], up_to_year: int | None = None, exclude_review_id: int | None = None
) -> dict[int, list[tuple[str, str]]]:
    """Approved ``(standard code, status)`` pairs of each household, oldest first (by year, then approval
    time). One query. The standard comes with each status because statuses are compared under one
    standard only (``households.transitions.transition_under``)."""
    reviews = HouseholdReview.objects.filter(household_id__any_of=list(household_ids), state=ReviewState.APPROVED)
    if up_to_year is not None:
        reviews = reviews.filter(round__year__lte=up_to_year)
    if exclude_review_id is not None:
        reviews = reviews.exclude(pk=exclude_review_id)
    history: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for household_id, code, status in reviews.order_by("round__year", "approved_at", "pk").values_list(
        "household_id", "round__standard__code", "status"
    ):
        history[household_id].append((code, status))
    return dict(history)


def approval_queue(*, user: User) -> QuerySet[HouseholdReview]:
    """Reviews submitted to the commune chair and not yet decided, oldest submission first, by round."""
    return (
        review_list(user=user)
        .filter(state=ReviewState.SUBMITTED)
        .select_related("round__commune")
        .order_by("round__commune__name", "round__year", "round_id", "submitted_at", "household__code")
    )


def returned_reviews(*, user: User) -> QuerySet[HouseholdReview]:
    """Reviews the chair sent back, for the staff to correct."""
    return (
        review_list(user=user)
        .filter(state=ReviewState.RETURNED)
        .select_related("round__commune")
        .order_by("round__commune__name", "household__code")
    )


def review_state_counts(reviews: QuerySet[HouseholdReview]) -> dict[str, int]:
    """How many of ``reviews`` are in each state (one aggregate query)."""
    return dict(reviews.order_by().values_list("state").annotate(count=Count("*")))


def review_round_counts(reviews: QuerySet[HouseholdReview]) -> dict[int, int]:
    """How many of ``reviews`` each round holds (one aggregate query)."""
    return dict(reviews.order_by().values_list("round_id").annotate(count=Count("*")))
