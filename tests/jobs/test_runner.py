"""Background jobs: claimed once, failed with their reason when their process dies, run again on request."""

import datetime
import socket
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from households.imports.jobs import import_job_rerun, run_import_job
from households.models import Household, ImportJob, ImportStatus
from jobs.runner import job_claim, job_rerun, job_run, stale_jobs_fail, worker_identity
from tests.factories import VillageFactory
from tests.workbooks import clean_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""


@pytest.fixture
def commune(unit):
    commune = unit("Xã Bộc Bố")
    VillageFactory(parent=commune, name="Thôn Nà Hin")
    return commune


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.COMMUNE_OFFICER, [commune])


@pytest.fixture
def make_job(officer, commune):
    def make(**fields):
        job = ImportJob(user=officer, commune=commune, file_name="ho.xlsx", **fields)
        job.file.save("ho.xlsx", ContentFile(clean_file()), save=False)
        job.save()
        return job

    return make


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_running_job_whose_process_is_gone_fails_with_the_reason(make_job):
    job = make_job(status=ImportStatus.RUNNING, worker=f"{socket.gethostname()}:{dead_pid()}", language="vi")
    job.heartbeat_at = timezone.now()
    job.save()

    assert stale_jobs_fail(ImportJob) == 1

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.failure.startswith("Tiến trình chạy công việc này")
    assert job.worker in job.failure
    assert job.finished_at is not None
    assert job.may_rerun


def test_a_silent_job_fails_after_the_time_limit_and_a_live_one_is_left_alone(make_job, settings):
    settings.JOB_STALE_AFTER = 600
    now = timezone.now()
    silent = make_job(status=ImportStatus.RUNNING, worker="other-host:123")
    alive_elsewhere = make_job(status=ImportStatus.RUNNING, worker="other-host:456")
    alive_here = make_job(status=ImportStatus.RUNNING, worker=worker_identity())
    ImportJob.objects.filter(pk=silent.pk).update(heartbeat_at=now - datetime.timedelta(seconds=601))
    ImportJob.objects.filter(pk__in=[alive_elsewhere.pk, alive_here.pk]).update(heartbeat_at=now)

    assert stale_jobs_fail(ImportJob) == 1

    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        silent.pk: ImportStatus.FAILED,
        alive_elsewhere.pk: ImportStatus.RUNNING,
        alive_here.pk: ImportStatus.RUNNING,
    }


def test_a_job_is_claimed_once(make_job):
    job = make_job()
    assert job_claim(ImportJob, job.pk)
    assert not job_claim(ImportJob, job.pk)
    job.refresh_from_db()
    assert job.worker == worker_identity()
    assert job.heartbeat_at is not None


def test_an_exception_in_the_work_fails_the_job_with_its_message(make_job):
    job = make_job()

    def work(_job, _progress):
        raise RuntimeError("đĩa đầy")

    job = job_run(ImportJob, job.pk, work)
    assert job.status == ImportStatus.FAILED
    assert job.failure == "đĩa đầy"
    assert job.progress == 100
    assert job.duration is not None


def test_a_failed_commit_runs_again_and_saves_the_file(make_job, officer):
    job = make_job(status=ImportStatus.FAILED, commit=True, failure="killed")

    job = import_job_rerun(user=officer, job=job)

    assert job.status == ImportStatus.DONE
    assert job.failure == ""
    assert Household.objects.filter(commune=job.commune).count() == 2


def test_only_a_failed_job_runs_again(make_job, officer, make_user, commune):
    job = make_job(status=ImportStatus.CHECKED)
    with pytest.raises(ValidationError):
        job_rerun(run_import_job, job)
    failed = make_job(status=ImportStatus.FAILED)
    colleague = make_user(Role.COMMUNE_OFFICER, [commune])
    with pytest.raises(ValidationError):
        import_job_rerun(user=colleague, job=failed)


def test_the_job_page_shows_a_dead_job_as_failed_and_offers_to_run_it_again(make_job, officer, client):
    job = make_job(status=ImportStatus.RUNNING, worker=f"{socket.gethostname()}:{dead_pid()}", commit=True)
    client.force_login(officer)

    page = client.get(reverse("households:import-detail", args=[job.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Không lưu gì" in text
    assert reverse("households:import-rerun", args=[job.pk]) in text
    response = client.post(reverse("households:import-rerun", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Household.objects.filter(commune=job.commune).count() == 2
