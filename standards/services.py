"""Writes to poverty standards. Every change goes through a function here.

A standard used by an approved review is locked (``standard_lock``): its rule, lines and indicators are
then what those reviews were decided under, so they are never changed in place. A correction makes a
new version (``standard_new_version``) that later reviews use; the old version stays as it was.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext_lazy as _

from .models import Dimension, IncomeLine, Indicator, PovertyStandard

LOCKED_MESSAGE = _(
    "%(standard)s is used by approved reviews and cannot be changed. Create a new version of it instead."
)

_STANDARD_FIELDS = frozenset(
    f.name for f in PovertyStandard._meta.concrete_fields if f.editable and f.name not in {"id", "code"}
)
_LINE_FIELDS = frozenset(
    f.name for f in IncomeLine._meta.concrete_fields if f.name not in {"id", "standard"} and f.editable
)
_INDICATOR_FIELDS = frozenset({"dimension", "code", "name_vi", "name_en", "thresholds", "order", "confirmed", "notes"})


def standard_is_locked(standard: PovertyStandard) -> bool:
    # Read from the database: an instance loaded before the lock was set must not let an edit through.
    return PovertyStandard.objects.filter(pk=standard.pk, locked=True).exists()


def standard_ensure_editable(standard: PovertyStandard) -> None:
    """Raise ``ValidationError`` when the standard is locked. The admin calls this before every save."""
    if standard.pk and standard_is_locked(standard):
        raise ValidationError(LOCKED_MESSAGE, code="locked", params={"standard": str(standard)})


@transaction.atomic
def standard_update(*, standard: PovertyStandard, **changes: Any) -> PovertyStandard:
    """Change the rule or legal basis of an unlocked standard (``name``, ``method``, ``year_to``, …)."""
    return _update(standard, standard, changes, _STANDARD_FIELDS)


@transaction.atomic
def income_line_update(*, line: IncomeLine, **changes: Any) -> IncomeLine:
    return _update(line.standard, line, changes, _LINE_FIELDS)


@transaction.atomic
def income_line_create(*, standard: PovertyStandard, **values: Any) -> IncomeLine:
    standard_ensure_editable(standard)
    line = IncomeLine(standard=standard, **values)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def indicator_update(*, indicator: Indicator, **changes: Any) -> Indicator:
    """Change an indicator of an unlocked standard, e.g. ``thresholds`` or its names."""
    return _update(indicator.standard, indicator, changes, _INDICATOR_FIELDS)


@transaction.atomic
def standard_row_delete(*, row: IncomeLine | Indicator | Dimension) -> None:
    standard_ensure_editable(row.standard)
    row.delete()


@transaction.atomic
def standard_lock(*, standard: PovertyStandard) -> PovertyStandard:
    """Lock a standard: called when the first review under it is approved. Locking twice is harmless."""
    PovertyStandard.objects.filter(pk=standard.pk).update(locked=True)
    standard.locked = True
    return standard


@transaction.atomic
def standard_new_version(*, standard: PovertyStandard, user=None) -> PovertyStandard:
    """Copy a standard with its lines, dimensions and indicators as the next, unlocked version.

    The new version is the one ``standard_for_year`` and ``standard_get`` return from now on.
    """
    # Locking the standard's rows serialises two administrators asking for a new version at once.
    list(PovertyStandard.objects.select_for_update().filter(code=standard.code).values_list("pk", flat=True))
    newest = PovertyStandard.objects.filter(code=standard.code).aggregate(Max("version"))["version__max"]
    source = PovertyStandard.objects.get(pk=standard.pk)
    copy = _copy(source, version=newest + 1, locked=False, based_on=source, created_by=user)
    copy.full_clean()
    copy.save()

    IncomeLine.objects.bulk_create(_copy(line, standard=copy) for line in source.income_lines.all())
    dimensions = {}
    for dimension in source.dimensions.all():
        dimensions[dimension.pk] = _copy(dimension, standard=copy)
        dimensions[dimension.pk].save()
    Indicator.objects.bulk_create(
        _copy(indicator, standard=copy, dimension=dimensions[indicator.dimension_id])
        for indicator in source.indicators.all()
    )
    return copy


def _update(standard: PovertyStandard, obj: Model, changes: dict[str, Any], allowed: frozenset[str]):
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))} here.")
    standard_ensure_editable(standard)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _copy(obj, **overrides):
    """An unsaved copy of a row with its own fields, ``overrides`` applied."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in overrides
    }
    values.pop("created_at", None)
    return type(obj)(**values, **overrides)


@dataclass(frozen=True)
class StandardsLoaded:
    added: tuple[str, ...]  # standards (versions) new to the database, as "code v<version>"
    updated: tuple[str, ...]  # unlocked standards rewritten from the file (``update=True`` only)
    kept: tuple[str, ...]  # standards already in the database and left as they are


@transaction.atomic
def standards_load(*, fixture: Path, update: bool = False) -> StandardsLoaded:
    """Load the standards of a fixture (``fixtures/standards.json``) and their rows.

    A standard (code and version) new to the database is added. One already there is left as it is — its
    lines and indicators may have been corrected through the services since — unless ``update`` is given;
    then it is rewritten from the file if it is unlocked and came from a file (an administrator's new
    version is never touched). A locked standard never changes: ``loaddata`` would write the fixture over it,
    unlocking it (the fixture says ``locked: false``) and changing what its approved reviews were decided
    under. The standards are locked for the load, so that an approval cannot lock one half-way through."""
    # Standards already in the database, each with whether it stays as it is.
    stays = {
        (code, version): locked or created_by is not None or not update
        for code, version, locked, created_by in PovertyStandard.objects.select_for_update().values_list(
            "code", "version", "locked", "created_by"
        )
    }
    added: set[str] = set()
    updated: set[str] = set()
    kept: set[str] = set()
    with fixture.open(encoding="utf-8") as stream:
        # Each standard comes before its rows in the file, so a row's standard is found once it is saved.
        for item in serializers.deserialize("json", stream):
            row = item.object
            standard = row if isinstance(row, PovertyStandard) else row.standard
            key = (standard.code, standard.version)
            name = f"{standard.code} v{standard.version}"
            if key not in stays:
                added.add(name)
            elif stays[key]:
                kept.add(name)
                continue
            else:
                updated.add(name)
            item.save()
    return StandardsLoaded(added=tuple(sorted(added)), updated=tuple(sorted(updated)), kept=tuple(sorted(kept)))
