"""Administrative units loaded from the vietnamadminunits / vietnam-provinces packages (domain.md §1)."""

import pytest
from django.core.management import CommandError, call_command

from households.models import AdministrativeUnit, UnitLevel, UnitSuccession, UnitType
from tests.conftest import AFTER_REFORM, BEFORE_REFORM

pytestmark = pytest.mark.django_db

SEED_002_DISTRICTS = {
    "Thành phố Bắc Kạn",
    "Huyện Na Rì",
    "Huyện Bạch Thông",
    "Huyện Pác Nặm",
    "Huyện Chợ Mới",
    "Huyện Ngân Sơn",
    "Huyện Chợ Đồn",
    "Huyện Ba Bể",
}


def test_bac_kan_before_the_reform_has_the_eight_district_level_units_of_seed_002(unit):
    province = unit("Tỉnh Bắc Kạn")
    districts = AdministrativeUnit.objects.valid_on(BEFORE_REFORM).filter(parent=province)
    assert {d.name for d in districts} == SEED_002_DISTRICTS
    assert {d.level for d in districts} == {UnitLevel.DISTRICT}
    assert districts.get(name="Thành phố Bắc Kạn").unit_type == UnitType.THANH_PHO


def test_bac_kan_had_108_communes_in_its_2024_state(unit):
    communes = AdministrativeUnit.objects.valid_on(BEFORE_REFORM).filter(
        level=UnitLevel.COMMUNE, parent__parent=unit("Tỉnh Bắc Kạn")
    )
    assert communes.count() == 108
    # Urban units before 2025 are phường and thị trấn; the rest are rural.
    assert {c.is_urban for c in communes.filter(unit_type__in=[UnitType.PHUONG, UnitType.THI_TRAN])} == {True}
    assert {c.is_urban for c in communes.filter(unit_type=UnitType.XA)} == {False}


def test_after_the_reform_thai_nguyen_has_92_communes_and_no_districts(unit):
    province = unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    assert province.valid_from == AFTER_REFORM
    children = AdministrativeUnit.objects.valid_on(AFTER_REFORM).filter(parent=province)
    assert children.count() == 92
    assert set(children.values_list("level", flat=True)) == {UnitLevel.COMMUNE}
    assert not AdministrativeUnit.objects.valid_on(AFTER_REFORM).filter(level=UnitLevel.DISTRICT).exists()


def test_bac_kan_province_does_not_exist_after_the_reform():
    assert AdministrativeUnit.objects.valid_on(BEFORE_REFORM).filter(name="Tỉnh Bắc Kạn").exists()
    assert not AdministrativeUnit.objects.valid_on(AFTER_REFORM).filter(name="Tỉnh Bắc Kạn").exists()


def test_old_and_new_units_share_codes_but_not_periods(unit):
    old = unit("Tỉnh Thái Nguyên", on=BEFORE_REFORM)
    new = unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    assert old.code == new.code == "19"
    assert old.pk != new.pk
    assert old.valid_to == BEFORE_REFORM


def test_names_keep_their_diacritics(unit):
    assert unit("Xã Bộc Bố").short_name == "Bộc Bố"
    assert unit("Phường Đức Xuân", on=AFTER_REFORM).is_urban is True


@pytest.mark.parametrize(
    ("old_name", "old_parent", "new_name"),
    [
        ("Xã Bộc Bố", "Huyện Pác Nặm", "Xã Bằng Thành"),
        ("Phường Đức Xuân", "Thành phố Bắc Kạn", "Phường Đức Xuân"),
        ("Xã Lương Thượng", "Huyện Na Rì", "Xã Văn Lang"),
        ("Xã Kim Hỷ", "Huyện Na Rì", "Xã Văn Lang"),
    ],
)
def test_old_commune_maps_to_its_new_commune(unit, old_name, old_parent, new_name):
    old = unit(old_name, parent=old_parent)
    (succession,) = UnitSuccession.objects.filter(predecessor=old).select_related("successor")
    assert succession.successor.name == new_name
    assert succession.successor.valid_from == AFTER_REFORM
    assert succession.is_split is False


def test_a_split_commune_maps_to_each_part_and_is_flagged(unit):
    cam_gia = unit("Phường Cam Giá", parent="Thành phố Thái Nguyên")
    parts = {
        s.successor.name: s for s in UnitSuccession.objects.filter(predecessor=cam_gia).select_related("successor")
    }
    assert set(parts) == {"Phường Gia Sàng", "Phường Tích Lương"}
    assert all(s.is_split for s in parts.values())
    assert [name for name, s in parts.items() if s.is_default] == ["Phường Gia Sàng"]


def test_every_old_commune_of_bac_kan_has_a_successor(unit):
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, parent__parent=unit("Tỉnh Bắc Kạn"))
    assert not communes.filter(successions__isnull=True).exists()


def test_accent_variants_in_the_converter_are_told_apart(unit):
    """The converter spells some keys with diacritics; Văn Lang (Na Rì) and Văn Lăng (Đồng Hỷ) are distinct."""
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    van_lang_dong_hy = unit("Xã Văn Lăng", on=AFTER_REFORM)
    assert unit("Xã Kim Hỷ", parent="Huyện Na Rì").successions.get().successor == van_lang
    assert unit("Xã Hòa Bình", parent="Huyện Đồng Hỷ").successions.get().successor == van_lang_dong_hy


def test_load_units_twice_changes_nothing(capsys):
    before = list(AdministrativeUnit.objects.order_by("pk").values())
    successions = UnitSuccession.objects.count()
    call_command("load_units", province=["Bắc Kạn"])
    assert "Units created: 0, updated: 0; old→new links created: 0." in capsys.readouterr().out
    assert list(AdministrativeUnit.objects.order_by("pk").values()) == before
    assert UnitSuccession.objects.count() == successions


def test_reload_restores_package_names_but_keeps_an_administrators_urban_flag(unit):
    commune = unit("Xã Bộc Bố")
    AdministrativeUnit.objects.filter(pk=commune.pk).update(name="Xã Bộc Bố (sửa)", is_urban=True)
    call_command("load_units", province=["06"], verbosity=0)
    commune.refresh_from_db()
    assert commune.name == "Xã Bộc Bố"
    assert commune.is_urban is True


def test_load_units_by_code_is_the_same_as_by_name(capsys):
    call_command("load_units", province=["06"])
    assert "Units created: 0" in capsys.readouterr().out


def test_unknown_province_lists_the_closest_names():
    with pytest.raises(CommandError, match=r"Unknown province 'Bac Can'.*Tỉnh Bắc Kạn"):
        call_command("load_units", province=["Bac Can"])


def test_a_province_whose_successor_kept_its_code_and_took_another_name():
    """Bình Định (code 52) merged into Gia Lai, which kept code 52 (Decision 19/2025/QĐ-TTg)."""
    call_command("load_units", province=["Bình Định"], verbosity=0)
    old = AdministrativeUnit.objects.get(name="Tỉnh Bình Định")
    new = AdministrativeUnit.objects.get(name="Tỉnh Gia Lai", level=UnitLevel.PROVINCE)
    assert old.code == new.code == "52"
    assert (old.valid_to, new.valid_from) == (BEFORE_REFORM, AFTER_REFORM)
    assert UnitSuccession.objects.filter(predecessor__parent__parent=old, successor__parent=new).count() > 100
