"""Unknown is not deprived: a member's health insurance or schooling left empty is "not recorded" — through the
model, the member form, the Excel import, the API and the household page — and a review needing it is not
classified but names what is missing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from households.forms import MemberForm
from households.imports.services import import_check
from households.models import Member, ReviewKind
from households.services import household_create, review_create, round_open
from tests.factories import MemberFactory, member_data
from tests.reviews import GOOD
from tests.workbooks import make_workbook, person, review

pytestmark = pytest.mark.django_db


def test_a_new_member_has_no_recorded_insurance_or_schooling(village):
    """The model's default is "not recorded" (None), no longer "no" (False)."""
    member = MemberFactory(household__village=village)
    assert (member.has_health_insurance, member.in_school) == (None, None)


def test_the_member_form_offers_not_recorded():
    form = MemberForm(
        {
            "full_name": "Hoàng Thị Mai",
            "sex": "female",
            "date_of_birth": "02/03/1980",
            "relation": "head",
            "has_health_insurance": "unknown",
            "in_school": "unknown",
            "disability": "none",
            "has_labour_capacity": "on",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["has_health_insurance"] is None
    assert form.cleaned_data["in_school"] is None


def test_a_review_with_unrecorded_insurance_names_it(officer, village, commune):
    """Decree 07/2021/NĐ-CP (health insurance, from 6): the household is not classified deprived for a fact
    nobody recorded; the review is refused with the member and the fact named."""
    head = member_data(
        full_name="Hoàng Văn Páo",
        employment="self_employed",
        education="lower_secondary",
        has_health_insurance=None,
    )
    household = household_create(user=officer, village=village, data={"code": "UF-01"}, members=[head])
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    with pytest.raises(ValidationError) as error:
        review_create(user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD)
    assert error.value.messages == ["Còn thiếu thông tin của Hoàng Văn Páo: bảo hiểm y tế."]


def test_a_blank_insurance_cell_is_not_recorded(officer, commune, village):
    """The import reads a blank "Có BHYT" cell as not recorded: the row is named, never classified deprived."""
    source = make_workbook(
        households=[{"Mã hộ": "UF-10", "Thôn/bản": "Thôn Nà Hin"}],
        members=[person("UF-10", "Hoàng Văn Páo", **{"Có BHYT": None})],
        reviews=[review("UF-10", 1_000_000)],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e.sheet, e.column, e.message) for e in result.errors] == [
        ("members", "Có BHYT", "Còn thiếu thông tin của Hoàng Văn Páo: bảo hiểm y tế.")
    ]


def test_a_blank_schooling_cell_of_a_child_is_not_recorded(officer, commune, village):
    """Decree 07/2021/NĐ-CP (school attendance, 3 to under 16): a child whose schooling is blank is named."""
    source = make_workbook(
        households=[{"Mã hộ": "UF-11", "Thôn/bản": "Thôn Nà Hin"}],
        members=[
            person("UF-11", "Hoàng Văn Páo"),
            person("UF-11", "Hoàng Văn Lâm", "Con", **{"Ngày sinh": "01/06/2015", "Trình độ học vấn": "Tiểu học"}),
        ],
        reviews=[review("UF-11", 1_000_000)],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e.column, e.message) for e in result.errors] == [
        ("Đang đi học", "Còn thiếu thông tin của Hoàng Văn Lâm: đang đi học hoặc đào tạo.")
    ]


def test_the_api_and_the_page_show_not_recorded(client, officer, village):
    household = household_create(
        user=officer,
        village=village,
        data={"code": "UF-20"},
        members=[member_data(full_name="Hoàng Văn Páo", has_health_insurance=None)],
    )
    member = Member.objects.get(household=household)
    assert member.has_health_insurance is None
    client.force_login(officer)
    body = client.get(f"/api/v1/households/{household.pk}/").json()
    assert body["members"][0]["has_health_insurance"] is None
    page = client.get(reverse("households:household-detail", args=[household.pk])).content.decode()
    assert "Not recorded" in page or "Chưa ghi nhận" in page
