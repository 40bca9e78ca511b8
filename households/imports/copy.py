"""Bulk inserts with PostgreSQL's COPY, for the new rows of a large import and their history rows.

The ORM's ``bulk_create`` spends most of its time preparing each value of each object; here the rows are
plain dicts (``attname`` → value), each column is formatted by one function chosen once per field, and the
rows stream to ``COPY … FROM STDIN`` in PostgreSQL's text format. Primary keys are reserved first from the
table's sequence, so that members can point at their households and history rows at their objects.
Used only on PostgreSQL; other databases take ``bulk_create_with_history`` (``households.imports.writer``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .validation import RawJSON

LINES_PER_CHUNK = 500
COPY_READ_SIZE = 1 << 16
HISTORY_IDS_PER_INSERT = 100_000
NULL = "\\N"
# How each column of a COPY is filled: the row's key (an ``attname``), its formatter, the value when absent.
ColumnPlan = list[tuple[str, Callable[[Any], str], Any]]


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


class _Stream:
    """A file-like view of text chunks for ``copy_expert``: the rows are formatted while PostgreSQL reads
    the previous ones, and no buffer of all rows is ever built."""

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.pending = ""

    def read(self, size: int = -1) -> str:
        parts, length = [self.pending], len(self.pending)
        while size < 0 or length < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            length += len(chunk)
        text = "".join(parts)
        if size < 0 or len(text) <= size:
            self.pending = ""
            return text
        self.pending = text[size:]
        return text[:size]

    def readline(self, size: int = -1) -> str:  # part of the file protocol; COPY FROM reads with ``read``
        return self.read(size)


def _plan(
    model: type[models.Model], defaults: Mapping[str, Any], *, with_pk: bool
) -> tuple[Sequence[models.Field], ColumnPlan]:
    now = timezone.now()
    fields: Sequence[models.Field] = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    plan: ColumnPlan = [(f.attname, _formatter(f), defaults.get(f.attname, _default(f, now))) for f in fields]
    return fields, plan


def _copy_sql(model: type[models.Model], fields: Sequence[models.Field]) -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"


def _lines(plan: ColumnPlan, rows: Iterable[Mapping[str, Any]], sink: list[int] | None = None) -> Iterator[str]:
    """The rows in COPY's text format, a few hundred per chunk."""
    batch: list[str] = []
    for row in rows:
        batch.append("\t".join([fmt(row.get(name, default)) for name, fmt, default in plan]))
        if len(batch) == LINES_PER_CHUNK:
            batch.append("")
            if sink is not None:
                sink[0] += LINES_PER_CHUNK
            yield "\n".join(batch)
            batch = []
    if batch:
        if sink is not None:
            sink[0] += len(batch)
        batch.append("")
        yield "\n".join(batch)


def _copy(sql: str, chunks: Iterator[str]) -> None:
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, _Stream(chunks), size=COPY_READ_SIZE)  # psycopg2's cursor


def copy_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    with_pk: bool = True,
    defaults: Mapping[str, Any] | None = None,
) -> int:
    """COPY ``rows`` (``attname`` → value; missing fields take ``defaults`` or the field's default) into
    ``model``'s table."""
    fields, plan = _plan(model, defaults or {}, with_pk=with_pk)
    return copy_rows_planned(model, fields, plan, rows)


def copy_rows_planned(
    model: type[models.Model], fields: Sequence[models.Field], plan: ColumnPlan, rows: Iterable[Mapping[str, Any]]
) -> int:
    """COPY ``rows`` into ``fields`` of ``model``'s table as ``plan`` says (see ``_plan``)."""
    count = [0]
    _copy(_copy_sql(model, fields), _lines(plan, rows, count))
    return count[0]


def copy_with_history(
    model: type[models.Model],
    rows: Callable[[], Iterable[Mapping[str, Any]]],
    *,
    user_id: int | None,
    history_type: str = "+",
) -> None:
    """COPY new rows (their ``id`` already reserved) and one django-simple-history row for each.

    A history row repeats the row's values, defaults included (a history table has no ``auto_now``), then
    the history's own columns, the same for every row. So the history rows are copied by PostgreSQL from
    the rows just written (``INSERT … SELECT``): nothing is formatted or sent twice, and no text of the
    rows is kept in memory. ``rows`` is called once."""
    now = timezone.now()
    defaults = {f.attname: _default(f, now) for f in model._meta.concrete_fields}
    fields, plan = _plan(model, defaults, with_pk=True)
    ids: list[int] = []

    def keep_ids(items: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        for row in items:
            ids.append(row["id"])
            yield row

    copy_rows_planned(model, fields, plan, keep_ids(rows()))
    if not ids:
        return
    history = model.history.model
    own = {f.attname for f in fields}
    extra = [f for f in history._meta.concrete_fields if not f.primary_key and f.attname not in own]
    history_values = {"history_date": now, "history_type": history_type, "history_user_id": user_id}
    qn = connection.ops.quote_name
    columns = [qn(history._meta.get_field(f.name).column) for f in fields] + [qn(f.column) for f in extra]
    selected = [f"t.{qn(f.column)}" for f in fields] + ["%s"] * len(extra)
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {qn(model._meta.db_table)} t "
        f"JOIN unnest(%s::bigint[]) AS n(id) ON t.{qn(model._meta.pk.column)} = n.id"
    )
    params = [history_values.get(f.attname, _default(f, now)) for f in extra]
    with connection.cursor() as cursor:
        for part in range(0, len(ids), HISTORY_IDS_PER_INSERT):
            cursor.execute(sql, [*params, ids[part : part + HISTORY_IDS_PER_INSERT]])
