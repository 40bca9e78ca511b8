"""Bulk inserts with PostgreSQL's COPY, for the new rows of a large import and their history rows.

The ORM's ``bulk_create`` spends most of its time preparing each value of each object; here the rows are
plain dicts (``attname`` → value), each column is formatted by one function chosen once per field, and the
rows stream to ``COPY … FROM STDIN`` in PostgreSQL's text format. Primary keys are reserved first from the
table's sequence, so that members can point at their households and history rows at their objects.
Used only on PostgreSQL; other databases take ``bulk_create_with_history`` (``households.imports.writer``).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .validation import RawJSON

ROWS_PER_COPY = 50_000
NULL = "\\N"


def _escape(text: str) -> str:
    # str.translate is slow; most values have nothing to escape.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text(value: Any) -> str:
    if value is None:
        return NULL
    return _escape(value if value.__class__ is str else str(value))


def _boolean(value: Any) -> str:
    return NULL if value is None else ("t" if value else "f")


def _json(value: Any) -> str:
    if value is None:
        return NULL
    return _escape(value if isinstance(value, RawJSON) else json.dumps(value, ensure_ascii=False))


def _temporal(value: Any) -> str:
    return NULL if value is None else value.isoformat()


def _number(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _formatter(field: models.Field) -> Callable[[Any], str]:
    if isinstance(field, models.BooleanField):
        return _boolean
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField
        return _temporal
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField | models.ForeignKey):
        return _number
    return _text


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys taken from the table's sequence (identity columns have one too)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _default(field: models.Field, now: datetime.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    return None if field.null else ("" if isinstance(field, models.CharField | models.TextField) else None)


def copy_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    with_pk: bool = True,
    defaults: Mapping[str, Any] | None = None,
) -> int:
    """COPY ``rows`` (``attname`` → value; missing fields take ``defaults`` or the field's default) into
    ``model``'s table."""
    now = timezone.now()
    defaults = defaults or {}
    fields: Sequence[models.Field] = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    plan = [(f.attname, _formatter(f), defaults.get(f.attname, _default(f, now))) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    buffer = io.StringIO()
    pending = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's cursor, for copy_expert
        for row in rows:
            buffer.write("\t".join(fmt(row.get(name, default)) for name, fmt, default in plan))
            buffer.write("\n")
            pending += 1
            if pending == ROWS_PER_COPY:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                count += pending
                buffer, pending = io.StringIO(), 0
        if pending:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            count += pending
    return count


def copy_with_history(
    model: type[models.Model],
    rows: Callable[[], Iterable[Mapping[str, Any]]],
    *,
    user_id: int | None,
    history_type: str = "+",
) -> None:
    """COPY new rows (their ``id`` already reserved) and one django-simple-history row for each.

    ``rows`` is called twice (rows, then history rows), so that no list of all rows is kept. A history row
    repeats the row's values, defaults included (a history table has no ``auto_now``)."""
    now = timezone.now()
    defaults = {f.attname: _default(f, now) for f in model._meta.concrete_fields}
    copy_rows(model, rows(), defaults=defaults)
    history = model.history.model
    defaults |= {"history_date": now, "history_type": history_type, "history_user_id": user_id}
    copy_rows(history, rows(), with_pk=False, defaults=defaults)
