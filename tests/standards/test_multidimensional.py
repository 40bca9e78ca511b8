"""Alkire-Foster: hand-computed cases and the identities on random ones.

Identities (Alkire & Foster 2011; domain.md §2): M0 = H·A; M0 = Σ_j w_j·h_j; contributions sum to 1;
M0 = Σ_g (n_g/n)·M0_g.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standards.classification import IncomeLines, IndicatorRule, Method, StandardRules
from standards.multidimensional import (
    Observation,
    cutoff_for_count,
    decompose,
    equal_weights,
    measure,
    standard_measure,
)

F = Fraction
ABCD = ("a", "b", "c", "d")
# Four households, four equally weighted indicators, k = 2/4:
#   h1 {a, b, c} score 3/4 poor; h2 {a} 1/4; h3 {b, d} 2/4 poor; h4 {} 0.
HOUSEHOLDS = [
    Observation({"a", "b", "c"}, groups={"commune": "X", "ethnicity": "Tày"}),
    Observation({"a"}, groups={"commune": "X", "ethnicity": "Kinh"}),
    Observation({"b", "d"}, groups={"commune": "Y", "ethnicity": "Tày"}),
    Observation(set(), groups={"commune": "Y", "ethnicity": "Kinh"}),
]


def test_a_hand_computed_case():
    m = measure(HOUSEHOLDS, indicators=ABCD, cutoff=F(2, 4))
    assert (m.population, m.poor) == (4, 2)
    assert m.headcount == F(1, 2)
    assert m.intensity == F(5, 8)  # (3/4 + 2/4) / 2
    assert m.m0 == F(5, 16)
    # Censored: h2's deprivation in "a" is not counted, h2 is not poor.
    assert dict(m.censored_headcounts) == {"a": F(1, 4), "b": F(2, 4), "c": F(1, 4), "d": F(1, 4)}
    assert dict(m.contributions) == {"a": F(1, 5), "b": F(2, 5), "c": F(1, 5), "d": F(1, 5)}


def test_a_hand_computed_decomposition_by_commune_and_by_ethnicity():
    by_commune = decompose(HOUSEHOLDS, by="commune", indicators=ABCD, cutoff=F(1, 2))
    assert [(s.group, s.share, s.measure.m0) for s in by_commune.subgroups] == [
        ("X", F(1, 2), F(3, 8)),
        ("Y", F(1, 2), F(1, 4)),
    ]
    by_ethnicity = decompose(HOUSEHOLDS, by="ethnicity", indicators=ABCD, cutoff=F(1, 2))
    assert [(s.group, s.measure.headcount, s.measure.m0) for s in by_ethnicity.subgroups] == [
        ("Kinh", 0, 0),
        ("Tày", 1, F(5, 8)),
    ]
    assert by_commune.total.m0 == by_ethnicity.total.m0 == F(5, 16)


def test_the_cutoff_is_reached_at_equality():
    """A household is poor when its score equals k (Vietnam: "từ 3 chỉ số trở lên")."""
    six = tuple("abcdef")
    m = measure(
        [Observation({"a", "b", "c"}), Observation({"a", "b"})], indicators=six, cutoff=cutoff_for_count(3, six)
    )
    assert m.headcount == F(1, 2)


def test_population_weights_count_people_instead_of_households():
    people = [Observation({"a", "b", "c"}, weight=5), Observation(set(), weight=3)]
    m = measure(people, indicators=ABCD, cutoff=F(1, 2))
    assert m.headcount == F(5, 8)
    assert m.m0 == F(5, 8) * F(3, 4)


def test_unequal_weights():
    weights = {"a": F(1, 2), "b": F(1, 6), "c": F(1, 6), "d": F(1, 6)}
    m = measure([Observation({"a"}), Observation({"b", "c"})], indicators=ABCD, cutoff=F(1, 2), weights=weights)
    assert m.poor == 1
    assert m.m0 == F(1, 4)
    assert m.contributions["a"] == 1


def test_nobody_poor():
    m = measure([Observation({"a"})], indicators=ABCD, cutoff=F(1, 2))
    assert (m.headcount, m.intensity, m.m0) == (0, 0, 0)
    assert set(m.contributions.values()) == {0}


def test_the_measure_under_a_standard_uses_its_cutoff_of_3_of_the_indicators():
    """Decree 07/2021/NĐ-CP: poor in the deprivation sense with at least 3 of the 12 indicators."""
    codes = [f"i{n}" for n in range(12)]
    rules = StandardRules(
        code="2021-2025",
        name="",
        method=Method.INCOME_AND_DEPRIVATION,
        deprivation_cutoff=3,
        year_from=2021,
        year_to=2025,
        lines=(IncomeLines(2021, 2025, 1, 2),),
        indicators=tuple(IndicatorRule(c, c, c, "d", "d") for c in codes),
    )
    m = standard_measure(rules, [Observation(codes[:3]), Observation(codes[:2])])
    assert m.cutoff == F(3, 12)
    assert m.headcount == F(1, 2)
    assert m.m0 == F(1, 2) * F(3, 12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cutoff": 0}, "cut-off"),
        ({"cutoff": F(5, 4)}, "cut-off"),
        ({"cutoff": F(1, 2), "weights": {"a": F(1, 2), "b": F(1, 2)}}, "one weight per indicator"),
        ({"cutoff": F(1, 2), "weights": {"a": F(1, 2), "b": F(1, 2), "c": 0, "d": 0}}, "positive"),
        ({"cutoff": F(1, 2), "weights": {"a": 0.4, "b": 0.2, "c": 0.2, "d": 0.1}}, "sum to 1"),
    ],
)
def test_bad_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure(HOUSEHOLDS, indicators=ABCD, **kwargs)


def test_float_weights_given_as_decimals_are_exact():
    weights = {"a": 0.4, "b": 0.2, "c": 0.3, "d": 0.1}
    assert measure(HOUSEHOLDS, indicators=ABCD, cutoff=0.5, weights=weights).weights["a"] == F(2, 5)


def test_unknown_indicators_and_missing_groups_are_refused():
    with pytest.raises(ValueError, match="Unknown indicators: z"):
        measure([Observation({"z"})], indicators=ABCD, cutoff=F(1, 2))
    with pytest.raises(ValueError, match="'unit'"):
        decompose(HOUSEHOLDS, by="unit", indicators=ABCD, cutoff=F(1, 2))
    with pytest.raises(ValueError, match="population"):
        measure([], indicators=ABCD, cutoff=F(1, 2))


# Random cases -------------------------------------------------------------------------------------


@st.composite
def problems(draw):
    d = draw(st.integers(1, 7))
    indicators = tuple(f"i{j}" for j in range(d))
    raw = draw(st.lists(st.integers(1, 9), min_size=d, max_size=d))
    weights = {code: F(r, sum(raw)) for code, r in zip(indicators, raw, strict=True)}
    cutoff = draw(st.fractions(min_value=F(1, 20), max_value=1, max_denominator=20))
    observations = draw(
        st.lists(
            st.builds(
                Observation,
                deprived=st.sets(st.sampled_from(indicators)),
                weight=st.integers(1, 6),
                groups=st.fixed_dictionaries({"unit": st.sampled_from(["X", "Y", "Z"])}),
            ),
            min_size=1,
            max_size=30,
        )
    )
    return indicators, weights, cutoff, observations


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_identities_hold_on_random_cases(problem):
    indicators, weights, cutoff, observations = problem
    m = measure(observations, indicators=indicators, cutoff=cutoff, weights=weights)

    assert m.m0 == m.headcount * m.intensity
    assert m.m0 == sum(weights[j] * m.censored_headcounts[j] for j in indicators)
    assert 0 <= m.m0 <= m.headcount <= 1
    if m.m0:
        assert sum(m.contributions.values()) == 1
        assert m.intensity >= cutoff
    else:
        assert sum(m.contributions.values()) == 0

    parts = decompose(observations, by="unit", indicators=indicators, cutoff=cutoff, weights=weights)
    assert sum(s.share for s in parts.subgroups) == 1
    assert sum(s.share * s.measure.m0 for s in parts.subgroups) == m.m0
    assert sum(s.share * s.measure.headcount for s in parts.subgroups) == m.headcount


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.sampled_from([f"i{j}" for j in range(12)])), min_size=1, max_size=20))
def test_with_equal_weights_poor_means_at_least_3_of_12_deprivations(deprivations):
    """The AF identification with k = 3/d is the counting rule of Decree 07/2021/NĐ-CP."""
    codes = tuple(f"i{j}" for j in range(12))
    m = measure([Observation(d) for d in deprivations], indicators=codes, cutoff=cutoff_for_count(3, codes))
    assert m.poor == sum(len(d) >= 3 for d in deprivations)
    assert equal_weights(codes)["i0"] == F(1, 12)
