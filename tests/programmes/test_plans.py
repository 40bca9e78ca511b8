"""Plans and target tables with the database: seed 002 as printed, scope, the xlsx import, progress, bands, pages."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import translation
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from accounts.models import Role
from demo.history import plans_load
from households.rates import rate
from programmes.imports import parse_number, target_table_import
from programmes.models import GoalKind, Plan, PrintedTotal, TargetRow
from programmes.progress import Counts, Verdict
from programmes.selectors import (
    plan_get,
    plan_list,
    plan_progress,
    poverty_counts,
    target_table,
    units_banded,
)
from programmes.services import plan_create, target_rows_replace
from tests.conftest import AFTER_REFORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_002():
    plans_load()
    return Plan.objects.get(decision_number="397/QĐ-UBND")


# --- seed 002 as printed -----------------------------------------------------------------------------


def test_seed_002_is_kept_as_printed_and_its_total_computed(seed_002, province_user):
    table = target_table(user=province_user, plan=seed_002, year=2017)
    assert [r.row.unit.name for r in table.rows][:2] == ["Thành phố Bắc Kạn", "Huyện Na Rì"]
    assert len(table.rows) == 8
    assert (table.total.households, table.total.poor, table.total.reduction) == (78200, 20809, 1947)
    assert table.total.poor_rate == D("26.61")
    checks = {c.name: c for c in table.total_checks}
    assert checks["reduction"].printed == 1955
    assert checks["reduction"].difference == 8
    assert checks["reduction_pp"].printed == D("2.50")
    assert checks["reduction_pp"].difference == D("0.01")
    assert not checks["poor_rate"].differs
    # Pác Nặm's printed 4.21% against 288 / 6,850 = 4.20%.
    pac_nam = next(r for r in table.rows if r.row.unit.name == "Huyện Pác Nặm")
    assert pac_nam.differs
    assert pac_nam.checks[1].difference == D("0.01")
    assert {c.name for c in table.differences} == {"reduction", "reduction_pp"}


def test_seed_002_goals_and_tasks(seed_002):
    assert seed_002.signer == "Phạm Duy Hưng"
    assert seed_002.decision_date == datetime.date(2017, 4, 4)
    goals = list(seed_002.goals.order_by("order"))
    assert (goals[0].target_low, goals[0].target_high) == (D(2), D("2.5"))
    assert [u.name for u in goals[1].units.order_by("name")] == ["Huyện Ba Bể", "Huyện Pác Nặm"]
    assert goals[2].target_low == 5000
    assert goals[2].unit_of_measure == "người"
    tasks = list(seed_002.tasks.order_by("order"))
    assert len(tasks) == 11
    assert tasks[2].approving_body == "HĐND tỉnh"
    assert tasks[10].deadline_text == "Cuối quý IV năm 2017"


def test_loading_the_plans_twice_changes_nothing(seed_002):
    plans_load()
    assert Plan.objects.filter(decision_number="397/QĐ-UBND").count() == 1
    assert TargetRow.objects.filter(plan=seed_002).count() == 8


# --- scope -------------------------------------------------------------------------------------------


def test_a_district_officer_sees_only_the_districts_rows(seed_002, make_user, unit):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    assert list(plan_list(user=officer)) == [seed_002]
    table = target_table(user=officer, plan=seed_002, year=2017)
    assert [r.row.unit.name for r in table.rows] == ["Huyện Na Rì"]
    assert table.total.households == 9875
    # The printed province total is not compared with one district's rows.
    assert not table.complete
    assert table.total_checks == ()


def test_a_plan_without_a_row_in_the_users_area_is_not_found(seed_002, make_user, unit):
    commune_officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    other_province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])
    for user in (commune_officer, other_province):
        assert not plan_list(user=user).exists()
        with pytest.raises(Http404):
            plan_get(user=user, pk=seed_002.pk)


def test_only_province_officers_change_plans(seed_002, make_user, unit):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    with pytest.raises(PermissionDenied):
        target_rows_replace(user=officer, plan=seed_002, year=2017, rows=[])
    outsider = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])
    with pytest.raises(PermissionDenied):
        target_rows_replace(user=outsider, plan=seed_002, year=2017, rows=[])


# --- import ------------------------------------------------------------------------------------------


def seed_002_workbook(rows=None, total=("Tổng", "78.200", "20.809", "26,61", "1.955", "2,50")) -> io.BytesIO:
    """Table 1 of seed 002 as a workbook: two header rows, figures partly as Vietnamese-formatted text."""
    book = Workbook()
    sheet = book.active
    sheet.append(["MỤC TIÊU PHẤN ĐẤU GIẢM TỶ LỆ HỘ NGHÈO NĂM 2017"])
    sheet.append(["STT", "Đơn vị", "Số hộ nghèo đầu năm 2016", None, None, "Mục tiêu phấn đấu giảm tỷ lệ hộ nghèo"])
    sheet.append([None, None, "Tổng số hộ (hộ)", "Hộ nghèo (hộ)", "Tỷ lệ (%)", "Hộ nghèo giảm (hộ)", "Tỷ lệ (%)"])
    rows = rows or [
        (1, "Thành phố Bắc Kạn", "11.125", 320, "2,88", 30, "0,27"),
        (2, "Huyện Na Rì", 9875, 3531, 35.76, 332, 3.36),
        (3, "Huyện Bạch Thông", 8410, 2021, 24.03, 190, 2.26),
        (4, "Huyện Pác Nặm", 6850, 3070, 44.82, 288, 4.21),
        (5, "Huyện Chợ Mới", "10.120", "2.360", "23,32", 222, "2,19"),
        (6, "Ngân Sơn", 7251, 3347, 46.16, 240, 3.31),
        (7, "Huyện Chợ Đồn", 12830, 2534, 19.75, 238, 1.86),
        (8, "Huyện Ba Bể", 11739, 3626, 30.89, 407, 3.47),
    ]
    for row in rows:
        sheet.append(list(row))
    if total:
        sheet.append([None, *total])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def empty_plan(unit):
    return plan_create(
        user=None,
        title="Kế hoạch thử",
        decision_number="1/QĐ-UBND",
        decision_date=datetime.date(2017, 1, 5),
        issuing_body="UBND tỉnh Bắc Kạn",
        unit=unit("Tỉnh Bắc Kạn"),
        period_from=2016,
        period_to=2020,
        year_from=2017,
        year_to=2017,
        baseline_year=2016,
    )


def test_the_seed_002_workbook_imports_with_its_printed_total(empty_plan, province_user):
    assert target_table_import(user=province_user, plan=empty_plan, year=2017, source=seed_002_workbook()) == 8
    rows = {r.unit.name: r for r in TargetRow.objects.filter(plan=empty_plan).select_related("unit")}
    assert rows["Thành phố Bắc Kạn"].households == 11125
    assert rows["Thành phố Bắc Kạn"].poor_rate_printed == D("2.88")
    assert rows["Huyện Ngân Sơn"].poor_households == 3347  # matched by its short name
    assert rows["Huyện Chợ Mới"].poor_households == 2360
    printed = PrintedTotal.objects.get(plan=empty_plan, year=2017)
    assert (printed.households, printed.reduction_households, printed.reduction_pp) == (78200, 1955, D("2.50"))
    table = target_table(user=province_user, plan=empty_plan, year=2017)
    assert {c.name: c.difference for c in table.total_checks if c.differs} == {
        "reduction": 8,
        "reduction_pp": D("0.01"),
    }


def test_importing_again_replaces_the_years_rows(empty_plan, province_user):
    target_table_import(user=province_user, plan=empty_plan, year=2017, source=seed_002_workbook())
    small = seed_002_workbook(rows=[(1, "Huyện Na Rì", 9875, 3531, 35.76, 332, 3.36)], total=None)
    assert target_table_import(user=province_user, plan=empty_plan, year=2017, source=small) == 1
    assert TargetRow.objects.filter(plan=empty_plan).count() == 1
    assert not PrintedTotal.objects.filter(plan=empty_plan).exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((1, "Huyện Không Có", 10, 2, 20, 1, 10), "Huyện Không Có"),
        ((1, "Huyện Na Rì", 10, "hai", 20, 1, 10), "Line 4"),
        ((1, "Huyện Na Rì", 10, 20, 20, 1, 10), "Row 1: There are more poor households than households."),
    ],
)
def test_a_bad_workbook_is_refused_with_the_reason(empty_plan, province_user, row, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            target_table_import(user=province_user, plan=empty_plan, year=2017, source=seed_002_workbook(rows=[row]))
        assert message in " ".join(caught.value.messages)
    assert not TargetRow.objects.filter(plan=empty_plan).exists()


def test_numbers_in_vietnamese_format():
    assert parse_number("78.200") == 78200
    assert parse_number("2,50", percent=True) == D("2.50")
    assert parse_number(26.61, percent=True) == D("26.61")
    assert parse_number("") is None
    with pytest.raises(ValueError, match=r"12\.5"):
        parse_number(12.5)


# --- progress on hand-made reviews -------------------------------------------------------------------


def test_progress_verdicts_per_row(reviewed_plan, province_user):
    progress = plan_progress(user=province_user, plan=reviewed_plan, year=2024)
    by_unit = {u.name: r for r, u in zip(progress.rows, progress.row_units, strict=True)}
    luong_thuong = by_unit["Xã Lương Thượng"]
    assert luong_thuong.actual == Counts(households=4, poor=1, near_poor=2, resident_households=4)
    assert luong_thuong.actual.poor_rate == D("25.00")
    assert luong_thuong.reduction_households == 1
    assert luong_thuong.households.verdict == Verdict.REACHED
    boc_bo = by_unit["Xã Bộc Bố"]
    assert boc_bo.reduction_households == 1
    assert boc_bo.households.verdict == Verdict.BEHIND
    assert boc_bo.households.gap == 1
    assert boc_bo.pp.verdict == Verdict.BEHIND
    assert boc_bo.pp.gap == D("25.00")
    # The district counts its communes' reviews.
    na_ri = by_unit["Huyện Na Rì"].actual
    assert (na_ri.households, na_ri.poor, na_ri.near_poor) == (4, 1, 2)
    assert na_ri.resident_households == 4 + na_ri.communes - 1
    assert (na_ri.communes_reported, na_ri.partial) == (1, True)
    assert progress.total.actual.households == 12


def test_progress_of_goals_and_the_projection(reviewed_plan, province_user):
    progress = plan_progress(user=province_user, plan=reviewed_plan, year=2024)
    # Over the province's resident households: 4 + 4 in the reviewed communes, 1 in each of the others.
    residents = progress.series[2024].resident_households
    assert residents == 8 + progress.series[2024].communes - 2
    assert progress.series == {2023: Counts(8, 5, 2, residents), 2024: Counts(8, 3, 4, residents)}
    before, now = rate(5, residents), rate(3, residents)
    assert progress.projection.year == 2025
    assert progress.projection.rate == now - (before - now)  # the straight line through the two years
    goals = {g.goal.kind: g for g in progress.goals}
    assert goals[GoalKind.REDUCTION_PP].actual == before - now
    # Two households fewer of over a hundred: less than the 2 points a year aimed at.
    assert goals[GoalKind.REDUCTION_PP].judgement.verdict == Verdict.BEHIND
    assert goals[GoalKind.END_RATE].actual == now
    assert goals[GoalKind.END_RATE].judgement.verdict == Verdict.REACHED
    output = goals[GoalKind.OUTPUT]
    assert output.basis == "entered"
    assert output.judgement.verdict == Verdict.BEHIND
    assert output.judgement.gap == 20


def test_progress_is_scoped_like_the_rows(reviewed_plan, make_user, unit):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    progress = plan_progress(user=officer, plan=reviewed_plan, year=2024)
    assert {u.name for u in progress.row_units} == {"Huyện Na Rì", "Xã Lương Thượng"}
    assert progress.series == {}
    assert progress.projection is None


def test_counts_aggregate_in_the_database(reviewed_plan, province_user, unit, django_assert_max_num_queries):
    units = [unit("Tỉnh Bắc Kạn"), unit("Huyện Na Rì"), unit("Xã Bộc Bố")]
    # Scope (3), the years' standards, the roll-up's communes, cells, resident counts, registry, the provinces of the
    # area (households.provinces; once, then kept).
    with django_assert_max_num_queries(9):
        counts = poverty_counts(user=province_user, units=units, years=[2023, 2024])
    province = counts[(units[0].pk, 2023)]
    assert (province.households, province.poor, province.near_poor) == (8, 5, 2)
    assert counts[(units[2].pk, 2024)] == Counts(4, 2, 2, resident_households=4)


def test_a_new_commune_counts_the_reviews_of_the_old_communes_it_took_over(reviewed_plan, province_user, unit):
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    counts = poverty_counts(user=province_user, units=[van_lang], years=[2024])
    # Lương Thượng (4 resident households), Kim Hỷ and the old Văn Lang (1 each), merged whole into it.
    assert counts[(van_lang.pk, 2024)] == Counts(4, 1, 2, resident_households=6)


def test_communes_are_banded_by_rate(reviewed_plan, province_user, unit):
    bands = {b.label: units for b, units in units_banded(user=province_user, parent=unit("Tỉnh Bắc Kạn"), year=2024)}
    assert [b.unit.name for b in bands["25–40%"]] == ["Xã Lương Thượng"]
    assert [b.unit.name for b in bands[">40%"]] == ["Xã Bộc Bố"]
    assert bands["≤2%"] == []


# --- pages -------------------------------------------------------------------------------------------


def test_the_plan_page_shows_printed_and_computed_figures_in_vietnamese(client, seed_002, province_user):
    client.force_login(province_user)
    body = client.get(f"/plans/{seed_002.pk}/").content.decode()
    for text in ("78.200", "20.809", "26,61", "1.947", "1.955", "2,49", "2,50", "Phạm Duy Hưng", "Sở Nội vụ"):
        assert text in body, text
    assert client.get("/plans/").status_code == 200


def test_the_plan_page_is_not_found_outside_the_area(client, seed_002, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")]))
    assert client.get(f"/plans/{seed_002.pk}/").status_code == 404


def test_a_province_officer_imports_in_the_browser(client, empty_plan, province_user, make_user, unit):
    client.force_login(make_user(Role.DISTRICT_OFFICER, [unit("Tỉnh Bắc Kạn")]))
    workbook = seed_002_workbook()
    workbook.name = "bieu.xlsx"
    assert client.post(f"/plans/{empty_plan.pk}/import/", {"year": 2017, "workbook": workbook}).status_code == 403
    client.force_login(province_user)
    workbook = seed_002_workbook()
    workbook.name = "bieu.xlsx"
    response = client.post(f"/plans/{empty_plan.pk}/import/", {"year": 2017, "workbook": workbook})
    assert response.status_code == 302
    assert TargetRow.objects.filter(plan=empty_plan).count() == 8


def test_a_province_officer_enters_an_actual_and_updates_a_task(client, seed_002, province_user):
    client.force_login(province_user)
    goal = seed_002.goals.get(description="Giải quyết việc làm")
    response = client.post(f"/plans/{seed_002.pk}/goals/{goal.pk}/", {"actual": "5200", "actual_note": "Sở LĐTBXH"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.actual == 5200
    task = seed_002.tasks.get(order=1)
    response = client.post(f"/plans/{seed_002.pk}/tasks/{task.pk}/", {"status": "done", "progress_notes": "Xong"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_seed_000_goals_are_a_second_plan(seed_002):
    call_command("load_units", province=["Bắc Giang"], verbosity=0)
    plans_load()
    plan = Plan.objects.get(decision_number="52-NQ/TU")
    assert (plan.unit.name, plan.year_from, plan.year_to, plan.baseline_year) == ("Tỉnh Bắc Giang", 2006, 2010, 2005)
    goals = {g.kind: g for g in plan.goals.exclude(kind=GoalKind.OUTPUT)}
    # Seed 000 words them "dưới 15%", "trên 3%/năm", "trên 11 nghìn hộ": strict (issue 19 D), no longer the
    # inclusive "at most"/"at least" the two old comparisons forced.
    assert goals[GoalKind.END_RATE].direction == "below"
    assert goals[GoalKind.REDUCTION_PP].direction == "above"
    assert goals[GoalKind.REDUCTION_HOUSEHOLDS].direction == "above"
    assert goals[GoalKind.END_RATE].target_low == 15
    assert goals[GoalKind.REDUCTION_PP].target_low == 3
    assert goals[GoalKind.REDUCTION_HOUSEHOLDS].target_low == 11000
    outputs = sorted(int(g.target_low) for g in plan.goals.filter(kind=GoalKind.OUTPUT))
    assert outputs == [400, 1000, 6000, 6000]


def test_the_target_table_downloads_with_printed_figures_and_differences(client, seed_002, province_user):
    client.force_login(province_user)
    response = client.get(f"/plans/{seed_002.pk}/targets-2017.xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + 8 + 3  # header, units, computed total, printed total, difference
    total, printed, difference = rows[-3:]
    assert (total[2], total[6]) == (78200, 1947)
    assert (printed[2], printed[6]) == (78200, 1955)
    assert difference[6] == 8
    csv = client.get(f"/plans/{seed_002.pk}/targets-2017.csv").content.decode("utf-8-sig")
    assert "Huyện Pác Nặm" in csv
    assert client.get(f"/plans/{seed_002.pk}/targets-2017.pdf").status_code == 404


def test_a_province_officer_enters_a_plan_and_its_table_in_the_browser(client, province_user, unit, make_user):
    district_officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    client.force_login(district_officer)
    assert client.get("/plans/new/").status_code == 403
    client.force_login(province_user)
    data = {
        "title": "Kế hoạch giảm nghèo năm 2018",
        "decision_number": "88/QĐ-UBND",
        "decision_date": "2018-01-20",
        "issuing_body": "UBND tỉnh Bắc Kạn",
        "signer": "Lý Thái Hải",
        "unit": unit("Tỉnh Bắc Kạn").pk,
        "period_from": 2016,
        "period_to": 2020,
        "year_from": 2018,
        "year_to": 2018,
        "baseline_year": 2017,
    }
    assert client.post("/plans/new/", data).status_code == 302
    plan = Plan.objects.get(decision_number="88/QĐ-UBND")
    assert plan.created_by == province_user
    rows = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-0-unit": unit("Huyện Na Rì").pk,
        "rows-0-households": "10000",
        "rows-0-poor_households": "3200",
        "rows-0-poor_rate_printed": "32,00",
        "rows-0-reduction_households": "300",
        "rows-1-unit": unit("Huyện Ba Bể").pk,
        "rows-1-households": "12000",
        "rows-1-poor_households": "3100",
        "rows-1-reduction_households": "350",
    }
    response = client.post(f"/plans/{plan.pk}/targets/2018/edit/", rows)
    assert response.status_code == 302, response.context["formset"].errors
    table = target_table(user=province_user, plan=plan, year=2018)
    assert (table.total.households, table.total.poor, table.total.reduction) == (22000, 6300, 650)
    assert client.get(f"/plans/{plan.pk}/targets/2018/edit/").status_code == 200
    goal = {"kind": "reduction_pp", "group": "all", "description": "Giảm 2%", "direction": "at_least"}
    assert client.post(f"/plans/{plan.pk}/goals/new/", {**goal, "target_low": "2"}).status_code == 302
    task = {"order": 1, "title": "Rà soát", "lead_agency": "Sở LĐTBXH", "deadline_text": "Quý IV"}
    assert client.post(f"/plans/{plan.pk}/tasks/new/", task).status_code == 302
    assert (plan.goals.count(), plan.tasks.count()) == (1, 1)
