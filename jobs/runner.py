"""Running background jobs: queue, claim, progress with a heartbeat, failure, the reaper and the rerun.

A job runs through Celery when ``REDIS_URL`` is set. Without it, work too long for a request (the caller
says so: an import of many rows) runs in a process of its own, ``manage.py run_job``, started once the job
row is committed; the rest runs in the calling process. Whatever runs it first claims it (queued → running,
recording ``worker`` = host:pid); while it runs, the progress writer refreshes ``heartbeat_at``. A process
can die without a word (killed, out of memory, a restart): the job's own writes roll back with its
transaction, and ``stale_jobs_fail`` marks the job failed — at once when its process is gone from this host,
after ``JOB_STALE_AFTER`` seconds without a heartbeat otherwise. A failed job can be run again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.replica.positions import writes_remember

from .models import BackgroundJob, JobState
from .progress_file import ProgressFile, progress_file, read_progress

logger = logging.getLogger(__name__)
Job = TypeVar("Job", bound=BackgroundJob)
# The heartbeat is written with the progress, and at least this often (seconds) while progress is reported.
HEARTBEAT_EVERY = 30


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_dispatch(task: Any, job: BackgroundJob, *, own_process: bool = False) -> None:
    """Send the job to Celery after the current transaction commits; without Celery, start a process of its own
    for it after the commit when ``own_process`` (and another process can see the database), or run it here
    and now."""
    if settings.REDIS_URL:
        # After the commit, so that the worker sees the job row.
        transaction.on_commit(lambda: task.delay(job.pk))
    elif own_process and settings.JOB_OWN_PROCESS and not _database_private():
        transaction.on_commit(lambda: job_process_start(type(job), task.name, job.pk))
    else:
        task(job.pk)


def _database_private() -> bool:
    """An in-memory SQLite database (the tests'): no other process sees it."""
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def job_process_start(model: type[BackgroundJob], task_name: str, pk: int) -> None:
    """Start ``manage.py run_job`` for the job: this process's environment, so the same settings and database
    (``DJANGO_SETTINGS_MODULE``, ``DATABASE_URL``); a session of its own, so that it outlives a restart of
    this process; its log lines next to ours (stderr)."""
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_job", task_name, str(pk)]
    try:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError as error:
        logger.exception("%s %s: no process could be started", model.__name__, pk)
        model.objects.filter(pk=pk, status=JobState.QUEUED).update(
            status=JobState.FAILED, failure=str(error), progress=100, finished_at=timezone.now()
        )
        return
    # The job is the new process's from now on: should it die before claiming it, the reaper finds it gone.
    model.objects.filter(pk=pk, status=JobState.QUEUED, worker="").update(
        worker=f"{socket.gethostname()}:{process.pid}", heartbeat_at=timezone.now()
    )
    # Waited for, so that it does not linger as a zombie when it ends: a zombie's pid still answers, and the
    # reaper would take a dead job for a live one.
    threading.Thread(target=process.wait, name=f"job-{pk}", daemon=True).start()


class JobProgress:
    """Writes a job's progress and heartbeat as it runs. The work often runs in one transaction whose
    writes nobody sees before its end; on PostgreSQL the progress therefore goes through a connection of
    its own, so that the page polling the job sees it move. On SQLite another connection cannot write while
    that transaction holds the database's one write lock: the progress also goes to a file beside the
    database (``jobs.progress_file``), which the job's readers consult."""

    def __init__(self, model: type[BackgroundJob], pk: int):
        self.model, self.pk = model, pk
        self.last_percent = 0
        self.last_beat = time.monotonic()
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        path = progress_file()
        self.side = ProgressFile(path, model._meta.label) if path is not None else None
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"UPDATE {table} SET progress = %s, heartbeat_at = %s WHERE id = %s"

    def __call__(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        beat_due = time.monotonic() - self.last_beat > HEARTBEAT_EVERY
        if percent < self.last_percent + 5 and not beat_due:
            return
        self.last_percent, self.last_beat = max(percent, self.last_percent), time.monotonic()
        if self.side is not None:
            try:
                self.side.write(self.pk, self.last_percent, timezone.now())
            except sqlite3.Error:  # a progress is never worth failing the job for
                logger.warning("%s %s: progress not written beside the database", self.model.__name__, self.pk)
        if self.connection is None:
            self.model.objects.filter(pk=self.pk).update(progress=self.last_percent, heartbeat_at=timezone.now())
            return
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [self.last_percent, timezone.now(), self.pk])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.side is not None:
            self.side.close()

    def forget(self) -> None:
        """Drop the progress kept beside the database, once the job's record holds its end."""
        if self.side is not None:
            with contextlib.suppress(sqlite3.Error):  # an orphan row is read for a running job only: harmless
                self.side.forget(self.pk)
            self.side.close()


def job_claim(model: type[BackgroundJob], pk: int) -> bool:
    """Queued → running, for this process only: a second delivery of the same task finds it taken."""
    return bool(
        model.objects.filter(pk=pk, status=JobState.QUEUED).update(
            status=JobState.RUNNING, progress=1, worker=worker_identity(), heartbeat_at=timezone.now()
        )
    )


Work = Callable[[Job, JobProgress], dict[str, Any]]


def job_run(model: type[Job], pk: int, work: Work, *, related: tuple[str, ...] = ()) -> Job:
    """Claim the job and do its ``work``, which returns the fields to save (its final status among them).

    Any exception marks the job failed with its message: the record must say what happened.
    """
    if not job_claim(model, pk):
        return model.objects.get(pk=pk)
    job = model.objects.select_related("user", *related).get(pk=pk)
    started = time.perf_counter()
    with translation.override(job.language):
        progress = JobProgress(model, pk)
        try:
            fields = work(job, progress)
        except Exception as error:
            logger.exception("%s %s failed", model.__name__, pk)
            fields = {"status": JobState.FAILED, "failure": str(error) or error.__class__.__name__}
        finally:
            progress.close()
    fields.update(progress=100, duration=time.perf_counter() - started, finished_at=timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    # Its writes are committed: the user's reads stay on the primary until a replica has replayed them.
    writes_remember(user_id=job.user_id)
    progress.forget()
    return job


def _process_gone(worker: str) -> bool:
    """True when ``worker`` names a process of this host that no longer exists."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def stale_jobs_fail(model: type[BackgroundJob]) -> int:
    """Mark failed the running jobs whose process is gone or silent, and the queued ones handed to a process
    (``job_process_start``) that is; return how many."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_AFTER)
    failed = 0
    handed = Q(status=JobState.RUNNING) | Q(status=JobState.QUEUED) & ~Q(worker="")
    running = model.objects.filter(handed).values_list("pk", "status", "worker", "heartbeat_at", "language")
    for pk, status, worker, heartbeat, language in running:
        if not _process_gone(worker) and (heartbeat is None or heartbeat < cutoff):
            # On SQLite a job in its transaction beats beside the database (``jobs.progress_file``).
            live = read_progress(model._meta.label, [pk]).get(pk)
            if live is not None and (heartbeat is None or live[1] > heartbeat):
                heartbeat = live[1]
        if not (_process_gone(worker) or heartbeat is None or heartbeat < cutoff):
            continue
        with translation.override(language):
            reason = _(
                "The process running this job (%(worker)s) stopped before it finished. Nothing of it was "
                "saved. Run it again."
            ) % {"worker": worker or "?"}
        # Conditional: the job may have finished between the read and this update.
        failed += model.objects.filter(pk=pk, status=status, worker=worker).update(
            status=JobState.FAILED, failure=reason, progress=100, finished_at=now
        )
    return failed


def job_models() -> list[type[BackgroundJob]]:
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def stale_jobs_fail_all() -> int:
    return sum(stale_jobs_fail(model) for model in job_models())


def job_owner_check(*, user: Any, job: Job, refusal: str) -> None:
    """Only the person who started a job (or a superuser) confirms it or runs it again; ``refusal`` says so
    in the words of the job's kind."""
    if job.user_id != user.pk and not user.is_superuser:
        raise ValidationError(refusal)


def job_rerun(task: Any, job: Job, *, own_process: bool = False) -> Job:
    """Queue a failed job again; it starts from the beginning (its earlier run saved nothing). ``own_process``
    as for ``job_dispatch``."""
    model = type(job)
    updated = model.objects.filter(pk=job.pk, status=JobState.FAILED).update(
        status=JobState.QUEUED, progress=0, failure="", worker="", heartbeat_at=None, finished_at=None, duration=None
    )
    if not updated:
        raise ValidationError(_("Only a failed job can be run again."))
    job_dispatch(task, job, own_process=own_process)
    job.refresh_from_db()
    return job
