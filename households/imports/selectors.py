"""Reads of import jobs and of the communes a user may import into, within the user's area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from households.models import AdministrativeUnit, ImportJob, UnitLevel
from households.selectors import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """The user's own imports; an administrator sees every import."""
    # commune and user are shown on every row.
    jobs = ImportJob.objects.select_related("commune", "user").order_by("-created_at")
    return jobs if user.is_superuser else jobs.filter(user=user)


def import_job_get(*, user: User, pk: int) -> ImportJob:
    return get_object_or_404(import_job_list(user=user), pk=pk)


def import_communes(*, user: User) -> QuerySet[AdministrativeUnit]:
    """Communes the user may import into: those in their area, and those of the villages in their area."""
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE)
    ids = visible_unit_ids(user)
    if ids is not None:
        communes = communes.filter(Q(pk__in=ids) | Q(children__pk__in=ids)).distinct()
    return communes.order_by("-valid_from", "name")
