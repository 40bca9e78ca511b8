"""Resident households: the official rates over them, "no rate" without them, coverage, the one roll-up across
the 2025 reform and its scope, and how they are entered (service, page, .xlsx import)."""

import datetime
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.models import ResidentCount
from households.rates import rate
from households.selectors.rollup import figures, rollup
from households.selectors.statistics import default_standards
from households.services.residents import resident_count_set, resident_counts_import
from programmes.models import Plan, TargetRow
from programmes.selectors import plan_progress, poverty_counts
from standards.models import PovertyStandard
from tests.conftest import AFTER_REFORM, SCOPE_FIRST
from tests.factories import ResidentCountFactory, residents_everywhere
from tests.plans import approved

pytestmark = pytest.mark.django_db


def api_get(client, user, **params):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client.get("/api/v1/statistics/", params).json()


def trend_data(html: str) -> list[dict]:
    match = re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# --- rates over resident households ------------------------------------------------------------------------


def test_the_rate_is_over_the_resident_households_not_the_reviewed(client, reviewed, province_officer, unit, make_user):
    # Na Rì 2024: Lương Thượng PNNA, Kim Hỷ NNA → 7 reviewed, 1 poor, 4 near-poor.
    counts = residents_everywhere(2024, 100, under=unit("Huyện Na Rì"), **{"Xã Lương Thượng": 40, "Xã Kim Hỷ": 60})
    body = api_get(client, province_officer, year=2024, unit="066")
    (row,) = body["results"]
    assert row["households"] == 7
    assert row["resident_households"] == sum(counts.values())
    assert row["poor_rate"] == float(rate(1, sum(counts.values())))
    assert row["near_poor_rate"] == float(rate(4, sum(counts.values())))
    assert row["poor_share"] == float(rate(1, 7))  # the share of the reviewed households, for what it is
    # A commune's own rate: Lương Thượng 1 poor of 40 resident households.
    own = api_get(client, province_officer, year=2024, unit=unit("Xã Lương Thượng").code, tree="legacy")
    assert own["results"][0]["poor_rate"] == 2.5


def test_no_rate_without_a_resident_count_and_the_notes_say_why(client, reviewed, province_officer, unit):
    residents_everywhere(2024, 100, under=unit("Huyện Na Rì"))
    ResidentCount.objects.filter(commune=unit("Xã Kim Hỷ"), year=2024).delete()
    body = api_get(client, province_officer, year=2024, unit="066")
    (row,) = body["results"]
    assert (row["households"], row["poor"]) == (7, 1)
    assert row["resident_households"] is None
    assert row["poor_rate"] is None
    assert row["near_poor_rate"] is None
    assert any("Xã Kim Hỷ" in note and "Huyện Na Rì" in note for note in body["notes"])
    # The page shows "—" for the rate, and the same note.
    client.force_login(province_officer)
    page = client.get("/dashboard/", {"unit": unit("Huyện Na Rì").pk, "year": 2024}).text
    assert 'data-figure="poor_rate">—<' in page
    assert "Xã Kim Hỷ" in page


# --- coverage and partial years -----------------------------------------------------------------------------


def test_coverage_communes_reported_and_reviews_of_the_registry(client, reviewed, province_officer, unit):
    body = api_get(client, province_officer, year=2024, unit="066")
    coverage = body["coverage"]
    communes_of_na_ri = rollup(user=province_officer, units=[unit("Huyện Na Rì")], years=[2024])
    assert coverage["communes"] == len(next(iter(communes_of_na_ri.values())).commune_ids)
    assert coverage["communes_reported"] == 2  # Lương Thượng and Kim Hỷ
    assert coverage["reviews_approved"] == 7
    assert coverage["registry_households"] == 7
    assert coverage["partial"] is True
    # A commune on its own has reported whole.
    own = api_get(client, province_officer, year=2024, unit=unit("Xã Lương Thượng").code, tree="legacy")
    assert own["coverage"]["partial"] is False
    assert (own["results"][0]["communes"], own["results"][0]["communes_reported"]) == (1, 1)


