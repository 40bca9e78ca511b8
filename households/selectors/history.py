"""What changed in a household and its members, and who changed it: ``household_history``.

django-simple-history keeps a full copy of the row at each save; a reader wants the difference. Each record is
compared with the one before it of the same row: one line per field that changed, under the field's name, the
old and the new value as the page shows them (a choice by its label, a unit or an ethnicity by its name, a date
day first, a number grouped as the reader's language writes it), all in the reader's language.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from households.models import Household, Member

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User

# Rows shown on the household's page, newest first; each list of records read is one more than it shows, so
# that the oldest shown still has the record it is compared with.
LIMIT = 50
# A household's save writes every member again (most records change nothing): more are read than shown.
MEMBER_RECORDS = 500
# Kept for the application, not entered: a change of them alone is no change to the reader.
NOT_SHOWN = {"id", "version", "created_at", "created_by", "search_text", "household"}
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    field: str  # the field's name in the reader's language
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    when: datetime.datetime
    who: str
    what: str  # "Changed household", "Added member Hoàng Thị Mai", in the reader's language
    changes: tuple[Change, ...]
    reason: str = ""  # why, where the writer said it (an offline sync, a conflict resolved), as written


def household_history(*, user: User, household: Household, limit: int = LIMIT) -> list[HistoryRow]:
    """The household's and its members' changes, newest first (at most ``limit``).

    Two queries whatever the number of records: the household's records and its members', each with the user
    who saved it and the rows their foreign keys name (village, commune, ethnicity)."""
    visible = visible_unit_ids(user)
    if visible is not None and household.village_id not in visible:
        raise PermissionDenied
    records = list(
        household.history.select_related("history_user", "village", "commune", "head_ethnicity").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    rows = _rows(Household, records, complete=len(records) <= limit, subject=lambda record: None)
    member_records = list(
        Member.history.filter(household_id=household.pk)
        .select_related("history_user", "ethnicity")
        .order_by("-history_date", "-history_id")[:MEMBER_RECORDS]
    )
    by_member: dict[int, list[Any]] = defaultdict(list)
    for record in member_records:
        by_member[record.id].append(record)
    complete = len(member_records) < MEMBER_RECORDS
    for records_of_one in by_member.values():
        rows.extend(_rows(Member, records_of_one, complete=complete, subject=lambda record: record.full_name))
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


def _rows(
    model: type[models.Model], records: Sequence[Any], *, complete: bool, subject: Callable[[Any], str | None]
) -> list[HistoryRow]:
    """The rows of one row's ``records`` (newest first). The oldest is compared with nothing: shown when it is
    the row's creation, left out when an older record was not read (``complete`` false)."""
    fields = _shown_fields(model)
    rows = []
    for index, record in enumerate(records):
        before = records[index + 1] if index + 1 < len(records) else None
        kind = record.history_type
        if kind == "~":
            if before is None:
                if not complete:
                    continue
                changes: tuple[Change, ...] = ()
            else:
                changes = tuple(record_changes(fields, before, record))
                if not changes:
                    continue
        else:
            changes = ()
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=str(record.history_user) if record.history_user_id else EMPTY,
                what=_what(model, kind, subject(record)),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return rows


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name not in NOT_SHOWN]


def record_changes(fields: Iterable[models.Field], before: Any, after: Any) -> list[Change]:
    """One ``Change`` per field whose value differs between two records (or rows) of the same model."""
    changes = []
    for field in fields:
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if old != new:
            changes.append(
                Change(str(capfirst(field.verbose_name)), value_text(field, before), value_text(field, after))
            )
    return changes


def value_text(field: models.Field, record: Any) -> str:
    """A field's value as the page shows it, in the reader's language."""
    value = getattr(record, field.attname)
    if value is None or value == "":
        if isinstance(field, models.BooleanField):
            return _("Not recorded")
        return EMPTY
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(value, (int, Decimal, float)):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _what(model: type[models.Model], kind: str, name: str | None) -> str:
    if model is Household:
        return {
            "+": _("Household registered"),
            "~": _("Household changed"),
            "-": _("Household deleted"),
        }[kind]
    values = {"name": name or EMPTY}
    return {
        "+": _("Member %(name)s added"),
        "~": _("Member %(name)s changed"),
        "-": _("Member %(name)s removed"),
    }[kind] % values
