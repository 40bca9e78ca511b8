from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    # The commune chair signs the decision recognising poor and near-poor households (Decision 24/2021/QĐ-TTg).
    COMMUNE_CHAIR = "commune_chair", _("Commune chair")
    VIEWER = "viewer", _("Viewer")
    # The ministry (Bộ Nông nghiệp và Môi trường since 1 March 2025) follows every province: it reads all and
    # changes nothing, whatever units it is assigned.
    MINISTRY_OFFICER = "ministry_officer", _("Ministry officer")
    API_CLIENT = "api_client", _("API client")


# Roles that may change data in their units; viewers, ministry officers and API clients only read.
EDITING_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    units = models.ManyToManyField(
        "households.AdministrativeUnit",
        verbose_name=_("assigned units"),
        blank=True,
        related_name="assigned_users",
        help_text=_("The user sees and changes only these units and the units below them."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_edit(self) -> bool:
        return self.is_superuser or self.role in EDITING_ROLES

    @property
    def sees_every_unit(self) -> bool:
        """The superuser and the ministry's officers see the whole country; everyone else their units."""
        return self.is_superuser or self.role == Role.MINISTRY_OFFICER


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    EXPORT = "export", _("Downloaded data")
    APPROVAL = "approval", _("Approved reviews")
    CARRY_OVER = "carry_over", _("Carried the registry over the 2025 reform")
    ROUND_STANDARD = "round_standard", _("Changed a review round's standard")


class AuditEvent(models.Model):
    """Who did what and when: logins, downloads of personal data, approvals. Never edited."""

    user = models.ForeignKey(User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()}"


class UsageCount(models.Model):
    """How many times a user (or an address) used a limited thing in one window of time: API requests, answers
    about citizen IDs outside their area. Counted by one atomic upsert (``accounts.counters``), so that requests
    in parallel, on any worker, can never pass a limit together; the cache's read-then-write could."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("usage count")
        verbose_name_plural = _("usage counts")

    def __str__(self) -> str:
        return f"{self.key} = {self.count}"
