"""Registry pages over HTTP: forms keep input and show errors beside fields, lists are scoped and paginated."""

import pytest
from django.urls import reverse

from accounts.models import Role
from households.models import Household
from tests.conftest import AFTER_REFORM
from tests.factories import HouseholdFactory, MemberFactory, VillageFactory, household_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def officer_client(client, make_user, commune):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [commune]))
    return client


def form_data(village, **member):
    return household_form_data(village, "BB-0001", **member)


def test_registering_a_household_on_one_page(officer_client, village):
    response = officer_client.post(reverse("households:household-create"), form_data(village))
    household = Household.objects.get(code="BB-0001")
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    assert household.head_name == "Đàm Thị Nguyệt"
    detail = officer_client.get(household.get_absolute_url())
    assert "Đàm Thị Nguyệt" in detail.text
    assert "Lịch sử" in detail.text


def test_a_bad_citizen_id_keeps_what_was_typed_and_shows_the_error_beside_the_field(officer_client, village):
    response = officer_client.post(
        reverse("households:household-create"), form_data(village, national_id="00618000123")
    )
    assert response.status_code == 200
    assert not Household.objects.exists()
    assert 'value="Đàm Thị Nguyệt"' in response.text
    assert 'value="00618000123"' in response.text
    assert 'id="id_members-0-national_id_errors"' in response.text
    assert "12 chữ số" in response.text


def test_a_village_outside_the_area_is_not_offered(officer_client, unit):
    outside = VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM))
    response = officer_client.post(reverse("households:household-create"), form_data(outside))
    assert response.status_code == 200
    assert not Household.objects.exists()
    assert 'id="id_village_errors"' in response.text


def test_the_list_is_scoped_searchable_and_paginated(officer_client, village, unit, django_assert_max_num_queries):
    for i in range(60):
        MemberFactory(
            household=HouseholdFactory(village=village, head_name=f"Hoàng Văn {i}"), full_name=f"Hoàng Văn {i}"
        )
    outside = HouseholdFactory(
        village=VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM)), head_name="Người Ngoài"
    )
    # Session, user, the scope's version and the scope (3), count, the lists of communes and villages to filter by
    # (one query each), page, its villages and communes: the same for 10 or 10,000 households.
    with django_assert_max_num_queries(12):
        response = officer_client.get(reverse("households:household-list"))
    assert "60 hộ" in response.text
    assert response.text.count('href="/households/') >= 50
    assert outside.code not in response.text
    found = officer_client.get(reverse("households:household-list"), {"q": "Hoàng Văn 7"})
    assert "Hoàng Văn 7" in found.text
    assert officer_client.get(reverse("households:household-list"), {"page": 2}).status_code == 200


def test_a_household_outside_the_area_is_not_found(officer_client, unit):
    outside = HouseholdFactory(village=VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM)))
    assert officer_client.get(outside.get_absolute_url()).status_code == 404
    assert officer_client.get(reverse("households:household-edit", args=[outside.pk])).status_code == 404


def test_a_viewer_cannot_open_the_registration_form(client, make_user, unit):
    client.force_login(make_user(Role.VIEWER, [unit("Xã Văn Lang", on=AFTER_REFORM)]))
    assert client.get(reverse("households:household-create")).status_code == 403


def test_the_search_ignores_case_and_diacritics_and_stays_in_the_area(officer_client, village, unit):
    nguyen = HouseholdFactory(village=village, head_name="Nguyễn Thị Đông", code="BB-ĐÔNG-1")
    MemberFactory(household=nguyen, full_name="Nguyễn Thị Đông")
    MemberFactory(household=nguyen, full_name="Lường Văn Hải", national_id="006075001234", relation="spouse")
    other = HouseholdFactory(village=village, head_name="Hoàng Văn Páo")
    MemberFactory(household=other, full_name="Hoàng Văn Páo")
    outside = HouseholdFactory(
        village=VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM)), head_name="Nguyễn Thị Đông"
    )
    url = reverse("households:household-list")

    def found(term):
        text = officer_client.get(url, {"q": term}).text
        return {h.code for h in (nguyen, other, outside) if f">{h.code}<" in text}

    assert found("nguyen thi dong") == {nguyen.code}  # without diacritics, lower case
    assert found("NGUYỄN THỊ ĐÔNG") == {nguyen.code}
    assert found("luong van hai") == {nguyen.code}  # a member's name
    assert found("006075001234") == {nguyen.code}  # a member's citizen ID
    assert found("bb-dong") == {nguyen.code}  # the code
    assert found("páo") == {other.code}
    assert found("Trần") == set()
