"""Ages on the review's reference date, never on the day the facts are entered or imported: entry, correction,
a change of the round's standard, the ongoing review and the Excel import."""

import datetime

import pytest

from accounts.models import Role
from households.forms import RoundForm
from households.imports.services import import_commit
from households.models import HouseholdReview, ReviewKind, ReviewRound
from households.review_facts import review_reference_date
from households.services import household_create, review_create, review_update, round_open
from households.services.reviews import round_standard_change
from standards.models import PovertyStandard
from tests.factories import member_data
from tests.reviews import GOOD
from tests.workbooks import make_workbook, person, review

pytestmark = pytest.mark.django_db

# 15 on 1 September 2024, the start of the 2024 annual review; 17 by the time this test runs (2026 or later).
CHILD_BORN = datetime.date(2009, 6, 1)


def household_with_a_child(officer, village, code="RD-01", born=CHILD_BORN):
    head = member_data(full_name="Hoàng Văn Páo", employment="self_employed", education="lower_secondary")
    child = member_data(
        full_name="Hoàng Văn Lâm",
        relation="child",
        date_of_birth=born,
        in_school=False,  # left school
        education="lower_secondary",
        employment="not_in_labour_force",  # 15: of working age (Labour Code 2019, art. 3)
    )
    return household_create(user=officer, village=village, data={"code": code}, members=[head, child])


def test_a_round_takes_its_start_as_reference_date(officer, commune):
    """Decision 24/2021/QĐ-TTg, art. 4: the annual review starts on 1 September; ages are taken that day."""
    annual = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    assert annual.reference_date == datetime.date(2024, 9, 1) == annual.ages_on
    other = round_open(
        user=officer, commune=commune, year=2023, kind=ReviewKind.ANNUAL, reference_date=datetime.date(2023, 10, 1)
    )
    assert other.reference_date == datetime.date(2023, 10, 1)
    assert ReviewRound(starts_on=datetime.date(2022, 9, 1)).ages_on == datetime.date(2022, 9, 1)  # not set


def test_the_round_form_offers_the_reference_date(officer, commune):
    form = RoundForm(
        {"commune": commune.pk, "year": 2024, "kind": "annual", "reference_date": "15/09/2024"}, user=officer
    )
    assert form.is_valid(), form.errors
    assert round_open(user=officer, **form.cleaned_data).reference_date == datetime.date(2024, 9, 15)


def test_a_late_entry_classifies_the_child_as_they_were(officer, village, commune):
    """Decree 07/2021/NĐ-CP (school attendance, 3 to under 16): a child of 15 out of school on 1 September 2024
    is deprived, though 17 on the day the review is entered or corrected."""
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    household = household_with_a_child(officer, village)
    entered = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_000_000, facts=GOOD
    )
    assert "child_schooling" in entered.deprived
    corrected = review_update(
        user=officer,
        review=entered,
        expected_version=entered.version,
        income_per_capita=1_100_000,
        facts=GOOD,
    )
    assert "child_schooling" in corrected.deprived


def test_a_change_of_standard_classifies_on_the_reference_date(make_user, officer, village, commune):
    """A round put under another standard classifies its reviews again, on the same reference date."""
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    household = household_with_a_child(officer, village)
    review_create(user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD)
    province = make_user(Role.PROVINCE_OFFICER, [commune.parent.parent])
    other = PovertyStandard.objects.latest_versions().get(code="2026-2030")
    round_standard_change(user=province, review_round=review_round, standard=other)
    again = HouseholdReview.objects.get(round=review_round)
    assert again.round.standard == other
    assert "child_schooling" in again.deprived


def test_an_ongoing_review_takes_the_day_of_the_request(officer, village, commune):
    """Decision 24/2021/QĐ-TTg, art. 5: an ongoing review starts from the household's request. A child born
    15 April 2008 is 15 when the round opens (1 March 2024) and 16 when the household asks (1 May 2024)."""
    review_round = round_open(
        user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=datetime.date(2024, 3, 1)
    )
    asked = household_with_a_child(officer, village, "RD-02", born=datetime.date(2008, 4, 15))
    on_request = review_create(
        user=officer,
        review_round=review_round,
        household=asked,
        income_per_capita=1_000_000,
        facts=GOOD,
        requested_on=datetime.date(2024, 5, 1),
    )
    assert "child_schooling" not in on_request.deprived
    unrecorded = household_with_a_child(officer, village, "RD-03", born=datetime.date(2008, 4, 15))
    on_round = review_create(
        user=officer, review_round=review_round, household=unrecorded, income_per_capita=1_000_000, facts=GOOD
    )
    assert "child_schooling" in on_round.deprived


def test_the_reference_date_rule():
    round_date, asked = datetime.date(2024, 9, 1), datetime.date(2024, 11, 3)
    assert review_reference_date(kind="annual", round_date=round_date, requested_on=asked) == round_date
    assert review_reference_date(kind="ongoing", round_date=round_date, requested_on=asked) == asked
    assert review_reference_date(kind="ongoing", round_date=round_date, requested_on=None) == round_date


def test_an_import_of_a_past_year_classifies_people_as_they_were(officer, commune, village):
    """The 2024 rows of a workbook imported in 2026 or later: the child is 15 on 1 September 2024."""
    source = make_workbook(
        households=[{"Mã hộ": "RD-10", "Thôn/bản": "Thôn Nà Hin"}],
        members=[
            person("RD-10", "Hoàng Văn Páo"),
            person("RD-10", "Hoàng Văn Lâm", "Con", **{"Ngày sinh": "01/06/2009", "Đang đi học": "Không"}),
        ],
        reviews=[review("RD-10", 1_000_000, year=2024)],
    )
    result = import_commit(user=officer, commune=commune, source=source)
    assert result.errors == []
    saved = HouseholdReview.objects.get(household__code="RD-10")
    assert "child_schooling" in saved.deprived
    # A round opened by an officer with another reference date is followed.
    ReviewRound.objects.filter(pk=saved.round_id).update(reference_date=datetime.date(2025, 6, 1))
    again = make_workbook(
        households=[{"Mã hộ": "RD-10", "Thôn/bản": "Thôn Nà Hin"}],
        members=[
            person("RD-10", "Hoàng Văn Páo"),
            person("RD-10", "Hoàng Văn Lâm", "Con", **{"Ngày sinh": "01/06/2009", "Đang đi học": "Không"}),
        ],
        reviews=[review("RD-10", 1_100_000, year=2024)],
    )
    assert import_commit(user=officer, commune=commune, source=again).errors == []
    assert "child_schooling" not in HouseholdReview.objects.get(household__code="RD-10").deprived  # 16 then
