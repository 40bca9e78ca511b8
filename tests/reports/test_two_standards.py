"""A year with figures under two standards (seed 003: 2021 under 2016-2020 and under 2021-2025).

The annual review at the end of a period's last year gives that year's figures under the old standard and
the next period's baseline under the new one: the statistics keep them apart, never add them up, and read
the latest annual round's standard when none is asked for.
"""

import datetime

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.models import ReviewKind, StatisticCount, StatisticSource
from households.selectors.statistics import default_standard
from households.services import household_create, review_create, round_open
from reports.definitions.circular07 import circular07_report
from reports.list_selectors import poverty_list
from reports.selectors import statistics_standards
from standards.selectors import standard_get
from tests.factories import VillageFactory, member_data
from tests.review_data import FACTS as _FACTS
from tests.reviews import approve_all

pytestmark = pytest.mark.django_db

OLD, NEW = "2016-2020", "2021-2025"
# Bộc Bố's three households at the end of 2021: under Decision 59/2015 a poor, a near-poor and a household
# above both lines (2,000,000 đ); under Decree 07/2021 the same facts give two poor and a near-poor one.
STATUSES = {OLD: "PNA", NEW: "PPN"}
# Decision 59/2015 also asks whether the household hears the village loudspeaker.
FACTS = {status: (income, {**facts, "village_loudspeaker": True}) for status, (income, facts) in _FACTS.items()}


@pytest.fixture
def two_standards(make_user, unit):
    """Bộc Bố's two annual rounds of 2021, one under each standard, approved; the province officer opens
    the 2016-2020 one (a standard the legal calendar does not give the round)."""
    commune = unit("Xã Bộc Bố")
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Tỉnh Bắc Kạn")])
    chair = make_user(Role.COMMUNE_CHAIR, [commune])
    village = VillageFactory(parent=commune, name="Thôn Nà Phầy")
    households = [
        household_create(
            user=officer,
            village=village,
            data={"code": f"BB-{i}"},
            members=[member_data(full_name=f"Chủ hộ {i}", employment="self_employed", education="lower_secondary")],
        )
        for i in range(3)
    ]
    reviews = {}
    for code, statuses in STATUSES.items():
        review_round = round_open(
            user=province, commune=commune, year=2021, kind=ReviewKind.ANNUAL, standard=standard_get(code)
        )
        reviews[code] = []
        for household, status in zip(households, statuses, strict=True):
            income, facts = FACTS[status]
            reviews[code].append(
                review_create(
                    user=officer,
                    review_round=review_round,
                    household=household,
                    income_per_capita=income,
                    facts=facts,
                )
            )
    for code in (OLD, NEW):
        approve_all(reviews[code], officer=officer, chair=chair, village=village, year=2021)
    return {"officer": officer, "province": province, "commune": commune, "households": households, "reviews": reviews}


def status_counts(commune, standard):
    return dict(
        StatisticCount.objects.filter(
            year=2021, standard=standard, commune=commune, dimension="status", key=""
        ).values_list("status", "households")
    )


def table():
    return sorted(
        StatisticCount.objects.values_list(
            "year", "standard", "commune_id", "dimension", "key", "status", "households", "people"
        )
    )


def test_the_rounds_classify_under_their_own_standard(two_standards):
    statuses = {code: [r.status for r in reviews] for code, reviews in two_standards["reviews"].items()}
    assert statuses[OLD][:2] == ["poor", "near_poor"]
    assert statuses[NEW] == ["poor", "poor", "near_poor"]


def test_a_household_approved_under_both_standards_counts_once_in_each(two_standards):
    commune = two_standards["commune"]
    old = status_counts(commune, OLD)
    assert old["poor"] == 1
    assert old["near_poor"] == 1
    assert sum(old.values()) == 3
    assert status_counts(commune, NEW) == {"poor": 2, "near_poor": 1}
    for household in two_standards["households"]:
        sources = dict(StatisticSource.objects.filter(household=household, year=2021).values_list("standard", "review"))
        assert set(sources) == {OLD, NEW}


def test_approving_again_replaces_the_review_of_the_same_standard_only(two_standards, make_user, unit):
    commune, officer = two_standards["commune"], two_standards["officer"]
    household = two_standards["households"][1]  # near-poor under 2016-2020, poor under 2021-2025
    # An ongoing review of 2021, under the standard in force in 2021 (Decree 07/2021 kept 2016-2020 that year).
    ongoing = round_open(
        user=two_standards["province"],
        commune=commune,
        year=2021,
        kind=ReviewKind.ONGOING,
        starts_on=datetime.date(2021, 12, 20),
        standard=standard_get(OLD),
    )
    income, facts = FACTS["P"]
    review = review_create(
        user=officer, review_round=ongoing, household=household, income_per_capita=income, facts=facts
    )
    chair = make_user(Role.COMMUNE_CHAIR, [commune])
    approve_all([review], officer=officer, chair=chair, village=household.village, year=2021)
    old = status_counts(commune, OLD)
    assert old["poor"] == 2
    assert "near_poor" not in old
    assert sum(old.values()) == 3
    assert status_counts(commune, NEW) == {"poor": 2, "near_poor": 1}  # the 2021-2025 figures are untouched
    sources = dict(StatisticSource.objects.filter(household=household, year=2021).values_list("standard", "review"))
    assert sources[OLD] == review.pk
    assert sources[NEW] == two_standards["reviews"][NEW][1].pk


