"""The household registry: services, scope, citizen-ID duplicates, optimistic locking, history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from households.errors import ConflictError, ScopeError
from households.models import Ethnicity, Household
from households.services import household_create, household_update
from tests.factories import VillageFactory, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Khuổi Khí")


def create(officer, village, code="BB001", members=None, **data):
    members = members or [member_data()]
    return household_create(user=officer, village=village, data={"code": code, **data}, members=members)


def test_a_household_takes_its_head_and_groups_from_its_members(officer, village):
    tay = Ethnicity.objects.get(name="Tày")
    household = create(
        officer,
        village,
        head_ethnicity=tay,
        members=[
            member_data(full_name="Triệu Thị Mỷ", sex="female", has_labour_capacity=False),
            member_data(full_name="Triệu Văn Dũng", relation="child", date_of_birth=date(2015, 1, 1)),
        ],
    )
    assert household.head_name == "Triệu Thị Mỷ"
    assert household.commune == village.parent
    assert household.is_female_headed
    assert household.is_ethnic_minority
    assert household.has_no_labour
    assert household.members.count() == 2


def test_a_household_needs_exactly_one_head(officer, village):
    with pytest.raises(ValidationError, match=r"một chủ hộ|one head"):
        create(officer, village, members=[member_data(relation="child")])
    assert not Household.objects.exists()


def test_a_duplicate_citizen_id_in_the_users_area_names_the_household(officer, village):
    create(officer, village, members=[member_data(national_id="006075001234")])
    with pytest.raises(ValidationError) as error:
        create(officer, village, code="BB002", members=[member_data(national_id="006075001234")])
    assert "BB001" in error.value.messages[0]


def test_a_duplicate_outside_the_users_area_names_no_household_nor_commune(officer, village, make_user, unit):
    create(officer, village, members=[member_data(national_id="006075001234")])
    other_officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    other_village = VillageFactory(parent=unit("Xã Lương Thượng"))
    with pytest.raises(ValidationError) as error:
        create(other_officer, other_village, code="LT001", members=[member_data(national_id="006075001234")])
    message = error.value.messages[0]
    assert "một xã khác" in message
    assert "Bộc Bố" not in message
    assert "BB001" not in message
    assert "Lục Văn Khải" not in message


def test_staff_cannot_register_outside_their_area_and_viewers_not_at_all(make_user, unit, village):
    stranger = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    with pytest.raises(ScopeError):
        create(stranger, village)
    viewer = make_user(Role.VIEWER, [unit("Xã Bộc Bố")])
    with pytest.raises(ScopeError):
        create(viewer, village)


def test_a_stale_edit_is_a_conflict_not_an_overwrite(officer, village):
    household = create(officer, village)
    loaded = household.version
    members = [{"id": m.pk, **member_data(full_name=m.full_name)} for m in household.members.all()]
    household_update(
        user=officer,
        household=household,
        expected_version=loaded,
        village=village,
        data={"address": "Km 3"},
        members=members,
    )
    stale = Household.objects.get(pk=household.pk)
    with pytest.raises(ConflictError):
        household_update(
            user=officer,
            household=stale,
            expected_version=loaded,
            village=village,
            data={"address": "Km 9"},
            members=members,
        )
    assert Household.objects.get(pk=household.pk).address == "Km 3"


def test_history_keeps_who_changed_households_and_members(officer, village):
    household = create(officer, village)
    member = household.members.get()
    household_update(
        user=officer,
        household=household,
        expected_version=household.version,
        village=village,
        data={"phone": "0912345678"},
        members=[{"id": member.pk, **member_data(full_name="Lục Văn Khải", has_health_insurance=False)}],
    )
    rows = household.history.order_by("history_date")
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert rows.last().phone == "0912345678"
    assert {r.history_user for r in rows} == {officer}
    member_rows = member.history.order_by("history_date")
    assert [r.has_health_insurance for r in member_rows] == [True, False]
