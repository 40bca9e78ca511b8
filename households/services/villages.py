"""Villages (thôn, bản, tổ dân phố): created, renamed, merged and closed by the province and the commune.

Villages are in no package (domain.md §1): the commune keeps their list. Each change is dated and kept in
the units' history; households follow their village when villages merge (``households_follow``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.access import check_can_edit_unit
from households.models import (
    AdministrativeUnit,
    Household,
    HouseholdReview,
    HouseholdStatus,
    Member,
    StatisticSource,
    UnitLevel,
    UnitSuccession,
    UnitType,
)
from households.provinces import provinces_of

if TYPE_CHECKING:
    from accounts.models import User

VILLAGE_TYPES = (UnitType.THON, UnitType.BAN, UnitType.TO_DAN_PHO)
# Moves go to the database this many villages at a time (four parameters each: SQLite takes 32,766).
_MOVE_CHUNK = 2_000


def _check_commune(commune: AdministrativeUnit, on: datetime.date) -> None:
    if commune.level != UnitLevel.COMMUNE:
        raise ValidationError({"commune": _("Choose a commune.")})
    if not commune.is_valid_on(on):
        raise ValidationError(
            {
                "valid_from": _("%(commune)s was not in force on %(date)s.")
                % {"commune": commune.name, "date": on.strftime("%d/%m/%Y")}
            }
        )


def _check_name_free(commune: AdministrativeUnit, name: str, on: datetime.date, *, exclude: Sequence[int] = ()) -> None:
    taken = (
        AdministrativeUnit.objects.valid_on(on)
        .filter(parent=commune, level=UnitLevel.VILLAGE, name__iexact=name.strip())
        .exclude(pk__in=exclude)
    )
    if taken.exists():
        raise ValidationError(
            {
                "name": _("%(commune)s already has a village named %(name)s.")
                % {"commune": commune.name, "name": name.strip()}
            }
        )


def _save(village: AdministrativeUnit, user: User | None) -> AdministrativeUnit:
    village.full_clean()
    village._history_user = user
    village.save()
    return village


@transaction.atomic
def village_create(
    *,
    commune: AdministrativeUnit,
    name: str,
    unit_type: str,
    code: str = "",
    valid_from: datetime.date | None = None,
    user: User | None = None,
) -> AdministrativeUnit:
    """A village under a commune, in force from ``valid_from`` (by default as long as the commune is).

    ``user`` is checked when given; the demo and the carry-over (which checked the user already) pass none.
    """
    if user is not None:
        check_can_edit_unit(user, commune)
    start = valid_from or commune.valid_from
    _check_commune(commune, start or commune.valid_to or timezone.localdate())
    if unit_type not in VILLAGE_TYPES:
        raise ValidationError({"unit_type": _("A village is a thôn, a bản or a tổ dân phố.")})
    if not name.strip():
        raise ValidationError({"name": _("Enter the village's name.")})
    _check_name_free(commune, name, start or commune.valid_to or timezone.localdate())
    village = AdministrativeUnit(
        code=code,
        name=name.strip(),
        short_name=name.strip(),
        level=UnitLevel.VILLAGE,
        unit_type=unit_type,
        parent=commune,
        valid_from=start,
        valid_to=commune.valid_to,
        is_urban=commune.is_urban,
    )
    return _save(village, user)


@transaction.atomic
def village_rename(
    *, user: User, village: AdministrativeUnit, name: str, unit_type: str | None = None
) -> AdministrativeUnit:
    """A new name (and kind) for a village; the history keeps the old one, with who and when."""
    _check_village(user, village)
    if not name.strip():
        raise ValidationError({"name": _("Enter the village's name.")})
    on = village.valid_to or timezone.localdate()
    _check_name_free(village.parent, name, on, exclude=[village.pk])
    village.name = village.short_name = name.strip()
    if unit_type is not None:
        if unit_type not in VILLAGE_TYPES:
            raise ValidationError({"unit_type": _("A village is a thôn, a bản or a tổ dân phố.")})
        village.unit_type = unit_type
    return _save(village, user)


def _check_village(user: User, village: AdministrativeUnit) -> None:
    if village.level != UnitLevel.VILLAGE:
        raise ValidationError({"village": _("Choose a village.")})
    check_can_edit_unit(user, village)


def _check_open_on(village: AdministrativeUnit, on: datetime.date) -> None:
    if not village.is_valid_on(on):
        raise ValidationError(
            {
                "on": _("%(village)s is not in force on %(date)s.")
                % {"village": village.name, "date": on.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def village_close(*, user: User, village: AdministrativeUnit, last_day: datetime.date) -> AdministrativeUnit:
    """End a village on ``last_day``. Refused while households still live in it: move or merge them first."""
    _check_village(user, village)
    _check_open_on(village, last_day)
    living = Household.objects.filter(village=village, status=HouseholdStatus.ACTIVE).count()
    if living:
        raise ValidationError(
            {
                "on": _("%(count)s households still live in %(village)s: merge the village into another instead.")
                % {"count": living, "village": village.name}
            }
        )
    village.valid_to = last_day
    return _save(village, user)


@transaction.atomic
def village_merge(
    *,
    user: User,
    villages: Sequence[AdministrativeUnit],
    name: str,
    unit_type: str,
    on: datetime.date,
    decision: str,
) -> AdministrativeUnit:
    """Merge villages of one commune into a new village in force from ``on``; their households follow it.

    The merged villages end the day before; each is linked to the new one (``UnitSuccession``), and each
    household moved has a history entry naming ``decision``.
    """
    if len(villages) < 2:
        raise ValidationError({"villages": _("Choose at least two villages to merge.")})
    communes = {v.parent_id for v in villages}
    if len(communes) != 1:
        raise ValidationError({"villages": _("Only villages of the same commune can be merged.")})
    if not decision.strip():
        raise ValidationError({"decision": _("Name the decision the merger rests on.")})
    for village in villages:
        _check_village(user, village)
        _check_open_on(village, on)
        if village.valid_from and village.valid_from >= on:
            raise ValidationError({"on": _("%(village)s only starts on that day.") % {"village": village.name}})
    commune = villages[0].parent
    _check_name_free(commune, name, on, exclude=[v.pk for v in villages])
    merged = village_create(commune=commune, name=name, unit_type=unit_type, valid_from=on, user=user)
    merged.valid_to = None if commune.valid_to is None else commune.valid_to
    for village in villages:
        village.valid_to = on - datetime.timedelta(days=1)
        _save(village, user)
    UnitSuccession.objects.bulk_create(
        [UnitSuccession(predecessor=v, successor=merged, effective_on=on, is_split=False) for v in villages]
    )
    households_follow(
        moves={v.pk: (merged.pk, commune.pk) for v in villages},
        user=user,
        reason=_("Villages merged: %(decision)s") % {"decision": decision.strip()},
    )
    return merged


def households_follow(*, moves: dict[int, tuple[int, int]], user: User | None, reason: str) -> int:
    """Move the households of each village in ``moves`` (old village → (new village, its commune)).

    One history entry per household (who, when, ``reason``), written by the database from the rows it
    moves: the carry-over of a province moves a million households, which one ``save()`` each (or
    simple-history's bulk helpers, which build every row in Python) would take many minutes to write.
    Household codes stay; reviews keep the unit they were made on. Returns the number moved.

    A household moved to a commune of another province (the carry-over of Bắc Kạn into Thái Nguyên) takes the
    new province, the sharding key, and its members, reviews and statistic sources with it: they live on its shard.
    """
    history = Household.history.model
    moved_columns = ("commune_id", "village_id", "province_id", "version")
    copied = [
        f.column
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and f.column not in moved_columns
    ]
    columns = ", ".join(connection.ops.quote_name(c) for c in [*copied, *moved_columns])
    selected = ", ".join(f"h.{connection.ops.quote_name(c)}" for c in copied)
    household_table = connection.ops.quote_name(Household._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    reason = reason[: history._meta.get_field("history_change_reason").max_length]
    provinces = provinces_of(commune for _village, commune in moves.values())
    moved = 0
    items = list(moves.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), _MOVE_CHUNK):
            chunk = items[start : start + _MOVE_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [p for old, (new, commune) in chunk for p in (old, new, commune, provinces[commune])]
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({columns}, history_date, "
                "history_change_reason, history_type, history_user_id) "
                f"SELECT {selected}, m.column3, m.column2, m.column4, h.version + 1, %s, %s, '~', %s "
                f"FROM {household_table} h JOIN (VALUES {values}) AS m ON h.village_id = m.column1",
                [now, reason, user.pk if user else None, *params],
            )
            cursor.execute(
                f"UPDATE {household_table} SET village_id = m.column2, commune_id = m.column3, "
                "province_id = m.column4, version = version + 1 "
                f"FROM (VALUES {values}) AS m WHERE {household_table}.village_id = m.column1",
                params,
            )
            moved += cursor.rowcount
    households_province_follow(villages=[new for new, _commune in moves.values()])
    return moved


def households_province_follow(*, villages: Sequence[int]) -> None:
    """Give the members, reviews and statistic sources of the households of ``villages`` their household's
    province where it changed: a household's rows live on its shard (``households.sharding``). One set-based
    ``UPDATE … FROM`` a table and chunk (PostgreSQL, and SQLite since 3.33): the carry-over of a province moves the
    rows of a million households, every one of them, since a legacy province and its successor are two units."""
    household_table = connection.ops.quote_name(Household._meta.db_table)
    villages = sorted(set(villages))
    with connection.cursor() as cursor:
        for model in (Member, HouseholdReview, StatisticSource):
            table = connection.ops.quote_name(model._meta.db_table)
            for start in range(0, len(villages), _MOVE_CHUNK):
                chunk = villages[start : start + _MOVE_CHUNK]
                cursor.execute(
                    f"UPDATE {table} SET province_id = h.province_id FROM {household_table} h "
                    f"WHERE h.id = {table}.household_id AND {table}.province_id <> h.province_id "
                    f"AND h.village_id IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
