"""The household and review forms refuse what the import refuses, beside the field and keeping what was
typed: numbers out of range, dates of birth to come, citizen IDs of other characters or registered
elsewhere (said without telling where)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from households.models import Household, HouseholdReview, Member, ReviewKind
from households.services import round_open
from tests.conftest import AFTER_REFORM
from tests.factories import HouseholdFactory, MemberFactory, VillageFactory, household_form_data
from tests.reviews import DEPRIVED, new_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def post_household(client, village, **member):
    return client.post(reverse("households:household-create"), household_form_data(village, "VL-0001", **member))


def test_a_full_width_citizen_id_is_stored_in_ascii_digits(officer_client, village):
    response = post_household(officer_client, village, national_id="００６１８０００１２３４")
    assert response.status_code == 302
    assert Member.objects.get().national_id == "006180001234"


def test_a_full_width_copy_of_a_registered_id_is_the_same_person(officer_client, village):
    MemberFactory(household=HouseholdFactory(village=village), national_id="006180001234")
    response = post_household(officer_client, village, national_id="００６１８０００１２３４")
    assert response.status_code == 200
    assert 'id="id_members-0-national_id_errors"' in response.text
    assert Member.objects.count() == 1


@pytest.mark.parametrize("raw", ["٠٠٦١٨٠٠٠١٢٣٤", "0061800012a4"])
def test_a_citizen_id_of_other_characters_is_refused_beside_the_field(officer_client, village, raw):
    response = post_household(officer_client, village, national_id=raw)
    assert response.status_code == 200
    assert "12 chữ số" in response.text
    assert f'value="{raw}"' in response.text
    assert not Household.objects.exists()


def test_an_id_registered_in_another_commune_is_shown_beside_the_field_without_where(officer_client, village, unit):
    elsewhere = VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM), name="Bản Nà Lẹng")
    MemberFactory(household=HouseholdFactory(village=elsewhere), national_id="006180001234", full_name="Hà Văn Tú")
    response = post_household(officer_client, village, national_id="006180001234")
    assert response.status_code == 200
    assert 'id="id_members-0-national_id_errors"' in response.text
    assert "đã được đăng ký ở một xã khác" in response.text
    assert "Bằng Thành" not in response.text
    assert "Hà Văn Tú" not in response.text
    assert not Household.objects.filter(code="VL-0001").exists()


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ((timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y"), "tương lai"),
        ("01/01/1875", "1900"),
    ],
)
def test_a_date_of_birth_to_come_or_before_1900_is_refused(officer_client, village, born, message):
    response = post_household(officer_client, village, date_of_birth=born)
    assert response.status_code == 200
    assert 'id="id_members-0-date_of_birth_errors"' in response.text
    assert message in response.text
    assert not Household.objects.exists()


@pytest.fixture
def review_round(officer, commune):
    return round_open(user=officer, commune=commune, year=2026, kind=ReviewKind.ANNUAL)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("income_per_capita", str(10**20)),
        ("income_per_capita", "-500.000"),
        ("income_per_capita", "1.000.000.001"),
        ("fact_living_area_m2", "-12"),
        ("fact_living_area_m2", "1e999999"),
        ("fact_living_area_m2", "100000"),
    ],
)
def test_a_review_number_out_of_range_is_an_error_beside_the_field(
    officer_client, officer, village, review_round, field, value
):
    household = new_household(officer, village, "VL-7")
    data = {
        "household": household.pk,
        "income_per_capita": "1.200.000",
        **{f"fact_{k}": v for k, v in DEPRIVED.items()},
        field: value,
    }
    response = officer_client.post(reverse("households:review-create", args=[review_round.pk]), data)
    assert response.status_code == 200
    assert f'id="id_{field}_errors"' in response.text
    assert f'value="{value}"' in response.text
    assert not HouseholdReview.objects.exists()


def test_a_round_year_out_of_range_is_an_error_not_a_crash(client, make_user, commune):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [commune]))
    response = client.post(reverse("households:round-list"), {"commune": commune.pk, "year": "1e30", "kind": "annual"})
    assert response.status_code == 200
    assert 'id="id_year_errors"' in response.text
