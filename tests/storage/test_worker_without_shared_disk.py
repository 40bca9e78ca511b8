"""A job run by a process on another machine, sharing no disk with the web process: only the database and the
bucket. The page uploads the workbook (into the bucket), and ``manage.py run_job`` runs the job in a process of
its own whose ``MEDIA_ROOT`` is another, empty folder; what it leaves (households, the workbook with its errors
marked) is seen by the web side. The process must see the test's committed rows: PostgreSQL, ``live``."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from households.imports.jobs import run_import_job
from households.models import Household, ImportJob, ImportStatus
from tests.storage.conftest import PREFIX, files_under
from tests.workbooks import household, make_workbook, person

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(s3, s3_env, settings, monkeypatch, tmp_path):
    """Starts ``manage.py run_job`` for each job the app hands to a process of its own, once asked: with the
    bucket, the test's database, and a media folder of its own (the web side's is another)."""
    if connection.vendor != "postgresql":
        pytest.skip("another process must see the test's database: PostgreSQL (DATABASE_URL), not in-memory SQLite")
    settings.REDIS_URL, settings.JOB_OWN_PROCESS, settings.JOB_INLINE_MAX_ROWS = "", True, 1
    handed: list[int] = []
    monkeypatch.setattr("jobs.runner.job_process_start", lambda model, task, pk: handed.append(pk))
    db = connection.settings_dict
    env = {
        **os.environ,
        **s3_env,
        "DJANGO_SETTINGS_MODULE": "povertyplan.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "worker-media"),
        "REDIS_URL": "",
    }

    def run() -> ImportJob:
        pk = handed.pop()
        done = subprocess.run(
            [sys.executable, "manage.py", "run_job", run_import_job.name, str(pk)],
            cwd=django_settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        assert not handed
        return ImportJob.objects.get(pk=pk)

    run.media = tmp_path / "worker-media"
    return run


def upload(client, commune, content: bytes) -> ImportJob:
    response = client.post(
        reverse("households:import-start"), {"commune": commune.pk, "file": SimpleUploadedFile("ho.xlsx", content)}
    )
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == ImportStatus.QUEUED  # handed to a process, not run in the request
    return job


def test_an_import_is_checked_and_saved_by_a_process_that_shares_only_the_bucket(live_world, client, s3, worker):
    officer, commune, village = live_world["officer"], live_world["commune"], live_world["village"]
    codes = [f"VL-{n:02}" for n in range(3)]
    content = make_workbook(
        households=[household(code, village.name) for code in codes],
        members=[person(code, "Lý Văn Sình") for code in codes],
    )
    client.force_login(officer)
    job = upload(client, commune, content)
    assert s3.objects() == [f"{PREFIX}/{job.file.name}"]
    assert s3.read(f"{PREFIX}/{job.file.name}") == content

    job = worker()
    assert (job.status, job.error_count) == (ImportStatus.CHECKED, 0), job.failure
    assert job.worker.rpartition(":")[2] != str(os.getpid())
    assert job.counts["households"]["created"] == 3

    client.post(reverse("households:import-confirm", args=[job.pk]))
    job = worker()
    assert job.status == ImportStatus.DONE, job.failure
    assert sorted(Household.objects.filter(commune=commune).values_list("code", flat=True)) == codes
    assert files_under(worker.media) == []
    assert files_under(django_settings.MEDIA_ROOT) == []


def test_the_workbook_with_errors_written_by_the_process_is_fetched_from_the_bucket_by_the_page(
    live_world, client, s3, worker
):
    officer, commune = live_world["officer"], live_world["commune"]
    content = make_workbook(households=[household("VL-01", "Thôn Không Có")], members=[person("VL-01", "Lý Văn Sình")])
    client.force_login(officer)
    job = upload(client, commune, content)

    job = worker()
    assert job.status == ImportStatus.CHECKED, job.failure
    assert job.error_count == 1
    annotated = f"{PREFIX}/{job.file.name.removesuffix('.xlsx')}.loi.xlsx"
    assert s3.objects() == sorted([f"{PREFIX}/{job.file.name}", annotated])

    page = client.get(job.get_absolute_url())
    assert reverse("households:import-errors", args=[job.pk]) in page.text
    response = client.get(reverse("households:import-errors", args=[job.pk]))
    assert b"".join(response.streaming_content) == s3.read(annotated)
    assert not Household.objects.exists()
    assert files_under(worker.media) == []
    assert files_under(django_settings.MEDIA_ROOT) == []
