"""The change of poor and of near-poor households over a year (Circular 07/2021/TT-BLĐTBXH, Appendix VII),
every column counted from the households themselves, none a residual.

A household's start is the approved review that stands for it in the previous year, its end the one that
stands for it in the year (``StatisticSource``: one per household, year and standard), both under the
report's standard; ``StatisticFlow`` counts the households by the commune and status of each, kept on
approval. Each is placed in the row unit its commune adds up to in that year (``households.selectors.rollup``),
so a household whose commune was merged in the 2025 reform is in the same row at both ends — it did not
move — while one whose old commune was split, or lies outside the user's area, has no row at that end (the
roll-up's notes name those communes).

For a row unit U and the status the table is about (poor, or near-poor):

- (1) the households with that status at the start in U;
- (2), (3) the households in U at both ends whose transition is the first or second decrease;
- (4) the households of (1) not reviewed in U in the year: moved away, split or merged into another
  household, or not reviewed again;
- (5), (6), (7) the households in U at the end whose transition is the increase of the column;
- (8) the households with that status at the end in U counted in none of the above and not "stayed" in U:
  moved in, first review under a new standard (``Transition.BASELINE``), not reviewed the year before;
- the end: the households with that status at the end in U, counted on their own.

So "end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8" is a check, not a definition: it holds exactly when every
household reviewed in U at both ends has a transition that matches its status at the start, as
``households.transitions.transition_in_year`` gives it. A stored transition that contradicts the start (an
annual review compared with an ongoing review of its own year, a start changed after the end was decided)
breaks it, and the report says so. No column can be negative.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from households.models import AdministrativeUnit, StatisticFlow
from households.selectors.rollup import rollup
from households.transitions import Transition
from standards.classification import Status

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ChangeKinds:
    """Which transitions feed the columns of the change table of one status."""

    status: str
    decrease: tuple[str, str]  # columns 2 and 3
    increase: tuple[str, str, str]  # columns 5, 6 and 7
    stayed: str


# Circular 07/2021/TT-BLĐTBXH, Appendix VII: the change in poor households …
POOR_CHANGES = ChangeKinds(
    status=Status.POOR.value,
    decrease=(Transition.POOR_TO_NEAR_POOR.value, Transition.POOR_ESCAPED.value),
    increase=(Transition.NEAR_POOR_TO_POOR.value, Transition.FELL_BACK_POOR.value, Transition.NEWLY_POOR.value),
    stayed=Transition.STAYED_POOR.value,
)
# … and in near-poor households: near-poor became poor, escaped near-poverty (thoát cận nghèo); poor became
# near-poor, fell back into near-poverty (tái cận nghèo), newly near-poor (cận nghèo phát sinh mới).
NEAR_POOR_CHANGES = ChangeKinds(
    status=Status.NEAR_POOR.value,
    decrease=(Transition.NEAR_POOR_TO_POOR.value, Transition.NEAR_POOR_ESCAPED.value),
    increase=(
        Transition.POOR_TO_NEAR_POOR.value,
        Transition.FELL_BACK_NEAR_POOR.value,
        Transition.NEWLY_NEAR_POOR.value,
    ),
    stayed=Transition.STAYED_NEAR_POOR.value,
)


@dataclass(frozen=True)
class Flow:
    """Households with the same start and end: row unit and status at the start (the standing review of
    the previous year), row unit, status and transition at the end (the standing review of the year). A unit
    is None where the household has no review there within the report's units and the user's area."""

    start_unit: int | None
    start_status: str
    end_unit: int | None
    end_status: str
    transition: str
    households: int


@dataclass(frozen=True)
class ChangeRow:
    c1: int
    c2: int
    c3: int
    c4: int
    c5: int
    c6: int
    c7: int
    c8: int
    end: int

    @property
    def formula(self) -> int:
        """1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 (Circular 07/2021/TT-BLĐTBXH, Appendix VII)."""
        return self.c1 - self.c2 - self.c3 - self.c4 + self.c5 + self.c6 + self.c7 + self.c8

    @property
    def adds_up(self) -> bool:
        return self.formula == self.end

    def as_dict(self) -> dict[str, int]:
        return {
            "c1": self.c1,
            "c2": self.c2,
            "c3": self.c3,
            "c4": self.c4,
            "c5": self.c5,
            "c6": self.c6,
            "c7": self.c7,
            "c8": self.c8,
            "end": self.end,
        }


def change_row(flows: Iterable[Flow], *, unit: int, kinds: ChangeKinds) -> ChangeRow:
    """The columns of row unit ``unit`` (its pk) in the change table of ``kinds.status``, each counted (pure)."""
    c = dict.fromkeys(("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "end"), 0)
    for flow in flows:
        n = flow.households
        at_start = flow.start_unit == unit
        at_end = flow.end_unit == unit
        if at_start and flow.start_status == kinds.status:
            c["c1"] += n
            if not at_end:
                c["c4"] += n
        if not at_end:
            continue
        if at_start and flow.transition == kinds.decrease[0]:
            c["c2"] += n
        elif at_start and flow.transition == kinds.decrease[1]:
            c["c3"] += n
        if flow.transition in kinds.increase:
            c[("c5", "c6", "c7")[kinds.increase.index(flow.transition)]] += n
        if flow.end_status == kinds.status:
            c["end"] += n
            stayed = at_start and flow.transition == kinds.stayed
            if not stayed and flow.transition not in kinds.increase:
                c["c8"] += n
    return ChangeRow(**c)


def change_flows(
    *, user: User, units: Sequence[AdministrativeUnit], year: int, standard: str
) -> tuple[list[Flow], list[str]]:
    """The flows of households into, out of and within ``units`` (the rows of a report) from the end of
    ``year - 1`` to the end of ``year``, under ``standard``, within the user's area; and the notes of the
    roll-up on communes left out.

    Queries: the roll-up's (one or two) and two of ``StatisticFlow`` (a few rows per commune, kept on
    approval): the flows that end in the units, and those of poor and near-poor households that start in them
    and end elsewhere or nowhere. Communes are placed in rows here.
    """
    parts = rollup(user=user, units=units, years=[year - 1, year])
    owner: dict[int, dict[int, int]] = {year - 1: {}, year: {}}
    notes: set[str] = set()
    for (unit_pk, part_year), part in parts.items():
        notes.update(part.notes)
        owner[part_year].update(dict.fromkeys(part.commune_ids, unit_pk))
    start_communes, end_communes = list(owner[year - 1]), list(owner[year])
    if not start_communes and not end_communes:
        return [], sorted(notes)

    stored = StatisticFlow.objects.filter(year=year, standard=standard)
    found: dict[tuple, int] = defaultdict(int)
    ends = stored.filter(end_commune__in=end_communes).values_list(
        "start_commune_id", "start_status", "end_commune_id", "end_status", "transition", "households"
    )
    for start_commune, start_status, commune, status, transition, n in ends:
        start_unit = owner[year - 1].get(start_commune)
        key = (start_unit, start_status if start_unit is not None else "", owner[year][commune], status, transition)
        found[key] += n
    # Households counted at the start with no end in the units: only poor and near-poor ones make columns.
    starts = (
        stored.filter(start_commune__in=start_communes, start_status__in=[Status.POOR.value, Status.NEAR_POOR.value])
        .exclude(end_commune__in=end_communes)
        .values_list("start_commune_id", "start_status", "households")
    )
    for commune, status, n in starts:
        found[(owner[year - 1][commune], status, None, "", "")] += n
    flows = [Flow(*key, households=n) for key, n in found.items()]
    return flows, sorted(notes)
