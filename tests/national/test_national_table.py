"""The ministry's national level: a read-only role over every province, the provinces and regions by status
with the country's total, the groups of communes, the page and the API."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from households.models import AdministrativeUnit, CommuneGroup, UnitGroup, UnitLevel
from households.rates import rate
from households.selectors.units import visible_unit_ids
from households.services import units_load
from households.unit_sources import resolve_province
from tests.conftest import AFTER_REFORM
from tests.factories import residents_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry(make_user):
    return make_user(Role.MINISTRY_OFFICER)


def test_the_ministry_sees_every_unit_and_changes_nothing(ministry, reviewed, client, unit):
    assert visible_unit_ids(ministry) is None
    assert not ministry.can_edit
    client.force_login(ministry)
    household = next(iter(reviewed["households"].values()))
    assert client.get(f"/households/{household.pk}/").status_code == 200
    assert client.get(f"/households/{household.pk}/edit/").status_code == 403
    assert client.get("/households/new/").status_code == 403
    assert "/national/" in client.get("/dashboard/").text  # the menu offers the national table


def test_no_one_else_is_offered_the_national_table(province_officer, client):
    client.force_login(province_officer)
    assert 'href="/national/"' not in client.get("/dashboard/").text


def test_each_province_is_its_own_dashboards_figure_and_the_country_their_sum(ministry, reviewed, client, unit):
    residents = sum(residents_everywhere(2024, 10, under=unit("Tỉnh Bắc Kạn")).values())
    client.force_login(ministry)
    answer = client.get("/api/v1/statistics/national/", {"year": 2024})
    assert answer.status_code == 200
    body = answer.json()
    rows = {row["code"]: row for row in body["results"]}
    # 2024 is of the legacy tree: both loaded provinces have a row, Thái Nguyên with no review.
    assert set(rows) == {"06", "19"}
    backan = rows["06"]
    assert (backan["households"], backan["poor"], backan["near_poor"]) == (11, 3, 6)
    assert backan["poor_rate"] == float(rate(3, residents))
    assert backan["region"] == "northern_mountains"
    dashboard = client.get("/api/v1/statistics/", {"year": 2024, "unit": "06", "tree": "legacy"}).json()
    assert dashboard["results"][0]["poor_rate"] == backan["poor_rate"]
    assert rows["19"]["households"] == 0
    assert rows["19"]["communes_reported"] == 0
    total = body["total"]
    assert total["households"] == 11
    assert total["communes"] == backan["communes"] + rows["19"]["communes"]
    # Thái Nguyên has no resident households entered: the country has no rate, and the notes say why.
    assert total["poor_rate"] is None
    assert any("Tỉnh Thái Nguyên" in note for note in body["notes"])


def test_by_region_sums_the_provinces_of_each_region(ministry, reviewed, client, unit):
    # Bắc Kạn 2024: 11 reviewed; Thái Nguyên, moved to another region for the test, none.
    AdministrativeUnit.objects.filter(pk=unit("Tỉnh Thái Nguyên").pk).update(region="red_river_delta")
    client.force_login(ministry)
    body = client.get("/api/v1/statistics/national/", {"year": 2024, "by": "region"}).json()
    rows = {row["code"]: row for row in body["results"]}
    assert list(rows) == ["northern_mountains", "red_river_delta"]  # in the order of the regions
    assert (rows["northern_mountains"]["households"], rows["northern_mountains"]["poor"]) == (11, 3)
    assert rows["red_river_delta"]["households"] == 0
    assert rows["red_river_delta"]["communes"] > 0  # Thái Nguyên's communes, none reported
    assert body["total"]["communes"] == sum(row["communes"] for row in rows.values())


def test_a_province_without_a_region_is_shown_apart(ministry, reviewed, client, unit):
    AdministrativeUnit.objects.filter(pk=unit("Tỉnh Thái Nguyên").pk).update(region="")
    client.force_login(ministry)
    body = client.get("/api/v1/statistics/national/", {"year": 2024, "by": "region"}).json()
    assert [row["code"] for row in body["results"]] == ["northern_mountains", ""]


def test_a_group_counts_its_communes_only(ministry, reviewed, client, unit):
    # Bộc Bố 2024: PPNN. Marked alone, the ethnic-minority group holds its four households and no other.
    UnitGroup.objects.create(unit=unit("Xã Bộc Bố"), group=CommuneGroup.ETHNIC_MINORITY)
    client.force_login(ministry)
    body = client.get("/api/v1/statistics/national/", {"year": 2024, "group": "ethnic_minority"}).json()
    assert (body["total"]["households"], body["total"]["poor"], body["total"]["near_poor"]) == (4, 2, 2)
    assert body["total"]["communes"] == 1
    # A poor district's mark holds its communes: Na Rì's Lương Thượng (PNNA) and Kim Hỷ (NNA).
    UnitGroup.objects.create(unit=unit("Huyện Na Rì"), group=CommuneGroup.POOR_DISTRICT)
    body = client.get("/api/v1/statistics/national/", {"year": 2024, "group": "poor_district"}).json()
    assert (body["total"]["households"], body["total"]["poor"]) == (7, 1)


def test_a_group_s_rate_is_over_its_communes_resident_households(ministry, reviewed, client, unit):
    # Resident households in every commune of both provinces; only Bộc Bố (PPNN) in the group. Thái Nguyên has no
    # commune in it: it adds nothing to the rate, and does not take the country's rate away.
    residents = residents_everywhere(2024, 10, under=unit("Tỉnh Bắc Kạn"))
    residents_everywhere(2024, 10, under=unit("Tỉnh Thái Nguyên"))
    UnitGroup.objects.create(unit=unit("Xã Bộc Bố"), group=CommuneGroup.COASTAL_ISLAND)
    client.force_login(ministry)
    body = client.get("/api/v1/statistics/national/", {"year": 2024, "group": "coastal_island"}).json()
    expected = float(rate(2, residents[unit("Xã Bộc Bố").pk]))
    assert body["total"]["poor_rate"] == expected
    assert {row["code"]: row["poor_rate"] for row in body["results"]} == {"06": expected, "19": None}
    region = client.get("/api/v1/statistics/national/", {"year": 2024, "group": "coastal_island", "by": "region"})
    assert region.json()["results"][0]["poor_rate"] == expected


def test_a_new_commune_is_in_a_group_when_every_old_commune_it_was_made_of_was(ministry, reviewed, client, unit):
    bang_thanh = unit("Xã Bằng Thành", on=AFTER_REFORM)  # 2026: PPN
    old = list(AdministrativeUnit.objects.filter(successions__successor=bang_thanh))
    assert len(old) > 1
    for commune in old[:-1]:
        UnitGroup.objects.create(unit=commune, group=CommuneGroup.BORDER)
    client.force_login(ministry)
    query = {"year": 2026, "group": "border"}
    assert client.get("/api/v1/statistics/national/", query).json()["total"]["households"] == 0
    UnitGroup.objects.create(unit=old[-1], group=CommuneGroup.BORDER)
    total = client.get("/api/v1/statistics/national/", query).json()["total"]
    assert (total["households"], total["poor"]) == (3, 2)


def test_the_table_is_the_ministry_s(reviewed, province_officer, make_user, unit, client):
    # A province officer's area is summed by the statistics endpoint; the national table is not theirs.
    for user in (province_officer, make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])):
        client.force_login(user)
        assert client.get("/api/v1/statistics/national/", {"year": 2024}).status_code == 403
        assert client.get("/national/").status_code == 403


def test_bad_parameters_are_field_errors(ministry, reviewed, client):
    client.force_login(ministry)
    answer = client.get("/api/v1/statistics/national/", {"year": 1999, "by": "district", "group": "poor"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"year", "by", "group"}
    assert client.get("/api/v1/statistics/national/", {"year": 2025}).status_code == 400


def test_the_csv_keeps_the_province_codes_as_text(ministry, reviewed, client):
    client.force_login(ministry)
    answer = client.get("/api/v1/statistics/national/", {"year": 2024, "format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == ["06", "19"]


def test_the_national_answer_reads_the_same_queries_whatever_the_provinces(ministry, reviewed, client):
    client.force_login(ministry)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/statistics/national/", {"year": 2024}).status_code == 200
        return len(captured)

    two = queries()
    units_load(pair=resolve_province("Cao Bằng"))  # a third province, 200 more communes
    assert len(client.get("/api/v1/statistics/national/", {"year": 2024}).json()["results"]) == 3
    assert queries() == two <= 12


def test_the_page_lists_the_provinces_with_links_to_their_dashboards(ministry, reviewed, client, unit):
    client.force_login(ministry)
    opened = client.get("/national/")  # without a question: the latest year with figures
    assert 'data-row="total"' in opened.text
    assert opened.context["table"].year == 2026
    page = client.get("/national/", {"year": 2024})
    assert page.status_code == 200
    assert f"/dashboard/?unit={unit('Tỉnh Bắc Kạn').pk}&amp;year=2024" in page.text
    assert 'data-row="total"' in page.text
    assert "format=xlsx" in page.text
    for bad, field in (({"year": "abc"}, "year"), ({"by": "x"}, "by"), ({"standard": "bad"}, "standard")):
        answer = client.get("/national/", bad)
        assert answer.status_code == 200
        assert field in answer.context["form"].errors
        assert answer.context["table"] is None
        assert f'id="id_{field}_errors"' in answer.text
    # A standard without figures in the year is said on the year, not shown as zeros.
    answer = client.get("/national/", {"year": 2024, "standard": "2026-2030"})
    assert "year" in answer.context["form"].errors


def test_the_loader_fills_an_empty_region_and_keeps_a_correction(unit):
    province = unit("Tỉnh Bắc Kạn")
    assert province.region == "northern_mountains"
    AdministrativeUnit.objects.filter(pk=province.pk).update(region="red_river_delta")
    call_command("load_units", province=["Bắc Kạn"], verbosity=0)
    province.refresh_from_db()
    assert province.region == "red_river_delta"
    new = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code="19", valid_from__isnull=False)
    assert new.region == "northern_mountains"


def test_mark_units_marks_all_or_nothing(unit, capsys):
    with pytest.raises(CommandError, match="unknown codes: 99999"):
        call_command("mark_units", "border", unit("Xã Bộc Bố").code, "99999")
    assert not UnitGroup.objects.exists()
    # 02143 is Xã Lương Thượng until 30/6/2025 and Xã Văn Lang after: the tree must be said.
    with pytest.raises(CommandError, match="both trees"):
        call_command("mark_units", "border", "02143")
    call_command("mark_units", "border", "02143", unit("Xã Bộc Bố").code, "--tree", "legacy", "--source", "34/2014")
    assert set(UnitGroup.objects.values_list("unit__name", flat=True)) == {"Xã Lương Thượng", "Xã Bộc Bố"}
    call_command("mark_units", "border", unit("Xã Bộc Bố").code, "--tree", "legacy", "--clear")
    assert list(UnitGroup.objects.values_list("unit__name", flat=True)) == ["Xã Bộc Bố"]
    assert "1 removed" in capsys.readouterr().out


def test_only_a_district_or_a_commune_is_put_in_a_group(unit):
    for wide in (unit("Tỉnh Bắc Kạn"),):
        with pytest.raises(ValidationError):
            UnitGroup(unit=wide, group=CommuneGroup.BORDER).full_clean()
    UnitGroup(unit=unit("Huyện Na Rì"), group=CommuneGroup.BORDER).full_clean()
    with pytest.raises(CommandError, match="unknown codes: 06"):
        call_command("mark_units", "border", "06", "--tree", "legacy")  # a province's code
