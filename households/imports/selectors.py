"""Reads of import jobs, of the communes a user may import into, within the user's area, and of what the
template of a commune lists."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from households.models import AdministrativeUnit, Ethnicity, ImportJob, UnitLevel
from households.selectors import visible_unit_ids

from .context import villages_in_force

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
        communes = communes.filter(Q(pk__any_of=ids) | Q(children__pk__any_of=ids)).distinct()
    return communes.order_by("-valid_from", "name")


def template_lists(*, user: User, commune: AdministrativeUnit, today: datetime.date) -> dict[str, Any]:
    """What the template of ``commune`` (and the workbook given back with its errors) offers the user in its
    lists: the villages in force in the user's area (all of the commune's for its officers, their own for a
    village's), by name, and the ethnicities."""
    villages = villages_in_force(commune, today=today)
    ids = visible_unit_ids(user)
    if ids is not None and commune.pk not in ids:
        villages = villages.filter(pk__any_of=ids)
    return {
        "villages": list(villages.values_list("name", flat=True)),
        "ethnicities": list(Ethnicity.objects.order_by("name").values_list("name", flat=True)),
        "commune_name": commune.name,
    }
