"""The 2001-2005 line for rural mountainous and island communes (Decision 1143/2000/QĐ-LĐTBXH), on every path:
a flag on the commune, kept on the review as it was that day, and given to the classification."""

import pytest

from households.imports.services import import_commit
from households.models import AdministrativeUnit, HouseholdReview, ReviewKind
from households.services import household_create, review_create, round_open
from tests.factories import member_data
from tests.workbooks import make_workbook, person

pytestmark = pytest.mark.django_db

# Decision 1143/2000/QĐ-LĐTBXH: 80.000đ in rural mountainous and island areas, 100.000đ in rural lowland.
INCOME = 90_000


def mark_mountainous(commune):
    AdministrativeUnit.objects.filter(pk=commune.pk).update(is_mountain_island=True)
    commune.refresh_from_db()
    return commune


def a_review(officer, village, commune, code):
    household = household_create(user=officer, village=village, data={"code": code}, members=[member_data()])
    review_round = round_open(user=officer, commune=commune, year=2003, kind=ReviewKind.ANNUAL)
    return review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=INCOME, facts={}
    )


def test_a_lowland_commune_has_the_100000_line(officer, village, commune):
    """Decision 1143/2000/QĐ-LĐTBXH: 90.000đ is poor in a rural lowland commune (line 100.000đ)."""
    review = a_review(officer, village, commune, "MI-01")
    assert review.status == "poor"
    assert review.is_mountain_island is False


def test_a_mountainous_commune_has_the_80000_line(officer, village, commune):
    """Decision 1143/2000/QĐ-LĐTBXH: 90.000đ is above the 80.000đ line of a rural mountainous or island
    commune; the review keeps the flag as it was that day."""
    mark_mountainous(commune)
    review = a_review(officer, village, commune, "MI-02")
    assert review.status == "not_poor"
    assert review.is_mountain_island is True
    assert "miền núi" in review.explanation[0]
    # Unmarked later: the review keeps what it was decided on.
    AdministrativeUnit.objects.filter(pk=commune.pk).update(is_mountain_island=False)
    assert HouseholdReview.objects.get(pk=review.pk).is_mountain_island is True


def test_the_import_applies_the_mountainous_line(officer, village, commune):
    """Decision 1143/2000/QĐ-LĐTBXH through the Excel import: a 2003 row of a mountainous commune."""
    mark_mountainous(commune)
    source = make_workbook(
        households=[{"Mã hộ": "MI-10", "Thôn/bản": "Thôn Nà Hin"}],
        members=[person("MI-10", "Hoàng Văn Páo")],
        reviews=[{"Mã hộ": "MI-10", "Năm rà soát": 2003, "Thu nhập bình quân (đồng/người/tháng)": INCOME}],
    )
    result = import_commit(user=officer, commune=commune, source=source)
    assert result.errors == []
    saved = HouseholdReview.objects.get(household__code="MI-10")
    assert (saved.status, saved.is_mountain_island) == ("not_poor", True)
