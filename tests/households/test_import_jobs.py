"""Import jobs, pages, API and command: the file kept with the job, progress, dry run then confirm."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.models import Role
from households.imports.jobs import import_job_confirm, import_job_create
from households.models import Household, HouseholdReview, ImportJob, ImportStatus
from povertyplan.celery import app
from tests.workbooks import clean_file, household, make_workbook, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content=None, name="ho-gia-dinh.xlsx"):
    return SimpleUploadedFile(name, content or clean_file())


def test_the_in_process_path_keeps_the_file_and_a_record(officer, commune, village, settings):
    settings.REDIS_URL = ""
    job = import_job_create(user=officer, commune=commune, file=upload())
    assert job.status == ImportStatus.CHECKED
    assert job.progress == 100
    assert job.rows == 7
    assert job.counts["households"]["created"] == 2
    assert job.error_count == 0
    assert job.duration is not None
    assert job.finished_at is not None
    assert job.file.name.endswith(".xlsx")
    with job.file.open("rb") as kept:
        assert kept.read()[:2] == b"PK"
    assert not Household.objects.exists()

    job = import_job_confirm(user=officer, job=job)
    assert job.status == ImportStatus.DONE
    assert job.commit
    assert Household.objects.count() == 2
    assert HouseholdReview.objects.count() == 2


def test_the_celery_path_in_eager_mode(officer, commune, village, settings, django_capture_on_commit_callbacks):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=officer, commune=commune, file=upload())
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(user=officer, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Household.objects.count() == 2


def test_a_file_with_errors_cannot_be_confirmed(officer, commune, village):
    bad = make_workbook(households=[household("BB-01", "Thôn Không Có")], members=[person("BB-01", "A")])
    job = import_job_create(user=officer, commune=commune, file=upload(bad))
    assert job.status == ImportStatus.CHECKED
    assert job.error_count == 1
    with pytest.raises(ValidationError, match="Không thể lưu tệp này"):
        import_job_confirm(user=officer, job=job)
    assert not Household.objects.exists()


def test_only_the_uploader_confirms_a_file(officer, commune, village, make_user):
    job = import_job_create(user=officer, commune=commune, file=upload())
    colleague = make_user(Role.COMMUNE_OFFICER, [commune])
    with pytest.raises(ValidationError, match="Chỉ người đã tải tệp lên"):
        import_job_confirm(user=colleague, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert not Household.objects.exists()


def test_upload_page_dry_run_then_confirm(client, officer, commune, village):
    client.force_login(officer)
    page = client.get(reverse("households:import-start"))
    assert page.status_code == 200
    assert commune.name in page.text
    response = client.post(reverse("households:import-start"), {"commune": commune.pk, "file": upload()})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    report = client.get(job.get_absolute_url())
    assert "Xác nhận và lưu" in report.text
    assert not Household.objects.exists()
    client.post(reverse("households:import-confirm", args=[job.pk]))
    assert Household.objects.count() == 2
    assert "Đã lưu tệp." in client.get(job.get_absolute_url()).text


def test_the_report_lists_errors_by_sheet_row_and_column(client, officer, commune, village):
    client.force_login(officer)
    bad = make_workbook(households=[household("BB-01", "Thôn Không Có")], members=[person("BB-01", "A")])
    client.post(reverse("households:import-start"), {"commune": commune.pk, "file": upload(bad)})
    report = client.get(ImportJob.objects.get().get_absolute_url())
    assert '<td>Hộ gia đình</td><td class="num">3</td><td>Thôn/bản</td>' in report.text
    assert "Không có thôn “Thôn Không Có” ở Xã Bộc Bố." in report.text
    assert "Xác nhận và lưu" not in report.text


def test_another_users_job_is_not_found(client, officer, commune, village, make_user):
    job = import_job_create(user=officer, commune=commune, file=upload())
    client.force_login(make_user(Role.COMMUNE_OFFICER, [commune]))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("households:import-confirm", args=[job.pk])).status_code == 404


def test_the_template_downloads_with_its_sheets(client, officer):

    client.force_login(officer)
    response = client.get(reverse("households:import-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names[:4] == ["Hướng dẫn", "Hộ gia đình", "Thành viên", "Rà soát"]
    rows = workbook.get_sheet_by_name("Thành viên").to_python()
    assert rows[0][:3] == ["Mã hộ", "Họ và tên", "Giới tính"]
    assert rows[1][:3] == ["Household code", "Full name", "Sex"]


def test_the_api_dry_run_and_commit(client, officer, commune, village):
    client.force_login(officer)
    response = client.post("/api/v1/imports/", {"commune": commune.pk, "file": upload()})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "checked"
    assert data["errors"] == []
    assert data["counts"]["households"]["created"] == 2
    assert not Household.objects.exists()
    committed = client.post(f"/api/v1/imports/{data['id']}/commit/")
    assert committed.status_code == 200
    assert committed.json()["status"] == "done"
    assert Household.objects.count() == 2


def test_the_api_reports_errors_in_the_callers_language(client, officer, commune, village):
    client.force_login(officer)
    bad = make_workbook(households=[household("BB-01", "Thôn Không Có")], members=[person("BB-01", "A")])
    response = client.post(
        "/api/v1/imports/", {"commune": commune.pk, "file": upload(bad)}, headers={"accept-language": "en"}
    )
    assert response.json()["errors"] == [
        {
            "sheet": "Households",
            "row": 3,
            "column": "Village",
            "message": "There is no village “Thôn Không Có” in Xã Bộc Bố.",
        }
    ]
    commit = client.post(f"/api/v1/imports/{response.json()['id']}/commit/")
    assert commit.status_code == 400


def test_the_command_checks_then_commits(tmp_path, officer, commune, village, make_user):
    path = tmp_path / "ho.xlsx"
    path.write_bytes(clean_file())
    call_command(
        "import_households", str(path), "--commune", commune.code, "--user", officer.username, "--on", "2024-01-01"
    )
    assert not Household.objects.exists()
    call_command(
        "import_households",
        str(path),
        "--commune",
        commune.code,
        "--user",
        officer.username,
        "--on",
        "2024-01-01",
        "--commit",
    )
    assert Household.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_workbook(households=[household("BB-09", "Thôn Không Có")], members=[person("BB-09", "A")]))
    with pytest.raises(CommandError, match="1 errors"):
        call_command(
            "import_households",
            str(bad),
            "--commune",
            commune.code,
            "--user",
            officer.username,
            "--on",
            "2024-01-01",
            "--commit",
        )


def test_the_job_list_keeps_a_fixed_number_of_queries(client, officer, commune, village, django_assert_max_num_queries):
    for _ in range(3):
        import_job_create(user=officer, commune=commune, file=upload())
    client.force_login(officer)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/imports/")
    assert response.json()["count"] == 3
    with django_assert_max_num_queries(8):
        assert client.get(reverse("households:import-start")).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("danh-sach.pdf", b"%PDF-1.7 ...", "không phải"),
        ("danh-sach.xlsx", b"this is not a workbook", "bị hỏng"),
        ("danh-sach.xlsx", b"PK\x03\x04" + b"\x00" * 64, "bị hỏng"),  # a damaged zip, refused before any job
    ],
)
def test_files_that_are_not_workbooks_are_refused_with_a_message(client, officer, commune, name, content, message):
    client.force_login(officer)
    response = client.post(
        reverse("households:import-start"), {"commune": commune.pk, "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused(client, officer, commune, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(officer)
    response = client.post(
        reverse("households:import-start"),
        {"commune": commune.pk, "file": SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"\x00" * 2048)},
    )
    assert response.status_code == 200
    assert "giới hạn" in response.text
    assert not ImportJob.objects.exists()
