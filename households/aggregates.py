"""What one approved review adds to the statistics, and how a household's flow from one year to the next
changes when the review that stands for it does: plain data in, counts out (no database)."""

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


# (household, year, standard): whose review stands, as ``StatisticSource`` keys it.
SourceKey = tuple[int, int, str]
# (year, standard, start commune, start status, end commune, end status, end transition): a ``StatisticFlow``.
FlowKey = tuple[int, str, int | None, str, int | None, str, str]


@dataclass(frozen=True)
class Standing:
    """The parts of a household's standing review in a year that its flows count."""

    commune_id: int
    status: str
    transition: str


def flow(*, year: int, standard: str, start: Standing | None, end: Standing | None) -> FlowKey | None:
    """The flow a household counts in for ``year``: from its standing review of ``year - 1`` (its start) to
    that of ``year`` (its end), an empty side where it has none; None when it has neither."""
    if start is None and end is None:
        return None
    return (
        year,
        standard,
        start.commune_id if start else None,
        start.status if start else "",
        end.commune_id if end else None,
        end.status if end else "",
        end.transition if end else "",
    )


def flow_changes(before: Mapping[SourceKey, Standing], after: Mapping[SourceKey, Standing]) -> dict[FlowKey, int]:
    """How the flows change when the standing reviews of some households go from ``before`` to ``after``
    (each: every standing review of those households). A review standing for a household in year Y is the end
    of its flow of Y and the start of its flow of Y + 1: each of those whose start or end changed gives −1
    to its old flow and +1 to its new one."""
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    touched = {(household, year + later, standard) for household, year, standard in changed for later in (0, 1)}
    deltas: dict[FlowKey, int] = defaultdict(int)
    for household, year, standard in touched:
        start, end = (household, year - 1, standard), (household, year, standard)
        old = flow(year=year, standard=standard, start=before.get(start), end=before.get(end))
        new = flow(year=year, standard=standard, start=after.get(start), end=after.get(end))
        if old == new:
            continue
        if old is not None:
            deltas[old] -= 1
        if new is not None:
            deltas[new] += 1
    return {key: n for key, n in deltas.items() if n}
