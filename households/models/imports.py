"""The record of an import of households and reviews from a workbook: who, which file, what happened."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob, JobState

from .units import AdministrativeUnit


class ImportStatus(models.TextChoices):
    QUEUED = JobState.QUEUED, JobState.QUEUED.label
    RUNNING = JobState.RUNNING, JobState.RUNNING.label
    CHECKED = "checked", _("Checked")  # the dry run finished; nothing saved
    DONE = JobState.DONE, _("Imported")
    FAILED = JobState.FAILED, JobState.FAILED.label


class ImportJob(BackgroundJob):
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    # The uploaded workbook is kept with the job: the commit reads the very file the dry run checked.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    commit = models.BooleanField(_("save"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)

    FINISHED_STATES = (ImportStatus.CHECKED, ImportStatus.DONE, ImportStatus.FAILED)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("households:import-detail", args=[self.pk])

    @property
    def may_commit(self) -> bool:
        return self.status == ImportStatus.CHECKED and not self.error_count
