"""The tree as of a date and the area a user may see (domain.md §1, §7)."""

from datetime import date

import pytest

from accounts.models import Role
from households.models import AdministrativeUnit, UnitLevel, UnitType
from households.selectors import unit_tree, units_visible_to
from households.services import village_create
from tests.conftest import AFTER_REFORM, BEFORE_REFORM

pytestmark = pytest.mark.django_db


def communes(queryset):
    return set(queryset.filter(level=UnitLevel.COMMUNE).values_list("name", flat=True))


def test_a_commune_officer_sees_exactly_its_commune_and_its_villages(unit, make_user):
    commune = unit("Xã Bộc Bố")
    village = village_create(commune=commune, name="Thôn Nà Pài", unit_type=UnitType.THON)
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    before = units_visible_to(officer, on=BEFORE_REFORM)
    assert set(before) == {commune, village}


def test_a_district_officer_sees_the_districts_communes(unit, make_user):
    na_ri = unit("Huyện Na Rì")
    officer = make_user(Role.DISTRICT_OFFICER, [na_ri])
    visible = units_visible_to(officer, on=BEFORE_REFORM)
    expected = AdministrativeUnit.objects.filter(parent=na_ri)
    assert communes(visible) == set(expected.values_list("name", flat=True))
    assert unit("Xã Bộc Bố") not in visible
    assert na_ri in visible


def test_a_province_officer_sees_all_the_provinces_communes(unit, make_user):
    officer = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    assert units_visible_to(officer, on=BEFORE_REFORM).filter(level=UnitLevel.COMMUNE).count() == 108
    assert not units_visible_to(officer, on=BEFORE_REFORM).filter(name="Tỉnh Thái Nguyên").exists()


def test_a_user_assigned_to_an_old_district_keeps_seeing_its_communes_successors(unit, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    after = units_visible_to(officer, on=AFTER_REFORM)
    assert "Xã Văn Lang" in communes(after)
    # Successors of Na Rì's communes only: Bằng Thành took Pác Nặm's Bộc Bố.
    assert "Xã Bằng Thành" not in communes(after)
    assert not after.filter(level=UnitLevel.PROVINCE).exists()


def test_a_new_commune_officer_sees_the_old_communes_merged_into_it(unit, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Văn Lang", on=AFTER_REFORM)])
    assert communes(units_visible_to(officer, on=BEFORE_REFORM)) == {"Xã Văn Lang", "Xã Lương Thượng", "Xã Kim Hỷ"}


def test_a_split_old_commune_stays_hidden_from_each_new_communes_officer(unit, make_user):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Phường Tích Lương", on=AFTER_REFORM)])
    before = communes(units_visible_to(officer, on=BEFORE_REFORM))
    assert "Phường Cam Giá" not in before
    assert "Phường Tích Lương" in before


def test_a_user_without_units_sees_nothing_and_a_superuser_everything(make_user):
    assert not units_visible_to(make_user(Role.VIEWER, [])).exists()
    admin = make_user(Role.VIEWER, [], is_superuser=True)
    assert units_visible_to(admin).count() == AdministrativeUnit.objects.count()


def test_an_inactive_user_sees_nothing(unit, make_user):
    officer = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    officer.is_active = False
    assert not units_visible_to(officer).exists()


@pytest.mark.parametrize(
    ("on", "roots", "second_level"),
    [
        (date(2020, 1, 1), ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"], UnitLevel.DISTRICT),
        (date(2026, 1, 1), ["Tỉnh Thái Nguyên"], UnitLevel.COMMUNE),
    ],
)
def test_the_tree_as_of_a_date(make_user, on, roots, second_level, django_assert_max_num_queries):
    admin = make_user(Role.PROVINCE_OFFICER, [], is_superuser=True)
    with django_assert_max_num_queries(1):
        tree = unit_tree(user=admin, on=on)
    assert [node.unit.name for node in tree] == roots
    assert {child.unit.level for child in tree[0].children} == {second_level}


def test_the_tree_of_a_commune_officer_starts_at_the_commune(unit, make_user):
    commune = unit("Xã Bộc Bố")
    village_create(commune=commune, name="Bản Slam Vè", unit_type=UnitType.BAN)
    (root,) = unit_tree(user=make_user(Role.COMMUNE_OFFICER, [commune]), on=date(2024, 5, 1))
    assert root.unit == commune
    assert [child.unit.name for child in root.children] == ["Bản Slam Vè"]


def test_a_village_inherits_its_communes_validity_and_area(unit):
    commune = unit("Phường Đức Xuân")
    village = village_create(commune=commune, name="Tổ 10", unit_type=UnitType.TO_DAN_PHO)
    assert (village.valid_from, village.valid_to, village.is_urban) == (None, BEFORE_REFORM, True)