def test_the_dashboard_opens_on_the_latest_complete_year_and_marks_partial_years(
    client, reviewed, make_user, unit, django_assert_max_num_queries
):
    """Bộc Bố reported in 2023 and 2024; its successor Bằng Thành (2026) is reviewed only partly when a
    second commune is in the user's area: the dashboard opens on a complete year and marks the partial one."""
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client.force_login(officer)
    residents_everywhere(2024, 100, **{"Xã Bộc Bố": 50})
    with django_assert_max_num_queries(30):
        page = client.get("/dashboard/").text
    # Bộc Bố's area: Bộc Bố (2023, 2024) and, from the reform, Xã Bằng Thành, which reported in 2026.
    trend = {row["year"]: row for row in trend_data(page)}
    assert sorted(trend) == [2023, 2024, 2025, 2026]  # every year on the axis, 2025 a gap
    assert trend[2025]["poor_rate"] is None
    assert trend[2024]["poor_rate"] == "4.00"  # 2 poor of 50 resident households
    assert trend[2023]["poor_rate"] is None  # no resident count for 2023


def test_a_partial_year_is_marked_and_the_complete_one_opens(client, reviewed, province_officer, unit):
    """Huyện Na Rì: only 2 of its communes reported; with every commune reported it is complete."""
    district = unit("Huyện Na Rì")
    client.force_login(province_officer)
    page = client.get("/dashboard/", {"unit": district.pk, "year": 2024}).text
    assert 'data-partial="2024"' in page
    trend = {row["year"]: row for row in trend_data(page)}
    assert trend[2024]["partial"] is True


# --- one roll-up: plan, dashboard and API agree -------------------------------------------------------------


@pytest.fixture
def merged_2025(reviewed, make_user, unit):
    """End-2025 annual review on the new communes: Xã Văn Lang (Lương Thượng + Kim Hỷ + old Văn Lang)."""
    signer = make_user(Role.COMMUNE_CHAIR)
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    approved(van_lang, 2025, ["poor", "near_poor", "near_poor", "average", "not_poor"], signer=signer)
    residents_everywhere(2025, 200, under=van_lang.parent, **{"Xã Văn Lang": 80})
    residents_everywhere(2026, 200, under=van_lang.parent, **{"Xã Văn Lang": 80})
    return van_lang


def test_plan_dashboard_and_api_agree_for_a_merged_commune_in_2025_and_a_legacy_district_in_2026(
    client, merged_2025, province_officer, unit
):
    """2025: Xã Văn Lang, 1 poor of its 80 resident households. 2026: Huyện Na Rì (legacy) is summed from the
    six new communes wholly inside it (Văn Lang 80 + five others 200 resident households; 1 poor, in Văn Lang)."""
    van_lang, na_ri = merged_2025, unit("Huyện Na Rì")
    expected = {2025: rate(1, 80), 2026: rate(1, 80 + 5 * 200)}
    client.force_login(province_officer)
    for year, row_unit, code, tree in ((2025, van_lang, van_lang.code, "current"), (2026, na_ri, "066", "legacy")):
        plan = Plan.objects.create(
            title=f"Kế hoạch {year}",
            decision_number=f"{year}/QĐ-UBND",
            decision_date=datetime.date(year, 1, 10),
            issuing_body="UBND tỉnh",
            unit=unit("Tỉnh Thái Nguyên", on=AFTER_REFORM),
            standard=PovertyStandard.objects.filter(code=default_standards(years=[year])[year]).first(),
            period_from=year,
            period_to=year,
            year_from=year,
            year_to=year,
            baseline_year=year - 1,
        )
        TargetRow.objects.create(
            plan=plan, unit=row_unit, year=year, order=1, households=80, poor_households=2, reduction_households=1
        )
        (row,) = plan_progress(user=province_officer, plan=plan, year=year).rows
        body = api_get(client, province_officer, year=year, unit=code, tree=tree)
        page = client.get("/dashboard/", {"unit": row_unit.pk, "year": year}).text
        rate_on_page = re.search(r'data-figure="poor_rate">([^<]*)<', page).group(1)
        assert row.actual.poor_rate == expected[year], year
        assert body["results"][0]["poor_rate"] == float(expected[year]), year
        assert rate_on_page == f"{expected[year]}%".replace(".", ","), year


