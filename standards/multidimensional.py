"""The Alkire-Foster multidimensional poverty measure (the method behind the deprivation indicators).

Pure and exact: every figure is a ``Fraction``, so the identities hold to the last digit:

- a household's deprivation score is ``c_i = Σ_j w_j·g_ij``; it is multidimensionally poor when
  ``c_i ≥ k`` (Vietnam: equal weights ``1/d`` and ``k = 3/d``, i.e. at least 3 indicators);
- headcount ``H = q/n``, intensity ``A`` = mean score of the poor, adjusted headcount ``M0 = H·A``;
- by indicator: censored headcounts ``h_j`` with ``M0 = Σ_j w_j·h_j`` and contributions ``w_j·h_j/M0``
  summing to 1;
- by subgroup (commune, ethnicity, …): ``M0 = Σ_g (n_g/n)·M0_g``.

Each observation carries a population weight: 1 to count households, the household size to count
people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from .classification import StandardRules

Number = int | float | Fraction


@dataclass(frozen=True)
class Observation:
    deprived: frozenset[str]
    weight: Number = 1
    groups: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "deprived", frozenset(self.deprived))
        object.__setattr__(self, "weight", _fraction(self.weight))
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))


@dataclass(frozen=True)
class Measure:
    indicators: tuple[str, ...]
    weights: Mapping[str, Fraction]
    cutoff: Fraction  # k, on the scale of the scores (the weights sum to 1)
    population: Fraction  # n
    poor: Fraction  # q
    headcount: Fraction  # H = q/n
    intensity: Fraction  # A, the mean score of the poor (0 when nobody is poor)
    adjusted_headcount: Fraction  # M0 = H·A
    censored_headcounts: Mapping[str, Fraction]  # h_j: share of the population poor and deprived in j
    contributions: Mapping[str, Fraction]  # w_j·h_j / M0 (all 0 when M0 is 0)

    @property
    def m0(self) -> Fraction:
        return self.adjusted_headcount


@dataclass(frozen=True)
class Subgroup:
    group: str
    share: Fraction  # n_g / n
    measure: Measure


@dataclass(frozen=True)
class Decomposition:
    by: str
    total: Measure
    subgroups: tuple[Subgroup, ...]


def equal_weights(indicators: Sequence[str]) -> dict[str, Fraction]:
    """Vietnam's weights: every indicator counts the same (Decree 07/2021/NĐ-CP counts indicators)."""
    if not indicators:
        raise ValueError("At least one indicator is needed.")
    return {code: Fraction(1, len(indicators)) for code in indicators}


def cutoff_for_count(count: int, indicators: Sequence[str]) -> Fraction:
    """The score cut-off ``k`` for "deprived in at least ``count`` of the equally weighted indicators"."""
    return Fraction(count, len(indicators))


def deprivation_score(deprived: Iterable[str], weights: Mapping[str, Fraction]) -> Fraction:
    return sum((weights[code] for code in set(deprived)), Fraction(0))


def measure(
    observations: Iterable[Observation],
    *,
    indicators: Sequence[str],
    cutoff: Number,
    weights: Mapping[str, Number] | None = None,
) -> Measure:
    """The AF measure of ``observations``; ``cutoff`` is ``k`` on the score scale, ``0 < k ≤ 1``."""
    indicators = tuple(indicators)
    w = _weights(indicators, weights)
    k = _fraction(cutoff)
    if not 0 < k <= 1:
        raise ValueError("The cut-off k must be above 0 and at most 1.")
    observations = list(observations)
    n = sum((o.weight for o in observations), Fraction(0))
    if n <= 0:
        raise ValueError("The measure needs a population.")

    poor = Fraction(0)
    poor_scores = Fraction(0)
    censored = dict.fromkeys(indicators, Fraction(0))
    for o in observations:
        if o.weight < 0:
            raise ValueError("Population weights cannot be negative.")
        unknown = o.deprived - set(indicators)
        if unknown:
            raise ValueError(f"Unknown indicators: {', '.join(sorted(unknown))}.")
        score = deprivation_score(o.deprived, w)
        if score >= k:  # identification: poor at or above the cut-off
            poor += o.weight
            poor_scores += o.weight * score
            for code in o.deprived:
                censored[code] += o.weight

    m0 = poor_scores / n
    h = {code: count / n for code, count in censored.items()}
    return Measure(
        indicators=indicators,
        weights=MappingProxyType(w),
        cutoff=k,
        population=n,
        poor=poor,
        headcount=poor / n,
        intensity=poor_scores / poor if poor else Fraction(0),
        adjusted_headcount=m0,
        censored_headcounts=MappingProxyType(h),
        contributions=MappingProxyType({code: (w[code] * h[code] / m0 if m0 else Fraction(0)) for code in indicators}),
    )


def decompose(
    observations: Iterable[Observation],
    *,
    by: str,
    indicators: Sequence[str],
    cutoff: Number,
    weights: Mapping[str, Number] | None = None,
) -> Decomposition:
    """The measure of each subgroup (``observation.groups[by]``) with its population share."""
    observations = list(observations)
    total = measure(observations, indicators=indicators, cutoff=cutoff, weights=weights)
    members: dict[str, list[Observation]] = {}
    for o in observations:
        if by not in o.groups:
            raise ValueError(f"An observation has no {by!r} group.")
        members.setdefault(o.groups[by], []).append(o)
    subgroups = []
    for group in sorted(members):
        group_total = sum((o.weight for o in members[group]), Fraction(0))
        if group_total == 0:
            continue
        sub = measure(members[group], indicators=indicators, cutoff=cutoff, weights=weights)
        subgroups.append(Subgroup(group=group, share=group_total / total.population, measure=sub))
    return Decomposition(by=by, total=total, subgroups=tuple(subgroups))


def standard_measure(
    rules: StandardRules, observations: Iterable[Observation], *, weights: Mapping[str, Number] | None = None
) -> Measure:
    """The measure under a standard's indicators and cut-off (equal weights unless given)."""
    if not rules.indicators or rules.deprivation_cutoff is None:
        raise ValueError(f"Standard {rules.code} has no deprivation indicators.")
    codes = rules.indicator_codes
    return measure(
        observations, indicators=codes, cutoff=cutoff_for_count(rules.deprivation_cutoff, codes), weights=weights
    )


def _weights(indicators: tuple[str, ...], weights: Mapping[str, Number] | None) -> dict[str, Fraction]:
    if weights is None:
        return equal_weights(indicators)
    if set(weights) != set(indicators) or len(indicators) != len(set(indicators)):
        raise ValueError("Give exactly one weight per indicator.")
    result = {code: _fraction(weights[code]) for code in indicators}
    if any(value <= 0 for value in result.values()) or sum(result.values()) != 1:
        raise ValueError("Weights must be positive and sum to 1.")
    return result


def _fraction(value: Number) -> Fraction:
    # A float is read as its decimal text (0.1 is 1/10), so that weights like 0.1 sum to exactly 1.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)
