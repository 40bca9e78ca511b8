"""Reports prepared in the background: a long report's PDF or Excel file, made by a job with progress.

``report_job_create`` records what the user chose and queues the job; the job checks the choice again as
that user (their area may have changed since), builds the report, renders the file and keeps it with the
job for download. Claiming, progress, the heartbeat, failure and rerun are ``jobs.runner``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jobs.models import JobState
from jobs.runner import JobProgress, job_dispatch, job_owner_check, job_rerun, job_run

from .catalogue import REPORTS
from .models import ReportJob
from .report_formats import report_pdf, report_xlsx

if TYPE_CHECKING:
    from accounts.models import User

RENDERERS = {"pdf": report_pdf, "xlsx": report_xlsx}


def report_job_create(*, user: User, kind: str, query: dict[str, str], output: str) -> ReportJob:
    if kind not in REPORTS or output not in RENDERERS:
        raise ValidationError(_("Unknown report or format."))
    job = ReportJob.objects.create(
        user=user,
        kind=kind,
        query=query,
        output=output,
        language=get_language() or "vi",
        title=str(REPORTS[kind].title),
    )
    # Only lists longer than REPORT_INLINE_HOUSEHOLDS are report jobs: never in the request.
    job_dispatch(run_report_job, job, own_process=True)
    job.refresh_from_db()
    return job


def report_job_rerun(*, user: User, job: ReportJob) -> ReportJob:
    job_owner_check(user=user, job=job, refusal=_("Only the person who asked for the report may run it again."))
    return job_rerun(run_report_job, job, own_process=True)


def _work(job: ReportJob, progress: JobProgress) -> dict[str, Any]:
    kind = REPORTS[job.kind]
    form = kind.form(job.query, user=job.user)
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        return {"status": JobState.FAILED, "failure": _("The choices are no longer valid: %s") % problems}
    progress(0.1)
    report = kind.build(user=job.user, **form.cleaned_data)
    progress(0.6)
    content = RENDERERS[job.output](report, progress=lambda share: progress(0.6 + 0.35 * share))
    name = f"{report.filename}.{job.output}"
    # Stored under the job's id: two users' reports of one name never share a file, even in an object store,
    # which has no create-if-absent (``FILE_STORAGE=s3``). ``file_name`` is what the download is called.
    job.file.save(f"{job.pk}-{name}", ContentFile(content), save=False)
    return {"status": JobState.DONE, "title": report.title[:300], "file_name": name, "file": job.file}


def report_job_run(job_id: int) -> ReportJob:
    return job_run(ReportJob, job_id, _work)


@shared_task(name="reports.report_job_run")
def run_report_job(job_id: int) -> int:
    return report_job_run(job_id).pk


def report_job_list(*, user: User):
    """The user's own prepared reports; an administrator sees them all."""
    jobs = ReportJob.objects.select_related("user").order_by("-created_at")
    return jobs if user.is_superuser else jobs.filter(user=user)


def report_job_get(*, user: User, pk: int) -> ReportJob:
    return get_object_or_404(report_job_list(user=user), pk=pk)
