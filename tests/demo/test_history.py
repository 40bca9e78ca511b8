"""The demo generator: seed 002's start figures exactly, seed 004's rates, statuses the rule gives."""

from decimal import Decimal as D

import pytest
from django.db.models import Count

from accounts.models import Role
from demo.history import (
    NEAR_POOR_RATE,
    POOR_DISTRICTS,
    SEED_002_TABLE,
    district_trajectories,
    households_generate,
    largest_remainder,
)
from households.models import Household, HouseholdReview, Member, ResidentCount, ReviewDecision, ReviewRound
from households.rates import rate
from programmes.selectors import poverty_counts
from standards.classification import Area, classify
from standards.selectors import standard_get, standard_rules

HOUSEHOLDS = {row[0]: row[1] for row in SEED_002_TABLE}
POOR_2016 = {row[0]: row[2] for row in SEED_002_TABLE}


def test_largest_remainder_adds_up_and_respects_caps():
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(largest_remainder(1835, [3.1, 2.2, 7.7, 0.5])) == 1835
    assert largest_remainder(10, [1, 1], caps=[2, 20]) == [2, 8]


def test_the_province_trajectory_matches_seeds_002_and_004():
    paths = district_trajectories(HOUSEHOLDS, POOR_2016)
    poor = {y: sum(p[0][y] for p in paths.values()) for y in (2016, 2017, 2018, 2019)}
    near = {y: sum(p[1][y] for p in paths.values()) for y in (2016, 2019)}
    assert {name: p[0][2016] for name, p in paths.items()} == POOR_2016
    assert rate(poor[2016], 78200) == D("26.61")
    assert rate(poor[2019], 78200) == D("19.57")
    assert poor[2016] > poor[2017] > poor[2018] > poor[2019]
    assert rate(near[2016], 78200) == NEAR_POOR_RATE[2016]
    assert rate(near[2019], 78200) == NEAR_POOR_RATE[2019]
    poor_districts = sum(paths[n][0][2019] for n in POOR_DISTRICTS)
    assert rate(poor_districts, sum(HOUSEHOLDS[n] for n in POOR_DISTRICTS)) == D("27.55")


@pytest.mark.django_db
def test_the_generator_reproduces_the_start_figures_of_a_district(make_user, unit):
    signer = make_user(Role.COMMUNE_CHAIR)
    result = households_generate(signer=signer, districts=["Huyện Pác Nặm"])
    assert (result.households, result.reviews) == (6850, 4 * 6850)
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    district = unit("Huyện Pác Nặm")
    # This generator's registry holds every household of the district: its communes' resident households.
    registry = Household.objects.filter(commune__parent=district).values_list("commune").annotate(n=Count("pk"))
    ResidentCount.objects.bulk_create(
        ResidentCount(commune_id=commune, year=year, households=n, people=n * 4)
        for commune, n in registry
        for year in (2016, 2017, 2018, 2019)
    )
    counts = poverty_counts(user=province, units=[district], years=[2016, 2017, 2018, 2019])
    # Seed 002: Pác Nặm, start of 2016: 6,850 households, 3,070 poor (44.82%).
    assert counts[(district.pk, 2016)].households == 6850
    assert counts[(district.pk, 2016)].poor == 3070
    assert counts[(district.pk, 2016)].poor_rate == rate(3070, 6850)
    paths = district_trajectories(HOUSEHOLDS, POOR_2016)["Huyện Pác Nặm"]
    assert [counts[(district.pk, y)].poor for y in (2017, 2018, 2019)] == [paths[0][y] for y in (2017, 2018, 2019)]
    assert [counts[(district.pk, y)].near_poor for y in (2016, 2019)] == [paths[1][y] for y in (2016, 2019)]

    # Names with diacritics, villages, members, and every status as the rule gives it.
    household = Household.objects.filter(code__startswith="BK").select_related("village").first()
    assert household.village.parent_id == household.commune_id
    assert any(ch in household.head_name for ch in "ăâđêôơưàáảãạ") or " " in household.head_name
    assert Member.objects.filter(household__code__startswith="BK").count() >= 6850
    rules = standard_rules(standard_get("2016-2020"))
    sample = HouseholdReview.objects.filter(household__code__startswith="BK").order_by("pk")[::997]
    for review in sample:
        area = Area.URBAN if review.is_urban else Area.RURAL
        result = classify(
            rules, year=review.round.year, area=area, income=review.income_per_capita, deprived=review.deprived
        )
        assert result.status == review.status
        assert review.state == "approved"
        assert review.decision_id is not None


@pytest.mark.django_db
def test_the_generator_is_deterministic_and_runs_once(make_user):
    signer = make_user(Role.COMMUNE_CHAIR)
    households_generate(signer=signer, districts=["Huyện Ngân Sơn"], scale=0.05)
    first = list(Household.objects.filter(code__startswith="BK").order_by("code").values_list("code", "head_name"))
    assert households_generate(signer=signer).households == 0  # already there: nothing added
    HouseholdReview.objects.filter(household__code__startswith="BK").delete()
    ReviewDecision.objects.filter(round__commune__parent__name="Huyện Ngân Sơn").delete()
    ReviewRound.objects.filter(commune__parent__name="Huyện Ngân Sơn").delete()
    Member.objects.filter(household__code__startswith="BK").delete()
    Household.objects.filter(code__startswith="BK").delete()
    households_generate(signer=signer, districts=["Huyện Ngân Sơn"], scale=0.05)
    second = list(Household.objects.filter(code__startswith="BK").order_by("code").values_list("code", "head_name"))
    assert first == second
