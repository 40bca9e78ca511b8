"""The pure rules of targets and progress: rates, totals against printed figures, verdicts, projection, bands."""

from decimal import Decimal as D

import pytest

from programmes.progress import (
    DEFAULT_BANDS,
    Band,
    Counts,
    TargetFigures,
    Verdict,
    band_for,
    expected_share,
    judge,
    project_rate,
    rate,
    row_progress,
    total,
    total_checks,
)

# Seed 002, table 1: (households, poor at the start of 2016, printed rate, planned reduction, printed %).
SEED_002 = [
    (11125, 320, D("2.88"), 30, D("0.27")),
    (9875, 3531, D("35.76"), 332, D("3.36")),
    (8410, 2021, D("24.03"), 190, D("2.26")),
    (6850, 3070, D("44.82"), 288, D("4.21")),
    (10120, 2360, D("23.32"), 222, D("2.19")),
    (7251, 3347, D("46.16"), 240, D("3.31")),
    (12830, 2534, D("19.75"), 238, D("1.86")),
    (11739, 3626, D("30.89"), 407, D("3.47")),
]
PRINTED_TOTAL = {
    "households": 78200,
    "poor": 20809,
    "poor_rate": D("26.61"),
    "reduction": 1955,
    "reduction_pp": D("2.50"),
}


def figures():
    return [TargetFigures(households=h, poor=p, reduction=r) for h, p, _rate, r, _pp in SEED_002]


def test_rates_are_rounded_half_up_to_two_decimals():
    assert rate(320, 11125) == D("2.88")
    assert rate(1, 8) == D("12.50")
    assert rate(1, 800) == D("0.13")  # 0.125 → 0.13, as printed tables round
    assert rate(5, 0) is None
    assert rate(None, 10) is None


def test_seed_002_rows_computed_rates_match_the_printed_ones_but_one():
    differing = []
    for row, (_h, _p, printed_rate, _r, printed_pp) in zip(figures(), SEED_002, strict=True):
        assert row.poor_rate == printed_rate
        if row.reduction_pp != printed_pp:
            differing.append((row.households, row.reduction_pp, printed_pp))
    # Pác Nặm: 288 / 6,850 = 4.20%, printed 4.21%.
    assert differing == [(6850, D("4.20"), D("4.21"))]


def test_seed_002_total_is_computed_from_the_rows_and_differences_are_reported():
    computed = total(figures())
    assert (computed.households, computed.poor, computed.reduction) == (78200, 20809, 1947)
    assert computed.poor_rate == D("26.61")
    assert computed.reduction_pp == D("2.49")
    checks = {c.name: c for c in total_checks(computed, PRINTED_TOTAL)}
    assert checks["households"].difference == 0
    assert not checks["households"].differs
    assert checks["poor_rate"].difference == 0
    # The document printed 1,955 households (2.50%); its rows add up to 1,947 (2.49%).
    assert checks["reduction"].printed == 1955
    assert checks["reduction"].difference == 8
    assert checks["reduction_pp"].difference == D("0.01")
    assert checks["near_poor"].difference is None
    assert not checks["near_poor"].differs


def test_near_poor_total_only_when_every_row_has_it():
    rows = [TargetFigures(10, 2, 1, near_poor=3), TargetFigures(10, 2, 1)]
    assert total(rows).near_poor is None
    assert total([rows[0], rows[0]]).near_poor == 6
    assert total([rows[0], rows[0]]).near_poor_rate == D("30.00")


@pytest.mark.parametrize(
    ("target", "actual", "at_most", "expected", "verdict", "gap"),
    [
        (2, 2, False, None, Verdict.REACHED, 0),
        (2, D("2.5"), False, None, Verdict.REACHED, 0),
        (2, D("1.5"), False, None, Verdict.BEHIND, D("0.5")),
        (2, D("1.5"), False, 1, Verdict.ON_TRACK, D("0.5")),
        (2, D("0.5"), False, 1, Verdict.BEHIND, D("1.5")),
        (15, D("14.99"), True, None, Verdict.REACHED, 0),
        (15, D("17"), True, D("18"), Verdict.ON_TRACK, 2),
        (15, D("19"), True, D("18"), Verdict.BEHIND, 4),
        (2, None, False, None, Verdict.NO_DATA, None),
    ],
)
def test_judge(target, actual, at_most, expected, verdict, gap):
    judgement = judge(target=target, actual=actual, at_most=at_most, expected=expected)
    assert judgement.verdict == verdict
    assert judgement.gap == (None if gap is None else D(gap))


