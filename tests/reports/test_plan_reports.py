"""The provincial plan of seed 002 (Bắc Kạn 397/QĐ-UBND) and its progress report, in HTML, PDF and XLSX."""

import io

import pytest
from pypdf import PdfReader

from accounts.models import Role
from demo.history import plans_load
from programmes.models import Plan
from reports.definitions.plan import plan_report, progress_report
from tests.factories import residents_everywhere
from tests.report_workbooks import merged_ranges, workbook_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_002():
    plans_load()
    return Plan.objects.get(decision_number="397/QĐ-UBND")


@pytest.fixture
def province_user(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_plan_report_adds_up_and_marks_the_printed_difference(seed_002, province_user):
    report = plan_report(user=province_user, plan=seed_002)
    (targets,) = [t for t in report.tables if t.title.startswith("Chỉ tiêu giảm nghèo")]
    total = targets.totals()
    assert (total["households"], total["poor"]) == (78200, 20809)
    assert str(total["poor_rate"]) == "26.61"
    assert total["reduction"] == 1947
    assert any("1.955" in note and "1.947" in note for note in targets.notes)
    assert len(targets.rows) == 8


def test_the_plan_as_pdf_and_excel(client, seed_002, province_user):
    client.force_login(province_user)
    pdf = client.get("/reports/plan/", {"plan": seed_002.pk, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "397/QĐ-UBND" in text
    assert "78.200" in text
    assert "26,61" in text
    assert "Huyện Pác Nặm" in text
    assert "Trang 1" in text
    xlsx = client.get("/reports/plan/", {"plan": seed_002.pk, "format": "xlsx"})
    values = workbook_values(xlsx.content)
    assert 78200 in values
    assert "Thành phố Bắc Kạn" in values
    assert merged_ranges(xlsx.content)


def test_the_progress_report(client, seed_002, province_user):
    report = progress_report(user=province_user, plan=seed_002, year=2017)
    assert len(report.tables[0].rows) == 8
    client.force_login(province_user)
    page = client.get("/reports/progress/", {"plan": seed_002.pk, "year": 2017})
    assert page.status_code == 200
    assert "Huyện Na Rì" in page.text


def test_a_district_officer_gets_only_the_districts_row(client, seed_002, make_user, unit):
    officer = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    report = plan_report(user=officer, plan=seed_002)
    (targets,) = [t for t in report.tables if t.title.startswith("Chỉ tiêu giảm nghèo")]
    assert [row["unit"] for row in targets.rows] == ["Huyện Na Rì"]
    client.force_login(officer)
    page = client.get("/reports/plan/", {"plan": seed_002.pk})
    assert "Huyện Pác Nặm" not in page.text


def test_the_progress_report_draws_the_rate_against_the_target_line(client, seed_002, province_user, reviewed):
    import zipfile
    from decimal import Decimal

    from households.models import HouseholdReview
    from standards.selectors import standard_get

    # Progress reads the plan's standard; the shared reviews (2023, 2024) are under 2021-2025.
    seed_002.standard = standard_get("2021-2025")
    seed_002.save(update_fields=["standard"])
    # The actual rate is over the resident households of the province's communes.
    residents = {year: sum(residents_everywhere(year, 10, under=seed_002.unit).values()) for year in (2023, 2024)}
    report = progress_report(user=province_user, plan=seed_002, year=2024)

    (chart,) = report.charts
    actual, target = chart.series
    approved = HouseholdReview.objects.filter(
        state="approved", round__year__in=[2023, 2024], commune__code__startswith=""
    )
    expected = {}
    for year in (2023, 2024):
        reviews = approved.filter(round__year=year, commune__valid_to__isnull=False)
        expected[year] = (Decimal(reviews.filter(status="poor").count() * 100) / residents[year]).quantize(
            Decimal("0.01")
        )
    assert actual.points == expected
    # Seed 002, 2017: (20.809 poor − 1.947 planned reduction) / 78.200 households.
    assert target.points[2017] == Decimal("24.12")
    assert target.dashed

    client.force_login(province_user)
    params = {"plan": seed_002.pk, "year": 2024}
    page = client.get("/reports/progress/", params)
    assert page.text.count("<svg xmlns") == 1  # the chart, once (the menu icon is inline, with no namespace)
    assert "Tỷ lệ nghèo: thực tế và mục tiêu (%)" in page.text
    text = pdf_text(client.get("/reports/progress/", {**params, "format": "pdf"}).content)
    assert "Mục tiêu (cuối năm)" in text
    assert "Thực tế (kết quả rà soát đã phê duyệt)" in text
    xlsx = client.get("/reports/progress/", {**params, "format": "xlsx"}).content
    assert any(name.startswith("xl/charts/chart") for name in zipfile.ZipFile(io.BytesIO(xlsx)).namelist())
    values = workbook_values(xlsx)
    assert 24.12 in values
    assert float(expected[2024]) in values
