"""Villages managed in the app: created, renamed, merged, closed, imported; the pages that do it."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from households.errors import ScopeError
from households.forms import HouseholdForm
from households.models import AdministrativeUnit, Household, UnitLevel, UnitSuccession, UnitType
from households.services import (
    carry_over_commit,
    village_close,
    village_create,
    village_merge,
    village_rename,
    villages_import,
)
from tests.conftest import AFTER_REFORM
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English; the pages' Vietnamese is checked where they are shown."""
    with translation.override("en"):
        yield


MERGE_DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def van_lang(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def officer(make_user, van_lang):
    return make_user(Role.COMMUNE_OFFICER, [van_lang], full_name="Lương Thị Hà")


def _workbook(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_a_village_is_created_in_force_from_the_communes_start_with_history(officer, van_lang):
    village = village_create(commune=van_lang, name="Thôn Nà Làng", unit_type=UnitType.THON, user=officer)
    assert (village.valid_from, village.valid_to, village.parent) == (AFTER_REFORM, None, van_lang)
    entry = village.history.get()
    assert (entry.history_type, entry.history_user, entry.name) == ("+", officer, "Thôn Nà Làng")


def test_a_second_village_of_the_same_name_is_refused(officer, van_lang):
    village_create(commune=van_lang, name="Thôn Nà Làng", unit_type=UnitType.THON, user=officer)
    with pytest.raises(ValidationError, match="already has a village named"):
        village_create(commune=van_lang, name="thôn nà làng", unit_type=UnitType.THON, user=officer)


def test_an_officer_of_another_commune_may_not_add_villages(make_user, unit, van_lang):
    other = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bằng Thành", on=AFTER_REFORM)])
    with pytest.raises(ScopeError):
        village_create(commune=van_lang, name="Thôn Mới", unit_type=UnitType.THON, user=other)


def test_a_rename_keeps_the_old_name_in_the_history(officer, van_lang):
    village = village_create(commune=van_lang, name="Thôn Nà Làng", unit_type=UnitType.THON, user=officer)
    village_rename(user=officer, village=village, name="Thôn Nà Làng Mới")
    assert [h.name for h in village.history.order_by("history_date")] == ["Thôn Nà Làng", "Thôn Nà Làng Mới"]


def test_a_village_with_households_cannot_be_closed(officer, van_lang):
    village = village_create(commune=van_lang, name="Thôn Nà Làng", unit_type=UnitType.THON, user=officer)
    HouseholdFactory(village=village)
    with pytest.raises(ValidationError, match="1 households still live"):
        village_close(user=officer, village=village, last_day=MERGE_DAY)


def test_an_empty_village_closes_and_is_no_longer_offered(officer, van_lang):
    village = village_create(commune=van_lang, name="Thôn Nà Làng", unit_type=UnitType.THON, user=officer)
    village_close(user=officer, village=village, last_day=datetime.date(2026, 1, 31))
    form = HouseholdForm(user=officer)
    assert village not in form.fields["village"].queryset


def test_merged_villages_end_and_their_households_follow_with_history(officer, van_lang):
    one = village_create(commune=van_lang, name="Thôn Một", unit_type=UnitType.THON, user=officer)
    two = village_create(commune=van_lang, name="Thôn Hai", unit_type=UnitType.THON, user=officer)
    households = [HouseholdFactory(village=one), HouseholdFactory(village=two)]
    merged = village_merge(
        user=officer,
        villages=[one, two],
        name="Thôn Một Hai",
        unit_type=UnitType.THON,
        on=MERGE_DAY,
        decision="Nghị quyết 12/NQ-HĐND",
    )
    one.refresh_from_db()
    assert one.valid_to == MERGE_DAY - datetime.timedelta(days=1)
    assert merged.valid_from == MERGE_DAY
    assert set(UnitSuccession.objects.filter(successor=merged).values_list("predecessor", flat=True)) == {
        one.pk,
        two.pk,
    }
    for household in households:
        household.refresh_from_db()
        assert household.village == merged
        assert household.history.latest().history_change_reason == "Villages merged: Nghị quyết 12/NQ-HĐND"
    form = HouseholdForm(user=officer)
    assert list(form.fields["village"].queryset) == [merged]


def test_villages_of_another_commune_cannot_be_merged(officer, van_lang, unit, make_user):
    other = unit("Xã Bằng Thành", on=AFTER_REFORM)
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])
    one = village_create(commune=van_lang, name="Thôn Một", unit_type=UnitType.THON, user=province)
    two = village_create(commune=other, name="Thôn Hai", unit_type=UnitType.THON, user=province)
    with pytest.raises(ValidationError, match="same commune"):
        village_merge(user=province, villages=[one, two], name="X", unit_type="thon", on=MERGE_DAY, decision="NQ")


