"""The response-time figures the benchmarks print (bench/common.py)."""

import random

import pytest

from bench.common import Figures, Sample, figures, percentile


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 21))
    random.Random(3).shuffle(values)
    # 95 % of 20 values is 19 values: the 19th smallest is the first that 95 % do not exceed.
    assert percentile(values, 0.95) == 19
    assert percentile(values, 0.5) == 10
    assert percentile(values, 1) == 20
    # A rank that is not whole rounds up: 95 % of 10 values is 9.5, so the 10th.
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.95) == 100
    assert percentile([7.5], 0.95) == 7.5


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5])
def test_percentile_refuses_a_fraction_outside_zero_to_one(fraction):
    with pytest.raises(ValueError, match="fraction"):
        percentile([1, 2, 3], fraction)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="No values"):
        percentile([], 0.95)


def test_figures_per_kind_count_the_errors_and_their_time():
    samples = [Sample("dashboard", ms) for ms in (30, 10, 20)]
    samples += [Sample("dashboard", 900, error="HTTPError: 500"), Sample("api", 5), Sample("api", 7, error="refused")]
    result = figures(samples)
    assert list(result) == ["api", "dashboard"]
    assert result["dashboard"] == Figures(requests=4, errors=1, p50=20, p95=900, max=900)
    assert result["api"] == Figures(requests=2, errors=1, p50=5, p95=7, max=7)
    assert figures([]) == {}
