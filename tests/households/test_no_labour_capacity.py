"""Households with no labour capacity (a reported group, Circular 07/2021/TT-BLĐTBXH): a member past working
age has no labour capacity, whatever the registry says (Labour Code 2019, arts. 3 and 169; Decree
135/2020/NĐ-CP)."""

from datetime import date

import pytest

from households.models import Household
from households.registry_rules import MemberSketch, household_groups, is_worker
from households.services import household_create
from tests.factories import member_data

ON = date(2025, 1, 1)


def sketch(sex, born, relation="head", works=True):
    return MemberSketch(relation, sex, born, works, False)


@pytest.mark.parametrize(
    ("sex", "born", "has_no_labour"),
    [
        # Retirement age of 2024 (Labour Code 2019, art. 169): 61 for men, 56 years 4 months for women.
        ("female", date(1967, 6, 1), True),  # reached 56 in June 2023
        ("male", date(1967, 6, 1), False),  # of working age until June 2029
        ("male", date(1963, 12, 5), True),  # reached 61 in December 2024
        ("male", date(1964, 1, 5), False),  # reaches 61 years 3 months in April 2025
        ("female", date(1990, 1, 1), False),
    ],
)
def test_a_member_past_working_age_is_not_a_worker(sex, born, has_no_labour):
    """Was: any member able to work and aged 15 or over counted as a worker, at 80 as at 40."""
    assert household_groups([sketch(sex, born)], on=ON).has_no_labour is has_no_labour


def test_without_a_recorded_sex_either_sex_s_working_age_counts():
    assert is_worker(sketch("", date(1967, 6, 1)), on=ON)
    assert not is_worker(sketch("", date(1950, 6, 1)), on=ON)


@pytest.mark.django_db
def test_the_registry_marks_a_household_of_a_retired_couple(officer, village):
    """Through the services: an 80-year-old couple, both "able to work", have no labour capacity."""
    household = household_create(
        user=officer,
        village=village,
        data={"code": "NL-01"},
        members=[
            member_data(full_name="Hoàng Văn Páo", date_of_birth=date(1944, 3, 2)),
            member_data(full_name="Lý Thị Mai", sex="female", relation="spouse", date_of_birth=date(1946, 5, 1)),
        ],
    )
    assert Household.objects.get(pk=household.pk).has_no_labour