def test_the_import_creates_villages_and_is_idempotent(officer, van_lang):
    rows = [
        ["Mã xã", "Tên thôn", "Loại", "Mã thôn"],
        [van_lang.code, "Thôn Nà Làng", "Thôn", "01"],
        [van_lang.code, "Bản Pjạc", "Bản", ""],
    ]
    result = villages_import(user=officer, file=_workbook(rows))
    assert (result.created, result.unchanged) == (2, 0)
    names = set(AdministrativeUnit.objects.filter(parent=van_lang).values_list("name", "unit_type"))
    assert names == {("Thôn Nà Làng", "thon"), ("Bản Pjạc", "ban")}
    again = villages_import(user=officer, file=_workbook(rows))
    assert (again.created, again.unchanged) == (0, 2)


def test_an_import_with_a_bad_row_saves_nothing_and_names_row_and_column(officer, van_lang):
    rows = [
        ["Mã xã", "Tên thôn", "Loại"],
        [van_lang.code, "Thôn Nà Làng", "Thôn"],
        ["00000", "Thôn Khác", "Thôn"],
        [van_lang.code, "Thôn Ba", "Phố"],
    ]
    with pytest.raises(ValidationError) as refusal:
        villages_import(user=officer, file=_workbook(rows))
    assert refusal.value.messages == [
        "Row 3, column Mã xã: no commune with the code 00000 is in force on "
        + datetime.date.today().strftime("%d/%m/%Y")
        + ".",
        "Row 4, column Loại: write Thôn, Bản or Tổ dân phố.",
    ]
    assert not AdministrativeUnit.objects.filter(parent=van_lang, level=UnitLevel.VILLAGE).exists()


def test_the_villages_page_adds_a_village_and_keeps_what_was_typed_on_refusal(client, officer, van_lang):
    client.force_login(officer)
    url = f"/units/{van_lang.pk}/villages/"
    response = client.post(url, {"action": "create", "name": "Thôn Nà Làng", "unit_type": "thon"})
    assert response.status_code == 302
    assert AdministrativeUnit.objects.filter(parent=van_lang, name="Thôn Nà Làng").exists()
    response = client.post(url, {"action": "create", "name": "Thôn Nà Làng", "unit_type": "thon", "code": "07"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã có thôn" in page or "already has a village" in page
    assert 'value="07"' in page


def test_a_viewer_may_see_the_villages_but_not_change_them(client, make_user, van_lang):
    viewer = make_user(Role.VIEWER, [van_lang])
    client.force_login(viewer)
    url = f"/units/{van_lang.pk}/villages/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "create", "name": "Thôn X", "unit_type": "thon"}).status_code == 403


def test_the_carry_over_page_dry_runs_then_commits(client, make_user, unit):
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])
    old = unit("Xã Lương Thượng")
    village = village_create(commune=old, name="Thôn Nà Làng", unit_type=UnitType.THON)
    household = HouseholdFactory(village=village)
    client.force_login(province)
    page = client.get("/units/carry-over/?province=19").content.decode()
    assert "Xã Văn Lang" in page
    assert Household.objects.get(pk=household.pk).village == village
    response = client.post("/units/carry-over/?province=19", {"action": "commit", "decision": ""})
    assert response.status_code == 200
    assert Household.objects.get(pk=household.pk).village == village
    response = client.post("/units/carry-over/?province=19", {"action": "commit", "decision": "NQ 1683"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.commune == unit("Xã Văn Lang", on=AFTER_REFORM)
    assert carry_over_commit(user=province, code="19", decision="NQ 1683").households_moved == 0
