"""Without Redis, a long import runs in a process of its own (``manage.py run_job``), not in the request.

The process test needs a database that two processes share and data the other process can see: PostgreSQL,
committed (``live``, run with ``pytest -m live``). The others run anywhere, the process replaced by a stand-in.
"""

import io
import os
import socket
import subprocess
import threading
import time
import zipfile

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Role
from households.imports.columns import SHEETS, Sheet
from households.imports.jobs import import_job_create, run_import_job
from households.models import Household, ImportJob, ImportStatus
from jobs.runner import stale_jobs_fail, worker_identity
from tests.factories import VillageFactory

VILLAGE = "Thôn Nà Làng"


def workbook(households: int, village: str = VILLAGE) -> bytes:
    """An import workbook with ``households`` households and their heads."""
    rows = {
        Sheet.HOUSEHOLDS: [{"Mã hộ": f"NL-{n:04}", "Thôn/bản": village} for n in range(households)],
        Sheet.MEMBERS: [
            {
                "Mã hộ": f"NL-{n:04}",
                "Họ và tên": "Hoàng Văn Páo",
                "Giới tính": "Nam",
                "Ngày sinh": "02/03/1975",
                "Quan hệ với chủ hộ": "Chủ hộ",
            }
            for n in range(households)
        ],
        Sheet.REVIEWS: [],
    }
    book = Workbook()
    book.remove(book.active)
    for sheet, (title, _title_en, columns) in SHEETS.items():
        worksheet = book.create_sheet(title)
        worksheet.append([column.header_vi for column in columns])
        for row in rows[sheet]:
            worksheet.append([row.get(column.header_vi) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def commune(unit):
    commune = unit("Xã Bộc Bố")
    VillageFactory(parent=commune, name=VILLAGE)
    return commune


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.COMMUNE_OFFICER, [commune])


@pytest.fixture
def started(monkeypatch) -> list:
    """The processes the app asks ``subprocess.Popen`` for, none of them started: each gets the pid of a
    process that has ended."""
    started, pid = [], dead_pid()

    class StandIn:
        def __init__(self, command, **options):
            self.command, self.options, self.pid = command, options, pid
            started.append(self)

        def wait(self):
            return 0

    monkeypatch.setattr("jobs.runner.subprocess.Popen", StandIn)
    # Any database but in-memory SQLite: the job goes to a process.
    monkeypatch.setattr("jobs.runner._database_private", lambda: False)
    return started


@pytest.mark.django_db
def test_a_long_file_goes_to_a_process_after_the_commit_and_a_short_one_runs_here(
    officer, commune, settings, tmp_path, started, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT, settings.REDIS_URL, settings.JOB_INLINE_MAX_ROWS = tmp_path, "", 20
    settings.JOB_OWN_PROCESS = True

    short = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("a.xlsx", workbook(5)))
    with django_capture_on_commit_callbacks() as callbacks:
        long = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("b.xlsx", workbook(15)))
    assert short.status == ImportStatus.CHECKED
    assert short.worker == worker_identity()
    assert long.status == ImportStatus.QUEUED
    assert not started, "nothing starts before the job row is committed"

    for callback in callbacks:
        callback()

    [process] = started
    assert process.command[1:] == [str(settings.BASE_DIR / "manage.py"), "run_job", run_import_job.name, str(long.pk)]
    assert process.options["start_new_session"]
    long.refresh_from_db()
    assert long.status == ImportStatus.QUEUED
    assert long.worker == f"{socket.gethostname()}:{process.pid}"

    # The process died before it claimed the job: the reaper finds it gone, and the job can run again.
    assert stale_jobs_fail(ImportJob) == 1
    long.refresh_from_db()
    assert long.status == ImportStatus.FAILED
    assert str(process.pid) in long.failure


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def blown_up_strings() -> bytes:
    strings = b"<sst>" + b"<si><t>x</t></si>" * 10_000 + b"</sst>"  # 170 KB: more XML than 20 rows take
    return with_part(workbook(3), "xl/sharedStrings.xml", strings)