def test_a_rebuild_gives_the_tables_the_approvals_gave(two_standards):
    incremental = table()
    sources = sorted(StatisticSource.objects.values_list("household", "year", "standard", "review"))
    assert {row[1] for row in incremental} == {OLD, NEW}
    call_command("rebuild_statistics", verbosity=0)
    assert table() == incremental
    assert sorted(StatisticSource.objects.values_list("household", "year", "standard", "review")) == sources


def test_the_default_is_the_standard_of_the_latest_annual_round(two_standards):
    assert default_standard(year=2021) == NEW
    assert default_standard(year=2019) is None


def test_without_an_annual_round_the_default_is_the_standard_with_most_figures(two_standards, make_user):
    commune, officer = two_standards["commune"], two_standards["officer"]
    household = two_standards["households"][0]
    ongoing = round_open(
        user=two_standards["province"],
        commune=commune,
        year=2020,
        kind=ReviewKind.ONGOING,
        starts_on=datetime.date(2020, 6, 20),
        standard=standard_get(OLD),
    )
    income, facts = FACTS["P"]
    review = review_create(
        user=officer, review_round=ongoing, household=household, income_per_capita=income, facts=facts
    )
    approve_all(
        [review], officer=officer, chair=make_user(Role.COMMUNE_CHAIR, [commune]), village=household.village, year=2020
    )
    assert default_standard(year=2020) == OLD


@pytest.fixture
def api(client, two_standards):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=two_standards['officer'])[0].key}"
    return client


def get(client, **params):
    return client.get("/api/v1/statistics/", {"year": 2021, "unit": "06", **params})


def test_the_api_gives_each_standards_figures(api):
    old = get(api, standard=OLD).json()
    new = get(api, standard=NEW).json()
    assert old["standard"] == OLD
    assert new["standard"] == NEW
    (old_row,) = old["results"]
    (new_row,) = new["results"]
    assert (old_row["households"], old_row["poor"], old_row["near_poor"]) == (3, 1, 1)
    assert (new_row["households"], new_row["poor"], new_row["near_poor"]) == (3, 2, 1)


def test_the_api_defaults_to_the_later_standard(api):
    body = get(api).json()
    assert body["standard"] == NEW
    assert body["results"][0]["poor"] == 2


def test_the_api_refuses_an_unknown_standard(api):
    answer = get(api, standard="2019-2023")
    assert answer.status_code == 400
    assert "standard" in answer.json()


def test_the_api_refuses_a_standard_the_year_has_no_figures_under(api):
    answer = get(api, standard="2011-2015")
    assert answer.status_code == 400
    assert "2011-2015" in answer.json()["standard"][0]


def test_compare_reads_the_other_year_under_the_same_standard(api):
    body = get(api, standard=NEW, compare=2021).json()
    assert body["results"][0]["change"]["poor"] == 0  # the same figures, not the other standard's


def test_the_dashboard_shows_the_standard_and_switches(client, two_standards, unit):
    client.force_login(two_standards["officer"])
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2021}
    page = client.get("/dashboard/", params).text
    assert 'data-standard="2021-2025"' in page
    assert 'data-figure="poor">2<' in page
    assert 'data-switch-standard="2016-2020"' in page
    switched = client.get("/dashboard/", {**params, "standard": OLD}).text
    assert 'data-standard="2016-2020"' in switched
    assert 'data-figure="poor">1<' in switched
    assert 'data-switch-standard="2021-2025"' in switched
    # A standard the year has no figures under falls back to the year's default.
    other = client.get("/dashboard/", {**params, "standard": "2011-2015"}).text
    assert 'data-standard="2021-2025"' in other
    assert statistics_standards(user=two_standards["officer"], year=2021) == [OLD, NEW]


def test_the_lists_and_circular07_read_one_standard(two_standards, unit):
    officer, province = two_standards["officer"], unit("Tỉnh Bắc Kạn")
    poor_new = list(poverty_list(user=officer, unit=province, year=2021, statuses=["poor"]))
    poor_old = list(poverty_list(user=officer, unit=province, year=2021, statuses=["poor"], standard=OLD))
    assert [h.code for h in poor_new] == ["BB-0", "BB-1"]
    assert [h.code for h in poor_old] == ["BB-0"]
    report = circular07_report(user=officer, unit=province, year=2021, standard=OLD)
    assert OLD in report.subtitle
    summary = report.tables[0].totals()
    assert summary["poor"] == 1
    assert circular07_report(user=officer, unit=province, year=2021).tables[0].totals()["poor"] == 2
