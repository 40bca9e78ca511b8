"""On SQLite an import's commit shows its progress while it runs: the progress goes beside the database
(``jobs.progress_file``), which another connection reads while the commit's transaction holds the database's write
lock; the job's record, the reaper and every page read it back. The commit itself stays all or nothing."""

import datetime
import sqlite3

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from households.imports.jobs import import_job_confirm, import_job_create
from households.models import Household, ImportJob, ImportStatus
from jobs import runner
from jobs.models import JobState
from jobs.progress_file import ProgressFile, read_progress
from jobs.runner import stale_jobs_fail
from tests.workbooks import household, make_workbook, person, review

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 2_500  # more than a part of the reader and of the writer (2,000 rows each): several chunks


@pytest.fixture(autouse=True)
def beside(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    # The tests' database is in memory; a file database would keep its progress at "<name>-progress".
    settings.JOB_PROGRESS_FILE = str(tmp_path / "db.sqlite3-progress")
    return tmp_path / "db.sqlite3-progress"


def _workbook(count: int) -> bytes:
    codes = [f"PG-{n:04}" for n in range(count)]
    return make_workbook(
        households=[household(code) for code in codes],
        members=[person(code, "Hoàng Văn Páo") for code in codes],
        reviews=[review(code, 2_000_000) for code in codes],
    )


def test_the_commit_reports_its_progress_to_another_connection(officer, commune, village, beside, monkeypatch):
    job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("lon.xlsx", _workbook(HOUSEHOLDS)))
    assert job.status == ImportStatus.CHECKED
    seen: list[tuple[int, int]] = []  # (percent written, what another connection read meanwhile)
    write = runner.JobProgress.__call__

    def watched(progress, fraction):
        write(progress, fraction)
        if job.pk == progress.pk:
            other = sqlite3.connect(beside, timeout=1)  # another connection, while the commit is under way
            found = other.execute("SELECT progress FROM job_progress WHERE id = ?", (job.pk,)).fetchone()
            other.close()
            seen.append((progress.last_percent, found[0] if found else 0))

    monkeypatch.setattr(runner.JobProgress, "__call__", watched)
    job = import_job_confirm(user=officer, job=job)
    assert job.status == ImportStatus.DONE
    assert Household.objects.count() == HOUSEHOLDS
    read = sorted({found for _written, found in seen})
    intermediate = [percent for percent in read if 1 < percent < 100]
    assert len(intermediate) >= 3, seen  # the progress moved while the commit ran
    assert all(found == written for written, found in seen)  # each as soon as written
    assert read_progress(ImportJob._meta.label, [job.pk]) == {}  # forgotten once the record holds the end
    assert job.progress == 100


def test_a_running_job_is_read_with_the_progress_written_beside(officer, commune, beside):
    job = ImportJob.objects.create(
        user=officer,
        commune=commune,
        file_name="lon.xlsx",
        commit=True,
        status=JobState.RUNNING,
        progress=1,
        worker=runner.worker_identity(),  # this process: alive
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )
    side = ProgressFile(beside, ImportJob._meta.label)
    side.write(job.pk, 42, timezone.now())
    side.close()
    assert ImportJob.objects.get(pk=job.pk).progress == 42
    # Its heartbeat beside the database is fresh: the reaper leaves it running.
    assert stale_jobs_fail(ImportJob) == 0
    assert ImportJob.objects.get(pk=job.pk).status == JobState.RUNNING


def test_a_finished_job_ignores_a_row_left_beside(officer, commune, beside):
    job = ImportJob.objects.create(
        user=officer, commune=commune, file_name="lon.xlsx", status=ImportStatus.DONE, progress=100
    )
    side = ProgressFile(beside, ImportJob._meta.label)
    side.write(job.pk, 42, timezone.now())
    side.close()
    assert ImportJob.objects.get(pk=job.pk).progress == 100


def test_the_progress_is_written_while_another_connection_holds_the_write_lock(tmp_path):
    """What the commit meets on an SQLite file: its transaction holds the only write lock, and a progress written
    to the database itself would wait for it; beside it, the write and the read go through at once."""
    database = tmp_path / "db.sqlite3"
    setup = sqlite3.connect(database)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE job (id INTEGER PRIMARY KEY, progress INTEGER)")
    setup.execute("INSERT INTO job VALUES (1, 1)")
    setup.commit()
    setup.close()
    commit = sqlite3.connect(database, timeout=0, isolation_level=None)
    commit.execute("BEGIN IMMEDIATE")
    commit.execute("UPDATE job SET progress = 50")  # the import's own write, not committed yet
    other = sqlite3.connect(database, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("UPDATE job SET progress = 50")
    other.close()
    side = ProgressFile(tmp_path / "db.sqlite3-progress", "households.ImportJob")
    side.write(1, 50, timezone.now())
    reader = sqlite3.connect(tmp_path / "db.sqlite3-progress", timeout=0)
    assert reader.execute("SELECT progress FROM job_progress").fetchall() == [(50,)]
    reader.close()
    side.close()
    commit.execute("ROLLBACK")
    commit.close()
