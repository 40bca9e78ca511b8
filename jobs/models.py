"""What every background job records: who started it, its progress, which process runs it, how it ended.

Imports (``households.ImportJob``) and big reports (``reports.ReportJob``) are jobs. A job is claimed by
one process (``worker`` = host:pid) which keeps ``heartbeat_at`` fresh while it runs; a job whose process
died (killed, out of memory, machine restarted) is found by ``jobs.runner.stale_jobs_fail`` and marked
failed with the reason, and can be run again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .progress_file import read_progress


class JobState(models.TextChoices):
    """The states every job shares; a job model may add its own (an import's "checked")."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    # The job speaks the language of the person who started it, wherever it runs.
    language = models.CharField(max_length=10, default="vi")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    failure = models.TextField(_("reason of failure"), blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @classmethod
    def from_db(cls, db, field_names, values):
        """A running job as its process last reported it. On SQLite the job's transaction holds the database's
        write lock, so its progress and heartbeat are written beside the database (``jobs.progress_file``) and
        read back here: every page, the API and the reaper see the job move, none of them needing to know."""
        job = super().from_db(db, field_names, values)
        if job.__dict__.get("status") == JobState.RUNNING and "progress" in job.__dict__:
            live = read_progress(cls._meta.label, [job.pk]).get(job.pk)
            if live is not None:
                job.progress = max(job.progress, live[0])
                if "heartbeat_at" in job.__dict__ and (job.heartbeat_at is None or job.heartbeat_at < live[1]):
                    job.heartbeat_at = live[1]
        return job

    # The states in which the job is over (a model with more states extends this).
    FINISHED_STATES: tuple[str, ...] = (JobState.DONE, JobState.FAILED)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATES

    @property
    def may_rerun(self) -> bool:
        return self.status == JobState.FAILED
