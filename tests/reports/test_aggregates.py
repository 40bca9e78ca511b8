"""The statistics tables: kept up to date on approval, and identical to a rebuild from scratch."""

import datetime

import pytest
from django.core.management import call_command

from households.aggregates import ReviewFacts, add_up, contributions
from households.models import ReviewKind, StatisticCount, StatisticSource
from households.services import review_create, round_open
from tests.review_data import DEPRIVED
from tests.reviews import approve_all

pytestmark = pytest.mark.django_db


def table():
    return sorted(
        StatisticCount.objects.values_list(
            "year", "standard", "commune_id", "dimension", "key", "status", "households", "people"
        )
    )


def test_contributions_of_one_review():
    facts = ReviewFacts(
        year=2024,
        standard="2021-2025",
        commune_id=7,
        status="poor",
        transition="newly_poor",
        people=4,
        ethnicity="02",
        groups=frozenset({"ethnic_minority"}),
        causes=("no_land", "no_land", "illness"),
        deprived=("water", "latrine", "housing_quality"),
    )
    cells = contributions(facts)
    assert cells[(2024, "2021-2025", 7, "status", "", "poor")] == (1, 4)
    assert cells[(2024, "2021-2025", 7, "cause", "no_land", "poor")] == (1, 4)  # a cause counts a household once
    assert len(cells) == 3 + 1 + 2 + 3
    assert add_up([facts, facts])[(2024, "2021-2025", 7, "indicator", "water", "poor")] == (2, 8)


def test_incremental_updates_equal_a_rebuild(reviewed):
    incremental = table()
    assert incremental
    call_command("rebuild_statistics", verbosity=0)
    assert table() == incremental


def test_an_ongoing_review_replaces_the_annual_one_of_the_year(reviewed, unit):
    staff, chair = reviewed["staff"], reviewed["chair"]
    commune = unit("Xã Bộc Bố")
    household = next(h for h in reviewed["households"].values() if h.commune_id == commune.pk and h.code.endswith("-3"))
    before = StatisticCount.objects.get(
        year=2024, commune=commune, dimension="status", key="", status="poor"
    ).households
    ongoing = round_open(
        user=staff, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=datetime.date(2024, 12, 20)
    )
    review = review_create(
        user=staff, review_round=ongoing, household=household, income_per_capita=900_000, facts=DEPRIVED
    )
    approve_all([review], officer=staff, chair=chair, village=household.village, year=2024)
    poor = StatisticCount.objects.get(year=2024, commune=commune, dimension="status", key="", status="poor")
    assert poor.households == before + 1
    assert StatisticSource.objects.get(household=household, year=2024).review == review
    incremental = table()
    call_command("rebuild_statistics", verbosity=0)
    assert table() == incremental
