"""Reads of administrative units. Every read that depends on who asks goes through ``units_visible_to``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import connections, models, router
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from households import scope_cache
from households.models import AdministrativeUnit, UnitLevel, UnitSuccession

if TYPE_CHECKING:
    from accounts.models import User


def _with_descendants(roots_sql: str, params: Sequence, *, using: str) -> set[int]:
    """The units ``roots_sql`` selects (a SELECT of ids) and every unit below them, in one query that walks down the
    parent index. An OR of the three parent hops (province → district → commune → village) made PostgreSQL join the
    whole unit table three times: 50-100 ms a request with the country's 47,000 units and villages."""
    table = AdministrativeUnit._meta.db_table
    sql = (
        f"WITH RECURSIVE tree(id) AS ({roots_sql} "
        f"UNION SELECT unit.id FROM {table} unit JOIN tree ON unit.parent_id = tree.id) SELECT id FROM tree"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(params))
        return {row[0] for row in cursor.fetchall()}


def visible_unit_ids(user: User) -> set[int] | None:
    """Primary keys of the units a user may see, in any period; ``None`` means every unit.

    A user sees the units assigned to them and everything below. Across the 2025 reform:
    - a user assigned to an old unit keeps seeing the new communes its communes became part of;
    - a user assigned to a new commune sees the old communes that went into it whole; an old commune
      that was split between several new ones stays hidden, since part of it belongs to another commune.
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.sees_every_unit:
        return None
    # Once per user object (a request: every selector of a page asks), and again when units, successions or
    # assignments were saved in this process since; across requests, while the database's version holds.
    cached = getattr(user, "_visible_unit_ids", None)
    if cached is None or cached[0] != scope_cache.version:
        cached = user._visible_unit_ids = (scope_cache.version, _scope(user))
    return set(cached[1])


def _scope(user: User) -> frozenset[int]:
    # The version is read before the scope, on the same database: a scope is never older than its version.
    using = router.db_for_read(AdministrativeUnit)
    version = scope_cache.database_version(connections[using])
    if version is None:
        return frozenset(_compute_visible_ids(user, using=using))
    key = (using, user.pk, version)
    scope = scope_cache.get(key)
    if scope is None:
        scope = frozenset(_compute_visible_ids(user, using=using))
        scope_cache.keep(key, scope)
    return scope


def _compute_visible_ids(user: User, *, using: str) -> set[int]:
    # Three queries: the assigned units and all below; the links across the reform; what those add.
    through = user.units.through._meta
    assigned = f"SELECT {through.get_field('administrativeunit').column} FROM {through.db_table} WHERE user_id = %s"
    visible = _with_descendants(assigned, [user.pk], using=using)
    ids = list(visible)
    links = (
        UnitSuccession.objects.using(using)
        .filter(Q(predecessor__any_of=ids) | Q(successor__any_of=ids, is_split=False))
        .values_list("predecessor_id", "successor_id", "is_split")
    )
    added = set()
    for predecessor, successor, is_split in links:
        if predecessor in visible:
            added.add(successor)
        if successor in visible and not is_split:
            added.add(predecessor)
    added -= visible
    if not added:
        return visible
    placeholders = ", ".join(["%s"] * len(added))
    return visible | _with_descendants(
        f"SELECT id FROM {AdministrativeUnit._meta.db_table} WHERE id IN ({placeholders})", added, using=using
    )


def units_visible_to(user: User, *, on: date | None = None):
    """The units a user may see, optionally only those valid on a date."""
    ids = visible_unit_ids(user)
    units = AdministrativeUnit.objects.all() if ids is None else AdministrativeUnit.objects.filter(pk__any_of=list(ids))
    return units.valid_on(on) if on else units


def unit_may_be_seen(user: User, unit: AdministrativeUnit) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or unit.pk in ids


@dataclass
class TreeNode:
    unit: AdministrativeUnit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(*, user: User, on: date | None = None) -> list[TreeNode]:
    """The tree of units valid on a date (today by default) that the user may see, roots first.

    A unit whose parent the user may not see (a commune officer's commune) is a root. One query.
    """
    on = on or timezone.localdate()
    # The parent is needed only to place each node; the ordering keeps siblings stable.
    units = list(units_visible_to(user, on=on).order_by("level", "name"))
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent.children if parent else roots).append(nodes[unit.pk])
    level_rank = {level: i for i, level in enumerate(UnitLevel.values)}
    roots.sort(key=lambda n: (level_rank[n.unit.level], n.unit.name))
    return roots


def unit_successors(unit: AdministrativeUnit):
    return AdministrativeUnit.objects.filter(predecessions__predecessor=unit)


def unit_predecessors(unit: AdministrativeUnit):
    return AdministrativeUnit.objects.filter(successions__successor=unit)


def commune_villages(*, user: User, commune: AdministrativeUnit, include_ended: bool = True):
    """The villages of a commune the user may see, those in force first; with their history of changes."""
    villages = units_visible_to(user).filter(parent=commune, level=UnitLevel.VILLAGE)
    if not include_ended:
        villages = villages.valid_on(timezone.localdate())
    return villages.order_by(models.F("valid_to").desc(nulls_first=True), "name")


def commune_get(*, user: User, pk: int) -> AdministrativeUnit:
    """A commune of the user's area (of either side of the reform), or 404."""
    return get_object_or_404(units_visible_to(user).filter(level=UnitLevel.COMMUNE), pk=pk)


def province_list(*, user: User):
    """The provinces of either side of the reform the user may see."""
    return units_visible_to(user).filter(level=UnitLevel.PROVINCE).order_by("name", "valid_from")


def village_history(*, user: User, commune: AdministrativeUnit, limit: int = 30):
    """The latest changes to the villages of a commune the user may see (who, when, what)."""
    ids = visible_unit_ids(user)
    history = AdministrativeUnit.history.filter(parent_id=commune.pk, level=UnitLevel.VILLAGE)
    if ids is not None:
        history = history.filter(id__any_of=ids)
    return history.select_related("history_user").order_by("-history_date")[:limit]