# --- the roll-up respects the scope ----------------------------------------------------------------------------


def test_a_viewer_of_ba_be_does_not_see_a_cho_don_commune_through_a_merged_commune(make_user, unit):
    """Xã Đồng Phúc (from 1/7/2025) took in three communes of Ba Bể and Xã Bằng Phúc of Chợ Đồn."""
    signer = make_user(Role.COMMUNE_CHAIR)
    approved(unit("Xã Quảng Khê"), 2024, ["poor", "near_poor"], signer=signer)
    approved(unit("Xã Bằng Phúc"), 2024, ["poor", "poor", "poor"], signer=signer)
    dong_phuc = unit("Xã Đồng Phúc", on=AFTER_REFORM)
    viewer = make_user(Role.VIEWER, [unit("Huyện Ba Bể")])
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])

    (part,) = rollup(user=viewer, units=[dong_phuc], years=[2024]).values()
    assert unit("Xã Bằng Phúc").pk not in part.commune_ids
    assert unit("Xã Quảng Khê").pk in part.commune_ids
    assert any("ngoài địa bàn của bạn" in note for note in part.notes)
    assert poverty_counts(user=viewer, units=[dong_phuc], years=[2024])[(dong_phuc.pk, 2024)].poor == 1
    # The province sees the four communes.
    assert poverty_counts(user=province, units=[dong_phuc], years=[2024])[(dong_phuc.pk, 2024)].poor == 4


def test_figures_of_many_units_and_years_in_a_few_queries(reviewed, province_officer, unit, django_assert_num_queries):
    units = [unit("Tỉnh Bắc Kạn"), unit("Huyện Na Rì"), unit("Xã Bộc Bố"), unit("Xã Văn Lang", on=AFTER_REFORM)]
    standards = default_standards(years=[2023, 2024, 2026])
    # The scope, the communes (two hops: a province of districts), links across the reform, status counts,
    # resident counts, registry, and for the years before the reform the households carried from the old
    # communes; the provinces of the communes, which the reads name for a distributed PostgreSQL
    # (households.provinces: once, then kept by the process).
    with django_assert_num_queries(SCOPE_FIRST + 8):
        found = figures(user=province_officer, units=units, years=[2023, 2024, 2026], standards=standards)
    assert found[(units[1].pk, 2026)].poor == 1  # Na Rì in 2026: Xã Văn Lang, wholly inside it


# --- entering them --------------------------------------------------------------------------------------------


