"""Import jobs: the uploaded file kept with a record of who imported what, run in the background.

``import_job_create`` stores the file and queues the dry run; ``import_job_confirm`` queues the commit of a
checked file; ``import_job_rerun`` queues again a job whose process died. Jobs go to Celery when
``REDIS_URL`` is set and run in the process otherwise (the page then opens on the finished job); the
claiming, progress, heartbeat and failure are ``jobs.runner``'s. ``import_job_run`` does the work and
records the counts and every error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.models import AdministrativeUnit, ImportJob, ImportStatus
from jobs.runner import JobProgress, job_dispatch, job_owner_check, job_rerun, job_run

from .services import ImportRefused, import_check, import_commit

if TYPE_CHECKING:
    from accounts.models import User

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
    job_owner_check(user=user, job=job, refusal=_("Only the person who uploaded the file may confirm it."))
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
    job_dispatch(run_import_job, job)


def import_job_rerun(*, user: User, job: ImportJob) -> ImportJob:
    """Run again a job whose process stopped: the dry run, or the commit (checked again, as always)."""
    job_owner_check(user=user, job=job, refusal=_("Only the person who uploaded the file may run it again."))
    return job_rerun(run_import_job, job)


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
    fields.update(
        rows=result.rows,
        counts=result.summary,
        errors=result.error_dicts()[:MAX_KEPT_ERRORS],
        error_count=len(result.errors),
    )
    return fields


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job: the dry run, or the commit when the user confirmed."""
    return job_run(ImportJob, job_id, _work, related=("commune",))


@shared_task(name="households.import_job_run")
def run_import_job(job_id: int) -> int:
    """The Celery task (registered for the worker through ``households.imports.tasks``)."""
    return import_job_run(job_id).pk
