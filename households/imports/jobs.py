"""Import jobs: the uploaded file kept with a record of who imported what, run in the background.

``import_job_create`` stores the file and queues the dry run; ``import_job_confirm`` queues the commit of a
checked file. ``import_job_dispatch`` sends a job to Celery when ``REDIS_URL`` is set and runs it in the
process otherwise (the page then opens on the finished job). ``import_job_run`` does the work and keeps the
job's progress, counts, errors and duration up to date.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.models import AdministrativeUnit, ImportJob, ImportStatus

from .services import ImportRefused, import_check, import_commit

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
# At most this many errors are kept on the job; the count says how many there were.
MAX_KEPT_ERRORS = 5000


def import_job_create(*, user: User, commune: AdministrativeUnit, file: UploadedFile) -> ImportJob:
    """Keep the uploaded workbook and queue its dry run."""
    if not file.name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    job = ImportJob(user=user, commune=commune, file_name=file.name[:255], language=get_language() or "vi")
    job.file.save(file.name, file, save=False)
    job.save()
    import_job_dispatch(job)
    job.refresh_from_db()
    return job


def import_job_confirm(*, user: User, job: ImportJob) -> ImportJob:
    """Queue the commit of a file whose dry run found no errors; it is checked again when saved."""
    if job.user_id != user.pk and not user.is_superuser:
        raise ValidationError(_("Only the person who uploaded the file may confirm it."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED, error_count=0).update(
        commit=True, status=ImportStatus.QUEUED, progress=0
    )
    if not updated:
        raise ValidationError(_("This file cannot be saved: it has errors or was already saved."))
    job.refresh_from_db()
    import_job_dispatch(job)
    job.refresh_from_db()
    return job


def import_job_dispatch(job: ImportJob) -> None:
    if settings.REDIS_URL:
        # After the commit, so that the worker sees the job row.
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    else:
        import_job_run(job.pk)


class _Progress:
    """Writes a job's progress as it runs. The commit runs in one transaction, whose writes nobody sees
    before the end; on PostgreSQL the progress therefore goes through a connection of its own, so that the
    page polling the job sees it move."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self.sql = f"UPDATE {connection.ops.quote_name(ImportJob._meta.db_table)} SET progress = %s WHERE id = %s"

    def __call__(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent < self.last + 5:
            return
        self.last = percent
        if self.connection is None:
            ImportJob.objects.filter(pk=self.job_id).update(progress=percent)
            return
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [percent, self.job_id])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job: the dry run, or the commit when the user confirmed."""
    job = ImportJob.objects.select_related("user", "commune").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, progress=1)
    started = time.perf_counter()
    with translation.override(job.language):
        try:
            with job.file.open("rb") as source:
                data = source.read()
            action = import_commit if job.commit else import_check
            progress = _Progress(job.pk)
            try:
                result = action(user=job.user, commune=job.commune, source=data, progress=progress)
            finally:
                progress.close()
            status = ImportStatus.DONE if job.commit else ImportStatus.CHECKED
        except ImportRefused as refused:
            result, status = refused.result, ImportStatus.CHECKED
            job.commit = False
        except Exception as error:  # the job record must say it failed, whatever happened
            logger.exception("Import job %s failed", job.pk)
            job.status, job.progress = ImportStatus.FAILED, 100
            job.errors = [{"sheet": "", "row": 0, "column": "", "message": str(error)}]
            job.error_count = 1
            job.duration = time.perf_counter() - started
            job.finished_at = timezone.now()
            job.save()
            return job
        job.status = status
        job.progress = 100
        job.rows = result.rows
        job.counts = result.summary
        job.errors = result.error_dicts()[:MAX_KEPT_ERRORS]
        job.error_count = len(result.errors)
    job.duration = time.perf_counter() - started
    job.finished_at = timezone.now()
    job.save()
    return job


@shared_task(name="households.import_job_run")
def run_import_job(job_id: int) -> int:
    """The Celery task (registered for the worker through ``households.imports.tasks``)."""
    return import_job_run(job_id).pk