def test_the_service_checks_the_scope_the_figures_and_the_year(make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    boc_bo = unit("Xã Bộc Bố")
    count = resident_count_set(user=officer, commune=boc_bo, year=2024, households=412, people=1630)
    assert (count.households, count.entered_by) == (412, officer)
    resident_count_set(user=officer, commune=boc_bo, year=2024, households=415, people=1641, source="Công an xã")
    count.refresh_from_db()
    assert count.households == 415
    assert [h.households for h in count.history.order_by("history_date")] == [412, 415]
    with pytest.raises(PermissionDenied):
        resident_count_set(user=officer, commune=unit("Xã Lương Thượng"), year=2024, households=1, people=1)
    viewer = make_user(Role.VIEWER, [unit("Xã Bộc Bố")])
    with pytest.raises(PermissionDenied):
        resident_count_set(user=viewer, commune=boc_bo, year=2024, households=1, people=1)
    with pytest.raises(ValidationError) as error:
        resident_count_set(user=officer, commune=boc_bo, year=2024, households=0, people=5)
    assert "households" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        resident_count_set(user=officer, commune=boc_bo, year=2024, households=10, people=5)
    assert "people" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # Bộc Bố ended on 30/6/2025
        resident_count_set(user=officer, commune=boc_bo, year=2026, households=10, people=50)
    assert "year" in error.value.message_dict


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã xã", "Năm", "Tổng số hộ dân cư", "Tổng số nhân khẩu"])
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "dan-cu.xlsx"
    return data


def test_the_import_names_each_row_and_column_and_saves_nothing_when_one_is_wrong(make_user, unit):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    luong_thuong, kim_hy = unit("Xã Lương Thượng"), unit("Xã Kim Hỷ")
    rows = [
        (luong_thuong.code, 2024, 361, 1500),
        (kim_hy.code, 2024, "ba trăm", 1200),  # row 3: not a number
        ("99999", 2024, 10, 40),  # row 4: unknown code
        (unit("Xã Bộc Bố").code, 2024, 400, 1600),  # row 5: outside Na Rì
        (int(kim_hy.code), 2024, 300, 12.5),  # row 6: a leading zero lost in Excel is fine; 12.5 people is not
    ]
    with pytest.raises(ValidationError) as error:
        resident_counts_import(user=officer, source=workbook(rows))
    found = [(e.params["line"], e.code) for e in error.value.error_list]
    assert found == [(3, "households"), (4, "code"), (5, "code"), (6, "people")]
    assert "Row 3" in error.value.messages[0] or "Dòng 3" in error.value.messages[0]
    assert not ResidentCount.objects.exists()

    rows = [(luong_thuong.code, 2024, "1.361", 5500), (int(kim_hy.code), 2024, 300, 1200)]
    assert resident_counts_import(user=officer, source=workbook(rows)) == 2
    assert ResidentCount.objects.get(commune=luong_thuong, year=2024).households == 1361
    # The new commune that kept Lương Thượng's code is meant for a year after the reform.
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    assert van_lang.code == luong_thuong.code
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])
    assert resident_counts_import(user=province, source=workbook([(van_lang.code, 2026, 900, 3600)])) == 1
    assert ResidentCount.objects.get(year=2026).commune == van_lang


def test_the_page_enters_the_communes_of_the_area_and_keeps_what_was_typed(client, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client.force_login(officer)
    boc_bo = unit("Xã Bộc Bố")
    page = client.get("/residents/", {"year": 2024})
    assert page.status_code == 200
    assert "Xã Bộc Bố" in page.text
    assert "Xã Lương Thượng" not in page.text
    wrong = client.post(
        "/residents/?year=2024", {f"households_{boc_bo.pk}": "412", f"people_{boc_bo.pk}": "3", "source": "CA"}
    )
    assert wrong.status_code == 200
    assert 'value="412"' in wrong.text  # kept as typed
    assert f"id_people_{boc_bo.pk}_errors" in wrong.text
    assert not ResidentCount.objects.exists()
    done = client.post("/residents/?year=2024", {f"households_{boc_bo.pk}": "412", f"people_{boc_bo.pk}": "1630"})
    assert done.status_code == 302
    assert ResidentCount.objects.get(commune=boc_bo, year=2024).people == 1630
    client.force_login(make_user(Role.VIEWER, [boc_bo]))
    assert client.get("/residents/").status_code == 403


def test_the_import_page_lists_the_errors(client, make_user, unit):
    client.force_login(make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")]))
    response = client.post("/residents/import/", {"workbook": workbook([("02143", 2024, "x", 10)])})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert re.search(r"(Row|Dòng) 2\b", response.text)
    response = client.post("/residents/import/", {"workbook": workbook([("02143", 2024, 361, 1500)])})
    assert response.status_code == 302
    assert ResidentCountFactory._meta.model.objects.count() == 1
