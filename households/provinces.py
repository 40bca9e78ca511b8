"""The province of a commune: the sharding key of the tables that grow with the households (``households.sharding``).

A household, its members, reviews and statistic sources carry the province of the household's commune; a statistic
cell and a registry count the province of their own commune. The application writes it on every insert, because a
distributed PostgreSQL (Citus) routes a row to its shard by the value the coordinator sees, before any trigger on a
shard could fill it in.

The province is the unit above the commune in the commune's own tree: a commune of the 2025 tree is a province's
child, a legacy commune a district's (Resolution 202/2025/QH15). A unit's parent never changes (the reform made new
units), so the answers are kept in a map for the life of the process; a unit saved in this process
(``households.scope_cache``) starts it afresh, since a test database may reuse a deleted unit's id.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from households import scope_cache
from households.models import AdministrativeUnit, UnitLevel

_known: dict[int, int] = {}
_version = -1


def province_expression(commune: str = "commune"):
    """The province of the commune at ``commune`` (a path from the model) as a query expression: for the set-based
    backfills and updates that move many rows at once."""
    units = AdministrativeUnit.objects.filter(pk=OuterRef(commune))
    parent = units.filter(parent__level=UnitLevel.PROVINCE).values("parent_id")
    grandparent = units.values("parent__parent_id")
    return Coalesce(Subquery(parent[:1]), Subquery(grandparent[:1]))


def provinces_of(unit_ids: Iterable[int]) -> dict[int, int]:
    """Unit id → the id of the province it lies in, for each of ``unit_ids`` (a commune's above it in its own tree; a
    village's, a district's, and a province itself); one query for those not asked before."""
    found = _provinces(unit_ids)
    unknown = found.pop(None, set())
    if unknown:
        raise LookupError(f"No province above units {sorted(unknown)}")
    return found


def _provinces(unit_ids: Iterable[int]) -> dict:
    """``provinces_of``, with the units that have no province above them under the key ``None``."""
    global _version
    if _version != scope_cache.version:
        _known.clear()
        _version = scope_cache.version
    wanted = {pk for pk in unit_ids if pk is not None}
    missing = wanted - _known.keys()
    if missing:
        rows = list(
            AdministrativeUnit.objects.filter(pk__in=missing).values_list(
                "pk", "level", "parent__level", "parent_id", "parent__parent__level", "parent__parent_id"
            )
        )
        for pk, level, parent_level, parent, grand_level, grandparent in rows:
            if level == UnitLevel.PROVINCE:
                _known[pk] = pk
            elif parent_level == UnitLevel.PROVINCE:
                _known[pk] = parent
            elif grand_level == UnitLevel.PROVINCE:
                _known[pk] = grandparent
        # A legacy village: village → commune → district → province, one hop more.
        deeper = {pk: parent for pk, _l, _pl, parent, grand_level, _g in rows if pk not in _known and parent}
        if deeper:
            above = _provinces(deeper.values())
            _known.update({pk: above[parent] for pk, parent in deeper.items() if parent in above})
    found: dict = {pk: _known[pk] for pk in wanted if pk in _known}
    if wanted - found.keys():
        found[None] = wanted - found.keys()
    return found


def province_of(commune_id: int) -> int:
    """The id of the province a commune (or a village) lies in."""
    return provinces_of([commune_id])[commune_id]


def in_provinces_of(unit_ids: Iterable[int] | None, *, field: str = "province_id") -> Q:
    """A filter of a distributed table (``households.sharding``) on the provinces of ``unit_ids`` (a user's area, a
    roll-up's communes); ``None``, the whole country, filters nothing. Beside the filter on the communes it changes
    no answer (the province follows from the commune), but it names the shards: a distributed PostgreSQL sends the
    query to the nodes of those provinces alone instead of to every node."""
    if unit_ids is None:
        return Q()
    found = _provinces(unit_ids)
    found.pop(None, None)  # a unit with no province above it holds no row of these tables
    return Q(**{f"{field}__in": sorted(set(found.values()))})
