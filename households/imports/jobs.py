"""Import jobs: the uploaded file kept with a record of who imported what, run in the background.

``import_job_create`` stores the file and queues the dry run; ``import_job_confirm`` queues the commit of a
checked file; ``import_job_rerun`` queues again a job whose process died. Jobs go to Celery when
``REDIS_URL`` is set. Without it a file of more than ``JOB_INLINE_MAX_ROWS`` rows runs in a process of its
own and the page follows its progress; a smaller one runs in the request (the page then opens on the
finished job). The claiming, progress, heartbeat and failure are ``jobs.runner``'s. ``import_job_run`` does
the work and records the counts and every error, keeps the workbook with its errors written in
(``annotate``) next to the upload, and, after a commit, what the job's page links to.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.models import AdministrativeUnit, ImportJob, ImportStatus
from jobs.runner import JobProgress, job_dispatch, job_owner_check, job_rerun, job_run

from .annotate import annotated_workbook
from .records import RowError
from .selectors import template_lists
from .services import ImportRefused, import_check, import_commit
from .sheet_sizes import DamagedWorkbook
from .upload import upload_size

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
# At most this many errors are kept on the job; the count says how many there were.
MAX_KEPT_ERRORS = 5000
# A row of the import's sheets is well under this much XML (17 cells): a workbook larger than its rows allow
# (shared strings blown up, say) is no short one either, and is not read in a request.
ROW_BYTES = 4096


def import_job_create(*, user: User, commune: AdministrativeUnit, file: UploadedFile) -> ImportJob:
    """Keep the uploaded workbook and queue its dry run."""
    if not file.name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    job = ImportJob(user=user, commune=commune, file_name=file.name[:255], language=get_language() or "vi")
    # Kept under a name of its own: clerks upload files of one name (the template's), and an object store has no
    # create-if-absent, so two uploads of a name at one moment could take one key (``FILE_STORAGE=s3``). The
    # copy with errors (``annotated_name``) is then never another job's upload either.
    job.file.save(f"{secrets.token_hex(6)}-{file.name}", file, save=False)
    job.save()
    import_job_dispatch(job)
    job.refresh_from_db()
    return job


def import_job_confirm(*, user: User, job: ImportJob) -> ImportJob:
    """Queue the commit of a file whose dry run found no errors; it is checked again when saved."""
    job_owner_check(user=user, job=job, refusal=_("Only the person who uploaded the file may confirm it."))
    # The dry run's process is no longer the job's: a queued job with a worker is one handed to a process.
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED, error_count=0).update(
        commit=True, status=ImportStatus.QUEUED, progress=0, worker="", heartbeat_at=None
    )
    if not updated:
        raise ValidationError(_("This file cannot be saved: it has errors or was already saved."))
    job.refresh_from_db()
    import_job_dispatch(job)
    job.refresh_from_db()
    return job


def import_job_dispatch(job: ImportJob) -> None:
    job_dispatch(run_import_job, job, own_process=import_job_long(job))


def import_job_long(job: ImportJob) -> bool:
    """Whether the job's file is too long to be read in a request: more than ``JOB_INLINE_MAX_ROWS`` rows
    (counted no further), more XML than such rows take, or beyond the upload's limits (a file kept from
    before them)."""
    enough = settings.JOB_INLINE_MAX_ROWS
    try:
        with job.file.open("rb") as source:
            size = upload_size(source, enough_rows=enough)
    except (DamagedWorkbook, ValueError, OSError):
        return False  # a file damaged or gone: the job fails at once, saying why
    return size.over is not None or size.rows > enough or size.size > enough * ROW_BYTES


def import_job_rerun(*, user: User, job: ImportJob) -> ImportJob:
    """Run again a job whose process stopped: the dry run, or the commit (checked again, as always)."""
    job_owner_check(user=user, job=job, refusal=_("Only the person who uploaded the file may run it again."))
    return job_rerun(run_import_job, job, own_process=import_job_long(job))


def _work(job: ImportJob, progress: JobProgress) -> dict[str, Any]:
    with job.file.open("rb") as source:
        data = source.read()
    action = import_commit if job.commit else import_check
    fields: dict[str, Any] = {}
    try:
        result = action(user=job.user, commune=job.commune, source=data, progress=progress)
        fields["status"] = ImportStatus.DONE if job.commit else ImportStatus.CHECKED
    except ImportRefused as refused:
        result = refused.result
        fields.update(status=ImportStatus.CHECKED, commit=False)
    _keep_annotated(job, data, result.errors, progress=lambda f: progress(0.6 + 0.4 * f))
    fields.update(
        rows=result.rows,
        counts={**result.summary, **result.saved},  # after a commit, what its page links to
        errors=result.error_dicts()[:MAX_KEPT_ERRORS],
        error_count=len(result.errors),
    )
    return fields


def annotated_name(job: ImportJob) -> str:
    """Where the uploaded workbook with its errors marked is kept: next to the upload."""
    stem = job.file.name.rsplit(".", 1)[0]
    return f"{stem}.loi.xlsx"


def annotated_exists(job: ImportJob) -> bool:
    return bool(job.file) and bool(job.error_count) and job.file.storage.exists(annotated_name(job))


def _keep_annotated(job: ImportJob, data: bytes, errors: list[RowError], *, progress: Callable[[float], None]) -> None:
    """Keep the workbook with its errors written next to the cells (``annotate``), for the clerk to correct
    and upload again; drop an earlier one once the file has none. A file too damaged to be given back (one
    whose errors are about the file itself) gets none: its errors say why on the page."""
    storage, name = job.file.storage, annotated_name(job)
    storage.delete(name)  # a missing file is no error, on a disk or in a bucket
    if not errors or all(not error.sheet for error in errors):
        return
    try:
        content = annotated_workbook(data, errors, _lists(job), progress=progress)
    except Exception:  # a help beside the report, never a reason for the check to fail
        logger.exception("Import %s: the workbook with its errors could not be written", job.pk)
        return
    storage.save(name, ContentFile(content))


def _lists(job: ImportJob) -> dict[str, list[str]]:
    """The drop-down lists of the workbook given back: those of the commune's template."""
    lists = template_lists(user=job.user, commune=job.commune, today=timezone.localdate())
    return {"village": lists["villages"], "ethnicity": lists["ethnicities"]}


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job: the dry run, or the commit when the user confirmed."""
    return job_run(ImportJob, job_id, _work, related=("commune",))


@shared_task(name="households.import_job_run")
def run_import_job(job_id: int) -> int:
    """The Celery task (registered for the worker through ``households.imports.tasks``)."""
    return import_job_run(job_id).pk
