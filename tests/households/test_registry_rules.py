"""The citizen-ID check and the household groups, on plain data (no database)."""

from datetime import date

import pytest

from households.registry_rules import MemberSketch, age_on, cccd_errors, household_groups


@pytest.mark.parametrize(
    ("number", "sex", "born"),
    [
        ("006080001234", "male", date(1980, 1, 1)),  # Bắc Kạn (006), 1900s male (0), 1980
        ("006180001234", "female", date(1980, 1, 1)),  # 1900s female (1)
        ("019205001234", "male", date(2005, 6, 1)),  # Thái Nguyên (019), 2000s male (2)
        ("001305001234", "female", date(2005, 6, 1)),  # Hà Nội, 2000s female (3)
        ("096080001234", None, None),  # Cà Mau; sex and birth unknown
    ],
)
def test_well_formed_cccd_passes_circular_59_2021_art_7(number, sex, born):
    assert cccd_errors(number, sex=sex, date_of_birth=born) == []


@pytest.mark.parametrize(
    ("number", "sex", "born", "fragment"),
    [
        ("00608000123", None, None, "12"),  # 11 digits
        ("00608000123A", None, None, "12"),
        ("003080001234", None, None, "003"),  # 03 is not a province code
        ("006080001234", "female", None, "(0)"),  # the fourth digit says male
        ("006280001234", "male", date(1980, 1, 1), "1980"),  # century digit says 2000s
        ("006081001234", "male", date(1980, 1, 1), "1980"),  # year digits say 81
    ],
)
def test_malformed_cccd_is_explained(number, sex, born, fragment):
    errors = cccd_errors(number, sex=sex, date_of_birth=born)
    assert errors
    assert any(fragment in error for error in errors)


def sketch(relation="child", sex="male", born=date(1990, 1, 1), works=True, allowance=False):
    return MemberSketch(relation, sex, born, works, allowance)


def test_age_counts_birthdays():
    assert age_on(date(2010, 6, 15), date(2025, 6, 14)) == 14
    assert age_on(date(2010, 6, 15), date(2025, 6, 15)) == 15


def test_groups_follow_from_members():
    today = date(2025, 1, 1)
    groups = household_groups([sketch("head", "female"), sketch(allowance=True)], on=today)
    assert groups.is_female_headed
    assert groups.receives_social_allowance
    assert not groups.has_no_labour
    assert groups.head_name_index == 0


def test_a_household_of_children_and_people_unable_to_work_has_no_labour():
    """Labour Code 2019, art. 3: a worker is at least 15."""
    today = date(2025, 1, 1)
    members = [sketch("head", works=False), sketch(born=date(2011, 1, 2), works=True)]
    assert household_groups(members, on=today).has_no_labour
    members[1] = sketch(born=date(2010, 1, 1), works=True)  # turned 15 on 1 Jan 2025
    assert not household_groups(members, on=today).has_no_labour
