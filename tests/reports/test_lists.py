"""The lists of poor and near-poor households with members: agree with the summary, scoped, three formats,
and long lists prepared as background jobs."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from households.models import HouseholdReview, ReviewState
from jobs.models import JobState
from reports.definitions.circular07 import circular07_report
from reports.definitions.lists import household_rows, poverty_list_report
from reports.list_selectors import ListedHousehold, ListedMember
from reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""


def listed_codes(table) -> list[str]:
    return [row["code"] for row in table.rows if row.get("code")]


def approved_codes(commune_names, year, status) -> list[str]:
    return sorted(
        HouseholdReview.objects.filter(
            state=ReviewState.APPROVED, round__year=year, status=status, commune__name__in=commune_names
        ).values_list("household__code", flat=True)
    )


def test_the_lists_hold_the_households_the_summary_counts(reviewed, province_officer, unit):
    province = unit("Tỉnh Bắc Kạn")
    report = poverty_list_report(user=province_officer, unit=province, year=2024, status="both")
    poor, near_poor = report.tables
    summary = circular07_report(user=province_officer, unit=province, year=2024).tables[0].totals()

    assert len(listed_codes(poor)) == summary["poor"]
    assert len(listed_codes(near_poor)) == summary["near_poor"]
    communes = ["Xã Lương Thượng", "Xã Kim Hỷ", "Xã Bộc Bố"]
    assert sorted(listed_codes(poor)) == approved_codes(communes, 2024, "poor")
    assert sorted(listed_codes(near_poor)) == approved_codes(communes, 2024, "near_poor")
    first = poor.rows[0]
    assert first["order"] == 1
    assert first["relation"] == "Chủ hộ"
    assert first["name"].startswith("Chủ hộ ")
    assert first["village"].startswith("Thôn Nà Mò")
    assert "households" not in (poor.totals() or {})
    assert poor.notes[0].startswith(f"{len(listed_codes(poor))} hộ")


def test_a_household_s_cells_are_on_its_first_member_s_row_only():
    members = (
        ListedMember("Hoàng Văn Páo", "head", "male", datetime.date(1975, 3, 2), "Tày", "006075001234"),
        ListedMember("Hoàng Thị Mai", "spouse", "female", datetime.date(1978, 1, 5), "Tày", ""),
    )
    rows = household_rows(
        7, ListedHousehold("BB-01", "Hoàng Văn Páo", "Xã Bộc Bố", "Thôn Nà Hin", "poor", ("nha_o",), members)
    )
    assert [r.get("code") for r in rows] == ["BB-01", None]
    assert [r["name"] for r in rows] == ["Hoàng Văn Páo", "Hoàng Thị Mai"]
    assert rows[0]["order"] == 7
    assert rows[0]["village"] == "Thôn Nà Hin, Xã Bộc Bố"
    assert rows[1]["born"] == datetime.date(1978, 1, 5)
    assert rows[1]["sex"] == "Nữ"


def test_a_commune_officer_lists_only_their_commune(reviewed, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    report = poverty_list_report(user=officer, unit=unit("Tỉnh Bắc Kạn"), year=2024, status="both")
    codes = [code for table in report.tables for code in listed_codes(table)]
    assert sorted(codes) == sorted(
        approved_codes(["Xã Bộc Bố"], 2024, "poor") + approved_codes(["Xã Bộc Bố"], 2024, "near_poor")
    )
    assert all(row["village"].endswith("Xã Bộc Bố") for t in report.tables for row in t.rows if row.get("village"))


def test_page_pdf_and_excel(client, reviewed, province_officer, unit):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "poor"}
    codes = approved_codes(["Xã Lương Thượng", "Xã Kim Hỷ", "Xã Bộc Bố"], 2024, "poor")

    page = client.get("/reports/lists/", params)
    assert page.status_code == 200
    assert "Danh sách hộ nghèo" in page.text
    assert all(code in page.text for code in codes)

    pdf = client.get("/reports/lists/", {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Danh sách hộ nghèo" in text
    assert "Thôn Nà Mò" in text
    assert all(code in text for code in codes)

    xlsx = client.get("/reports/lists/", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Thành viên" in values  # the merged "Members" header
    assert all(code in values for code in codes)
    assert any(str(r).startswith("D") for r in sheet.merged_cells.ranges)


def test_a_long_list_is_previewed_and_downloaded_through_a_job(client, reviewed, province_officer, unit, settings):
    settings.REPORT_INLINE_HOUSEHOLDS = 2
    settings.REPORT_PAGE_HOUSEHOLDS = 2
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "near_poor"}
    codes = approved_codes(["Xã Lương Thượng", "Xã Kim Hỷ", "Xã Bộc Bố"], 2024, "near_poor")
    assert len(codes) > 2

    page = client.get("/reports/lists/", params)
    assert f"2 hộ đầu tiên trong số {len(codes)} hộ" in page.text

    response = client.get("/reports/lists/", {**params, "format": "xlsx"})
    assert response.status_code == 302
    job = ReportJob.objects.get(user=province_officer)
    assert response["Location"] == job.get_absolute_url()
    assert job.status == JobState.DONE, job.failure
    assert job.query == {"unit": str(params["unit"]), "year": "2024", "status": "near_poor"}
    detail = client.get(job.get_absolute_url())
    assert f"/reports/jobs/{job.pk}/download/" in detail.text
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment")
    content = b"".join(download.streaming_content)  # streamed from the storage
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    # Each household's first row carries its number; its members' rows repeat its code.
    assert sorted(row[1] for row in rows if isinstance(row[0], int) and row[1] in codes) == codes


def test_a_pdf_too_long_to_print_is_refused_with_a_message(client, reviewed, province_officer, unit, settings):
    settings.REPORT_PDF_MAX_HOUSEHOLDS = 2
    client.force_login(province_officer)
    response = client.get(
        "/reports/lists/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "near_poor", "format": "pdf"}
    )
    assert response.status_code == 200
    assert "chọn đơn vị nhỏ hơn" in response.text
    assert not ReportJob.objects.exists()


def test_the_celery_path_in_eager_mode(
    client, reviewed, province_officer, unit, settings, django_capture_on_commit_callbacks
):
    from povertyplan.celery import app

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.REPORT_INLINE_HOUSEHOLDS = 0
    app.conf.task_always_eager = True
    client.force_login(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/reports/lists/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "format": "pdf"})
    job = ReportJob.objects.get()
    assert job.status == JobState.DONE
    assert job.file_name.endswith(".pdf")


def test_a_job_checks_the_choice_again_as_its_user(reviewed, make_user, unit):
    from reports.jobs import report_job_create

    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    job = report_job_create(
        user=officer, kind="lists", query={"unit": str(unit("Xã Lương Thượng").pk), "year": "2024"}, output="xlsx"
    )
    assert job.status == JobState.FAILED
    assert not job.file
    assert "unit" in job.failure


def test_a_long_list_is_written_as_plain_values_with_its_header(reviewed, province_officer, unit, monkeypatch):
    from reports import report_formats

    monkeypatch.setattr(report_formats, "_STYLED_ROWS", 1)
    report = poverty_list_report(user=province_officer, unit=unit("Tỉnh Bắc Kạn"), year=2024, status="near_poor")
    sheet = load_workbook(io.BytesIO(report_formats.report_xlsx(report))).active
    codes = approved_codes(["Xã Lương Thượng", "Xã Kim Hỷ", "Xã Bộc Bố"], 2024, "near_poor")
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    assert all(code in cells for code in codes)
    assert not cells[codes[0]].border.left.style  # body cells plain
    assert cells["Thành viên"].border.left.style == "thin"  # the header keeps its borders
    assert sheet.merged_cells.ranges


def test_writing_a_long_list_tells_its_progress(monkeypatch):
    from reports import report_formats
    from reports.tables import Column, Report, Table

    monkeypatch.setattr(report_formats, "_PROGRESS_ROWS", 100)
    rows = [{"code": f"BB-{i:04d}", "name": "Hoàng Văn Páo"} for i in range(450)]
    columns = [Column("code", "Mã hộ", "text"), Column("name", "Chủ hộ", "text")]
    report = Report(
        "Danh sách", tables=[Table("Hộ nghèo", columns, rows[:250]), Table("Hộ cận nghèo", columns, rows[250:])]
    )
    told: list[float] = []
    book = load_workbook(io.BytesIO(report_formats.report_xlsx(report, progress=told.append)))
    assert told == [100 / 450, 200 / 450, 300 / 450, 400 / 450, 1.0]
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert sum(1 for row in rows if str(row[0]).startswith("BB-")) == 450