def cell_far_below() -> bytes:
    """Three rows, and a cell of the first placed on row 5,000: calamine's grid has 5,000 rows."""
    content = workbook(3)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").replace(b'<c r="A2"', b'<c r="A5000"', 1)
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [blown_up_strings, cell_far_below])
def test_a_short_file_that_is_long_all_the_same_goes_to_a_process(
    officer, commune, settings, tmp_path, started, django_capture_on_commit_callbacks, content
):
    settings.MEDIA_ROOT, settings.REDIS_URL, settings.JOB_INLINE_MAX_ROWS = tmp_path, "", 20
    settings.JOB_OWN_PROCESS = True

    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("ho.xlsx", content()))

    assert len(started) == 1
    assert job.status == ImportStatus.QUEUED


@pytest.mark.django_db
def test_a_process_that_cannot_start_fails_the_job_with_the_reason(
    officer, commune, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT, settings.REDIS_URL, settings.JOB_INLINE_MAX_ROWS = tmp_path, "", 20
    settings.JOB_OWN_PROCESS = True
    monkeypatch.setattr("jobs.runner._database_private", lambda: False)

    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("jobs.runner.subprocess.Popen", no_process)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("ho.xlsx", workbook(15)))

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "Resource temporarily unavailable" in job.failure
    assert job.may_rerun


@pytest.mark.django_db
def test_run_job_runs_the_job_in_its_own_process_and_knows_only_the_tasks(officer, commune, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob(user=officer, commune=commune, file_name="ho.xlsx")
    job.file.save("ho.xlsx", ContentFile(workbook(3)), save=False)
    job.save()

    call_command("run_job", run_import_job.name, job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.failure
    assert job.worker == worker_identity()
    assert job.counts["households"]["created"] == 3
    with pytest.raises(CommandError, match="No task"):
        call_command("run_job", "os.system", job.pk)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_a_long_import_runs_in_another_process_while_the_request_returns(
    live_world, client, settings, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("another process must see the test's database: PostgreSQL (DATABASE_URL), not in-memory SQLite")
    households = 30
    settings.JOB_INLINE_MAX_ROWS, settings.REDIS_URL, settings.MEDIA_ROOT = households, "", tmp_path / "media"
    settings.JOB_OWN_PROCESS = True
    # The process started by the app inherits this environment: the test database and media folder.
    monkeypatch.setenv("DATABASE_URL", _database_url())
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    monkeypatch.setenv("REDIS_URL", "")
    officer, commune = live_world["officer"], live_world["commune"]
    client.force_login(officer)

    # While this lock is held the job cannot read the households: it cannot end before the request does.
    locker = psycopg2.connect(_database_url())
    responses = []
    try:
        with locker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Household._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        upload = SimpleUploadedFile("ho.xlsx", workbook(households))

        def post():
            try:
                responses.append(
                    client.post(reverse("households:import-start"), {"commune": commune.pk, "file": upload})
                )
            finally:
                connections.close_all()

        request = threading.Thread(target=post)
        request.start()
        request.join(timeout=30)
        assert not request.is_alive(), "the request waited for the job"
        [response] = responses
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        job = wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).first(),
            seconds=60,
            what="the process to claim the job",
        )
        pid = int(job.worker.rpartition(":")[2])
        assert pid != os.getpid()
        os.kill(pid, 0)  # a process of this host, alive
    finally:
        locker.rollback()
        locker.close()

    job = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk).exclude(status=ImportStatus.RUNNING).first(),
        seconds=120,
        what="the job to end",
    )
    assert job.status == ImportStatus.CHECKED, job.failure
    assert job.worker.endswith(f":{pid}")
    assert job.rows == 2 * households
    assert job.counts["households"]["created"] == households
    assert job.error_count == 0

    # The commit of the same file runs in a process too, and saves it.
    client.post(reverse("households:import-confirm", args=[job.pk]))
    job = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).first(),
        seconds=120,
        what="the commit",
    )
    assert int(job.worker.rpartition(":")[2]) not in (os.getpid(), pid)
    assert Household.objects.filter(commune=commune).count() == households
