"""Writes to administrative units. Every change goes through a function here."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from households import unit_sources
from households.models import LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, UnitGroup, UnitLevel, UnitSuccession
from households.models.units import GROUPED_LEVELS
from households.regions import region_of_province
from households.selectors.unit_codes import in_tree
from households.unit_sources import ProvincePair, UnitRow

_LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE]
# Fields the loader owns. ``is_urban`` is set only when a unit is created: an administrator may correct it
# (Decree 351/2025/NĐ-CP leaves "đô thị" to be decided), and reloading must not undo that.
_SYNCED_FIELDS = ("name", "short_name", "unit_type", "parent_id", "source_key", "region")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    successions_created: int = 0

    def __iadd__(self, other: "LoadResult") -> "LoadResult":
        self.created += other.created
        self.updated += other.updated
        self.successions_created += other.successions_created
        return self


def _sync_tree(rows: list[UnitRow], *, legacy: bool) -> tuple[dict[str, AdministrativeUnit], LoadResult]:
    """Create or update one tree. Returns its communes by code and what changed."""
    validity = (
        {"valid_from": None, "valid_to": LAST_LEGACY_DAY} if legacy else {"valid_from": REFORM_DATE, "valid_to": None}
    )
    existing = {
        (u.level, u.code): u
        for u in AdministrativeUnit.objects.filter(code__in=[r.code for r in rows], level__in=_LEVEL_ORDER, **validity)
    }
    result = LoadResult()
    by_code: dict[tuple[str, str], AdministrativeUnit] = {}
    parent_level = {
        UnitLevel.DISTRICT: UnitLevel.PROVINCE,
        UnitLevel.COMMUNE: UnitLevel.DISTRICT if legacy else UnitLevel.PROVINCE,
    }
    for level in _LEVEL_ORDER:
        to_create, to_update = [], []
        for row in (r for r in rows if r.level == level):
            parent = by_code[(parent_level[level], row.parent_code)] if row.parent_code else None
            values = {
                "name": row.name,
                "short_name": row.short_name,
                "unit_type": row.unit_type,
                "parent_id": parent.pk if parent else None,
                "source_key": row.key,
            }
            unit = existing.get((level, row.code))
            if level == UnitLevel.PROVINCE and (unit is None or not unit.region):
                # Filled only when empty, like ``is_urban``: an administrator may correct it (households.regions).
                values["region"] = region_of_province(row.code)
            if unit is None:
                unit = AdministrativeUnit(code=row.code, level=level, is_urban=row.is_urban, **validity, **values)
                to_create.append(unit)
            elif any(getattr(unit, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(unit, field, value)
                to_update.append(unit)
            by_code[(level, row.code)] = unit
        AdministrativeUnit.objects.bulk_create(to_create)
        AdministrativeUnit.objects.bulk_update(to_update, _SYNCED_FIELDS)
        result.created += len(to_create)
        result.updated += len(to_update)
    communes = {code: unit for (level, code), unit in by_code.items() if level == UnitLevel.COMMUNE}
    return communes, result


@transaction.atomic
def units_load(*, pair: ProvincePair) -> LoadResult:
    """Load the legacy and post-2025 trees of a province pair and the old→new commune mapping.

    Idempotent: a second run with the same package data creates and updates nothing.
    """
    result = LoadResult()
    legacy_communes: dict[str, dict[str, AdministrativeUnit]] = {}
    new_communes: dict[str, dict[str, AdministrativeUnit]] = {}
    for code in pair.legacy_codes:
        legacy_communes[code], changed = _sync_tree(unit_sources.legacy_tree(code), legacy=True)
        result += changed
    for code in pair.new_codes:
        new_communes[code], changed = _sync_tree(unit_sources.new_tree(code), legacy=False)
        result += changed

    wanted = []
    for legacy_code, olds in legacy_communes.items():
        for new_code, news in new_communes.items():
            for row in unit_sources.successions(legacy_code, new_code):
                wanted.append(
                    UnitSuccession(
                        predecessor=olds[row.old_commune_code],
                        successor=news[row.new_commune_code],
                        is_split=row.is_split,
                        is_default=row.is_default,
                    )
                )
    existing = set(
        UnitSuccession.objects.filter(predecessor__in=[s.predecessor for s in wanted]).values_list(
            "predecessor_id", "successor_id"
        )
    )
    new_rows = [s for s in wanted if (s.predecessor.pk, s.successor.pk) not in existing]
    UnitSuccession.objects.bulk_create(new_rows)
    result.successions_created = len(new_rows)
    return result


@dataclass
class MarkResult:
    added: int = 0
    kept: int = 0
    removed: int = 0


@transaction.atomic
def unit_groups_mark(*, group: str, codes: list[str], tree: str | None, source: str, clear: bool) -> MarkResult:
    """Put the districts and communes of ``codes`` in ``group`` (``UnitGroup``, with its history); with ``clear``,
    take every other unit out of it. A ValidationError names every code unknown, or held by both trees without
    ``tree``, and nothing is changed."""
    units = AdministrativeUnit.objects.filter(code__in=set(codes), level__in=GROUPED_LEVELS)
    if tree:
        units = units.filter(in_tree(tree))
    found: dict[str, list[AdministrativeUnit]] = {}
    for unit in units:
        found.setdefault(unit.code, []).append(unit)
    unknown = sorted(set(codes) - set(found))
    twice = sorted(code for code, matches in found.items() if len(matches) > 1)
    problems = []
    if unknown:
        problems.append(f"unknown codes: {', '.join(unknown)}")
    if twice:
        problems.append(f"codes both trees hold (say which with --tree): {', '.join(twice)}")
    if problems:
        raise ValidationError("; ".join(problems))
    wanted = {matches[0].pk for matches in found.values()}
    marked = set(UnitGroup.objects.filter(group=group).values_list("unit_id", flat=True))
    bulk_create_with_history([UnitGroup(unit_id=pk, group=group, source=source) for pk in wanted - marked], UnitGroup)
    removed = 0
    if clear:
        for row in UnitGroup.objects.filter(group=group).exclude(unit_id__in=wanted):
            row.delete()  # one by one, so that the history keeps who took it out
            removed += 1
    return MarkResult(added=len(wanted - marked), kept=len(wanted & marked), removed=removed)
