"""What the server keeps of a sync: each change it applied, under the client's id, with the answer it gave."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    HOUSEHOLD_CREATE = "household_create", _("New household")
    HOUSEHOLD_UPDATE = "household_update", _("Household changed")
    REVIEW_SAVE = "review_save", _("Review entered")


class SyncedChange(models.Model):
    """A change sent from a phone and applied, kept so that sending it again applies nothing twice.

    The phone names each change it queues with a UUID of its own (``client_id``). A sync cut in the middle (the
    signal lost between the server's commit and the phone reading the answer) is sent again whole; a change
    already here is answered with ``answer``, the answer it had, and nothing is written. A change refused or in
    conflict is not kept: the officer corrects it and sends it again under the same id."""

    client_id = models.UUIDField(_("client id"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    # The household (household_create, household_update) or the review (review_save) the change saved.
    object_id = models.PositiveBigIntegerField(_("object id"))
    version = models.PositiveIntegerField(_("version"))
    # A change that resolved a conflict: the choice the officer made after seeing both versions.
    resolves_conflict = models.BooleanField(_("resolves a conflict"), default=False)
    answer = models.JSONField(_("answer"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("synced change")
        verbose_name_plural = _("synced changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
