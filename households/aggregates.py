"""What one approved review adds to the statistics: plain data in, counts out (no database)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewFacts:
    """The parts of an approved review (and its household) the statistics count."""

    year: int
    standard: str  # period code of the round's standard, e.g. "2021-2025"
    commune_id: int
    status: str
    transition: str
    people: int
    ethnicity: str  # code of the head's ethnicity, "" when unknown
    groups: frozenset[str]
    causes: tuple[str, ...]
    deprived: tuple[str, ...]


# (year, standard, commune_id, dimension, key, status)
Cell = tuple[int, str, int, str, str, str]


def contributions(review: ReviewFacts) -> dict[Cell, tuple[int, int]]:
    """The cells a review counts in, each with (households, people) = (1, members)."""
    base = (review.year, review.standard, review.commune_id)
    one = (1, review.people)
    cells: dict[Cell, tuple[int, int]] = {
        (*base, "status", "", review.status): one,
        (*base, "transition", review.transition, review.status): one,
        (*base, "ethnicity", review.ethnicity, review.status): one,
    }
    for group in review.groups:
        cells[(*base, "group", group, review.status)] = one
    for cause in dict.fromkeys(review.causes):
        cells[(*base, "cause", cause, review.status)] = one
    for indicator in dict.fromkeys(review.deprived):
        cells[(*base, "indicator", indicator, review.status)] = one
    return cells


def add_up(reviews: Iterable[ReviewFacts]) -> dict[Cell, tuple[int, int]]:
    """Sum the contributions of many reviews: cell → (households, people)."""
    totals: dict[Cell, list[int]] = defaultdict(lambda: [0, 0])
    for review in reviews:
        for cell, (households, people) in contributions(review).items():
            total = totals[cell]
            total[0] += households
            total[1] += people
    return {cell: (h, p) for cell, (h, p) in totals.items()}


def subtract(cells: Mapping[Cell, tuple[int, int]]) -> dict[Cell, tuple[int, int]]:
    return {cell: (-h, -p) for cell, (h, p) in cells.items()}