def test_row_progress_on_hand_made_figures():
    target = TargetFigures(households=200, poor=50, reduction=10, near_poor=30, near_poor_reduction=5)
    # 200 resident households, every one reviewed: the rates are over the resident households.
    reached = row_progress(target, Counts(households=200, poor=38, near_poor=26, resident_households=200))
    assert reached.reduction_households == 12
    assert reached.reduction_pp == D("6.00")
    assert reached.households.verdict == Verdict.REACHED
    assert reached.pp.verdict == Verdict.REACHED
    assert reached.near_poor.verdict == Verdict.BEHIND
    assert reached.near_poor.gap == 1

    behind = row_progress(target, Counts(households=200, poor=47, near_poor=20, resident_households=200))
    assert behind.households.verdict == Verdict.BEHIND
    assert behind.households.gap == 7
    assert behind.pp.verdict == Verdict.BEHIND
    assert behind.pp.gap == D("3.50")

    # Without resident households there is no rate: the reduction in households is still judged.
    no_rate = row_progress(target, Counts(households=120, poor=38, near_poor=26))
    assert no_rate.households.verdict == Verdict.REACHED
    assert no_rate.reduction_pp is None
    assert no_rate.pp.verdict == Verdict.NO_DATA

    missing = row_progress(target, None)
    assert missing.households.verdict == Verdict.NO_DATA
    assert missing.actual is None


def test_expected_share_of_a_period_goal():
    assert expected_share(year=2006, first_year=2006, last_year=2010) == D("0.2")
    assert expected_share(year=2010, first_year=2006, last_year=2010) == 1
    assert expected_share(year=2005, first_year=2006, last_year=2010) == 0


def test_projection_is_the_least_squares_line():
    # Seed 004: 26.61% (2016) → 19.57% (2019), on a straight line.
    points = [(2016, D("26.61")), (2017, D("24.26")), (2018, D("21.92")), (2019, D("19.57"))]
    projection = project_rate(points, year=2020)
    assert projection.rate == D("17.23")  # 23.09 − 2.346 × 2.5
    assert projection.slope == D("-2.35")
    assert "least-squares" in projection.method
    # Noisy points: the fitted line, not the last change.
    assert project_rate([(2016, D(10)), (2017, D(9)), (2018, D(9))], year=2019).rate == D(
        "8.33"
    )  # mean 9.33, slope −0.5


def test_projection_needs_two_years_and_stays_within_0_and_100():
    assert project_rate([(2016, D(10))], year=2020).rate is None
    assert project_rate([(2016, D(4)), (2017, D(2))], year=2020).rate == 0
    assert project_rate([(2016, None), (2017, D(2))], year=2020).rate is None


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("40.01", ">40%"),
        ("40", "25–40%"),
        ("25", "25–40%"),
        ("24.99", "20–25%"),
        ("20", "20–25%"),
        ("19.99", "10–20%"),
        ("10", "10–20%"),
        ("9.99", "2–10%"),
        ("2.01", "2–10%"),
        ("2", "≤2%"),
        ("0", "≤2%"),
        ("100", ">40%"),
    ],
)
def test_default_bands_edges_follow_seed_000(value, label):
    assert band_for(D(value)).label == label


def test_bands_are_configurable():
    bands = [Band("high", D(30)), Band("low", None)]
    assert band_for(D(30), bands).label == "high"
    assert band_for(D("29.99"), bands).label == "low"
    assert band_for(None, DEFAULT_BANDS) is None
