"""``ReportJob``: a report prepared in the background (a whole province's lists), what was asked and the file
made. The statistics tables the reports read are ``households.models.statistics``.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob, JobState


class ReportJob(BackgroundJob):
    kind = models.CharField(_("report"), max_length=30)
    # The report form's fields as the user chose them: the job checks them again, as that user, when it runs.
    query = models.JSONField(_("choices"), default=dict)
    output = models.CharField(_("format"), max_length=4, choices=[("pdf", "PDF"), ("xlsx", "Excel")])
    status = models.CharField(_("status"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    title = models.CharField(_("report title"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("prepared report")
        verbose_name_plural = _("prepared reports")

    def __str__(self) -> str:
        return self.title or self.kind

    def get_absolute_url(self) -> str:
        return reverse("reports:job-detail", args=[self.pk])
