"""A Celery worker killed in the middle of an import's commit: nothing half-written, the job failed with its
reason, and the same job run again saves the whole file.

Real parts: redis-server as the broker, a Celery worker process on the test database, SIGKILL. To kill it at
a known point, the test holds a lock on the members table: the worker writes the households, then waits for
the lock inside its transaction; it is killed there.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from celery import Celery
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from households.models import Household, ImportJob, ImportStatus, Member
from tests.workbooks import make_workbook, person

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _redis_up(port), seconds=10, what="redis-server")
    yield url
    server.terminate()
    server.wait()


def _redis_up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worker(redis_url, media, tmp_path):
    """A Celery worker (one process, ``--pool=solo``) on the test database and the test's media folder."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "povertyplan.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "povertyplan",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def test_a_worker_killed_mid_commit_leaves_nothing_and_the_job_runs_again(
    live_world, media, redis_url, worker, client, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker and the test share a PostgreSQL database")
    codes = [f"VL-{n:03}" for n in range(HOUSEHOLDS)]
    workbook = make_workbook(
        households=[{"Mã hộ": code, "Thôn/bản": "Thôn Nà Làng"} for code in codes],
        members=[person(code, "Hoàng Văn Páo") for code in codes]
        + [person(code, "Hoàng Thị Mai", "Vợ/chồng", **{"Giới tính": "Nữ"}) for code in codes],
    )
    officer = live_world["officer"]
    job = ImportJob(user=officer, commune=live_world["commune"], file_name="ho.xlsx", commit=True)
    job.file.save("ho.xlsx", ContentFile(workbook), save=False)
    job.save()

    locker = psycopg2.connect(_database_url())
    try:
        with locker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Member._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        Celery(broker=redis_url).send_task("households.import_job_run", args=[job.pk])
        # The worker claims the job, writes the households and waits for the members' table.
        written, query = wait_for(lambda: _waiting_on_lock(locker), seconds=60, what="the worker to wait on the lock")
        assert written is not None, "the worker's transaction has written the households"
        assert Member._meta.db_table in query
        job.refresh_from_db()
        assert job.status == ImportStatus.RUNNING
        assert job.worker.endswith(f":{worker.pid}")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    finally:
        locker.rollback()
        locker.close()

    assert not Household.objects.filter(commune=live_world["commune"]).exists()
    client.force_login(officer)
    page = client.get(reverse("households:import-detail", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert str(worker.pid) in job.failure
    assert job.failure in page.content.decode()
    assert not Household.objects.exists()

    settings.REDIS_URL = ""  # the rerun goes inline: the worker is dead
    client.post(reverse("households:import-rerun", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.failure
    assert Household.objects.filter(commune=live_world["commune"]).count() == HOUSEHOLDS
    assert Member.objects.filter(household__commune=live_world["commune"]).count() == 2 * HOUSEHOLDS


def _waiting_on_lock(locker) -> tuple | None:
    """The session waiting for the locker's lock: (its transaction id if it has written, its query). Asked
    from a connection of its own: inside a transaction, pg_stat_activity answers from a snapshot."""
    watcher = psycopg2.connect(_database_url())
    watcher.autocommit = True
    try:
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT a.backend_xid::text, a.query FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
                " WHERE NOT l.granted AND a.pid <> %s",
                [locker.get_backend_pid()],
            )
            return cursor.fetchone()
    finally:
        watcher.close()
