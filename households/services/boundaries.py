"""Writes of unit boundaries: a whole file is matched to the units, then loaded in one transaction or not at all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from households.boundaries import Feature
from households.models import AdministrativeUnit, UnitBoundary, UnitLevel


@dataclass
class BoundaryLoad:
    """What a file would load, and every reason it cannot be loaded as it is."""

    matched: list[tuple[Feature, AdministrativeUnit]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file's own faults: unreadable features, duplicates
    ambiguous: list[str] = field(default_factory=list)  # a code that more than one unit holds
    unmatched: list[str] = field(default_factory=list)  # a code no unit holds
    created: int = 0
    replaced: int = 0

    def blocking(self, *, skip_unmatched: bool) -> list[str]:
        return [*self.problems, *self.ambiguous, *([] if skip_unmatched else self.unmatched)]


class BoundaryLoadError(Exception):
    """The file cannot be loaded as it is; nothing was written. ``load`` holds the full report."""

    def __init__(self, load: BoundaryLoad, lines: list[str]):
        super().__init__(f"{len(lines)} problems; nothing loaded.")
        self.load = load
        self.lines = lines


def _period(unit: AdministrativeUnit) -> str:
    if unit.valid_to is not None:
        return f"until {unit.valid_to:%d/%m/%Y}"
    if unit.valid_from is not None:
        return f"from {unit.valid_from:%d/%m/%Y}"
    return "no end date"


def boundaries_match(
    *, features: list[Feature], on: date | None = None, level: str | None = None, problems: list[str] = ()
) -> BoundaryLoad:
    """Each feature's unit: the one unit (not a village) holding its code, in force ``on`` the day if given.

    A merged unit often keeps a predecessor's code (Decision 19/2025/QĐ-TTg), so without a day a code can
    name a unit of each tree: that is reported, never guessed.
    """
    load = BoundaryLoad(problems=list(problems))
    where: dict[str, list[int]] = defaultdict(list)
    for feature in features:
        where[feature.code].append(feature.index)
    for code, indexes in where.items():
        if len(indexes) > 1:
            load.problems.append(f"Code {code} appears in {len(indexes)} features ({', '.join(map(str, indexes))}).")
    units = AdministrativeUnit.objects.filter(code__in=list(where)).exclude(level=UnitLevel.VILLAGE)
    if on is not None:
        units = units.valid_on(on)
    if level:
        units = units.filter(level=level)
    by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in units.select_related("parent").order_by("valid_from", "level", "name"):
        by_code[unit.code].append(unit)
    for feature in features:
        if len(where[feature.code]) > 1:
            continue
        found = by_code.get(feature.code, [])
        if not found:
            load.unmatched.append(f"Feature {feature.index}: code {feature.code} matches no unit.")
        elif len(found) > 1:
            names = "; ".join(f"{u.name} ({u.level}, {_period(u)})" for u in found)
            load.ambiguous.append(
                f"Feature {feature.index}: code {feature.code} matches {len(found)} units: {names}. "
                "Choose the tree (--tree before-reform / after-reform), a day (--on) or a level (--level)."
            )
        else:
            load.matched.append((feature, found[0]))
    return load


def boundaries_load(
    *,
    features: list[Feature],
    on: date | None = None,
    level: str | None = None,
    source: str = "",
    problems: list[str] = (),
    skip_unmatched: bool = False,
    dry_run: bool = False,
) -> BoundaryLoad:
    """Store the boundary of every matched unit, replacing the one it had, all in one transaction.

    Raises ``BoundaryLoadError`` with every problem, and writes nothing, when a feature cannot be read, a
    code appears twice, a code matches more than one unit, or (unless ``skip_unmatched``) matches none.
    """
    load = boundaries_match(features=features, on=on, level=level, problems=problems)
    lines = load.blocking(skip_unmatched=skip_unmatched)
    if lines:
        raise BoundaryLoadError(load, lines)
    units = [unit for _feature, unit in load.matched]
    if dry_run:
        load.replaced = UnitBoundary.objects.filter(unit__in=units).count()
        load.created = len(units) - load.replaced
        return load
    with transaction.atomic():
        load.replaced, _ = UnitBoundary.objects.filter(unit__in=units).delete()
        UnitBoundary.objects.bulk_create(
            UnitBoundary(
                unit=unit,
                geometry=feature.geometry,
                label_lat=feature.label[0],
                label_lon=feature.label[1],
                source=source[:200],
            )
            for feature, unit in load.matched
        )
    load.created = len(units) - load.replaced
    return load
