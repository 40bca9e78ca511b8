"""Bulk inserts with PostgreSQL's COPY, for the new rows of a large import and their history rows.

The ORM's ``bulk_create`` spends most of its time preparing each value of each object; here the rows are
plain tuples, formatted a column at a time (one function per column, chosen once per field, a whole batch
per call) and streamed to ``COPY … FROM STDIN`` in PostgreSQL's text format. Columns that hold the same value
in every row (the commune, the user, the defaults) are formatted once. Primary keys are reserved first from
the table's sequence, so that members can point at their households and history rows at their objects; the
members of new households written as the file is read take theirs from the table's identity, and their
history rows are found by their households' reserved ids (``copy_with_history(history_of=…)``).

Foreign keys. Django declares them ``DEFERRABLE INITIALLY DEFERRED``: PostgreSQL queues one trigger event per
inserted row and constraint and checks each at commit with a query of its own, about 2.5 million queries for
an import of 100,000 households, a third of the import's time. Where the connection may set
``session_replication_role`` (a superuser, or a role granted ``SET`` on it) and the tables have no triggers
but those of their constraints, the COPY runs with those triggers off and the same check is made here in one
query per constraint: every value referred to must exist, and is locked ``FOR KEY SHARE`` until the commit,
as the trigger would lock it, so that no other transaction deletes it in between. A missing row raises
``IntegrityError``, as the commit would. Elsewhere the triggers do it, at commit.

Used only on PostgreSQL; other databases take ``bulk_create_with_history`` (``households.imports.writer``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, models
from django.utils import timezone

from .records import RawJSON

ROWS_PER_BATCH = 2000
# What psycopg2 reads of the stream per call, and sends. It lets the GIL go for each send and waits for it
# again after: while the import's checks run in another thread, that wait is up to the interpreter's switch
# interval (5 ms) each time: at 64 KiB the reviews' COPY (180 MB) would wait about 2,800 times; 4 MiB
# saves about 2 s of a 100,000-household import.
COPY_READ_SIZE = 1 << 22
HISTORY_IDS_PER_INSERT = 100_000
NULL = "\\N"
_BOOLEAN = {True: "t", False: "f", None: NULL}
# Formats a column of a batch: the values of one field, in row order → their text in COPY's format.
ColumnFormat = Callable[[Sequence[Any]], Sequence[str]]


def _escape(text: str) -> str:
    # str.translate is slow; most values have nothing to escape.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text_column(values: Sequence[Any]) -> Sequence[str]:
    texts = ["" if v is None else (v if v.__class__ is str else str(v)) for v in values]
    joined = "".join(texts)  # one scan of the whole column finds the rare value that needs escaping
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        texts = [_escape(t) for t in texts]
    if None in values:
        texts = [NULL if v is None else t for v, t in zip(values, texts, strict=True)]
    return texts


def _boolean_column(values: Sequence[Any]) -> Sequence[str]:
    return list(map(_BOOLEAN.__getitem__, values))


def _number_column(values: Sequence[Any]) -> Sequence[str]:
    if None in values:
        return [NULL if v is None else str(v) for v in values]
    return list(map(str, values))


def _temporal_column(values: Sequence[Any]) -> Sequence[str]:
    return [NULL if v is None else v.isoformat() for v in values]


def _json(value: Any) -> str:
    if value is None:
        return NULL
    text = value if isinstance(value, RawJSON) else json.dumps(value, ensure_ascii=False)
    # JSON text holds no tab, newline or carriage return (they are written \t, \n, \r): only a backslash
    # is COPY's to escape.
    return text.replace("\\", "\\\\") if "\\" in text else text


def _json_column(values: Sequence[Any]) -> Sequence[str]:
    # Lists of codes (causes, deprived indicators) repeat from row to row: each is written once per batch.
    texts: dict[tuple[Any, ...], str] = {}
    out = []
    for value in values:
        if value.__class__ is list:
            key = tuple(value)
            text = texts.get(key)
            if text is None:
                text = texts[key] = _json(value)
            out.append(text)
        else:
            out.append(_json(value))
    return out


def _formatter(field: models.Field) -> ColumnFormat:
    if isinstance(field, models.BooleanField):
        return _boolean_column
    if isinstance(field, models.JSONField):
        return _json_column
    if isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField
        return _temporal_column
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField | models.ForeignKey):
        return _number_column
    return _text_column


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys taken from the table's sequence (identity columns have one too)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence is looked up once: ``pg_get_serial_sequence`` in the select list would run per row.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT string_agg(nextval(%s::regclass)::text, ',') FROM generate_series(1, %s)", [sequence, count]
        )
        return [int(pk) for pk in cursor.fetchone()[0].split(",")]


def _default(field: models.Field, now: datetime.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    return None if field.null else ("" if isinstance(field, models.CharField | models.TextField) else None)


class _Stream:
    """A file-like view of text chunks for ``copy_expert``: the rows are formatted while PostgreSQL reads
    the previous ones, and no buffer of all rows is ever built. ``read(size)`` gives whole chunks, at
    least ``size`` characters of them while there are: psycopg2 sends whatever it is given, so nothing is
    cut at ``size`` and copied again."""

    def __init__(self, chunks: Iterator[str] | Iterator[bytes]):
        self.chunks = chunks

    def read(self, size: int = -1) -> str | bytes:
        parts, length = [], 0
        while size < 0 or length < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            length += len(chunk)
        if not parts:
            return ""
        return parts[0] if len(parts) == 1 else parts[0][:0].join(parts)

    def readline(self, size: int = -1) -> str | bytes:  # part of the file protocol; COPY FROM reads with ``read``
        return self.read(size)


def _integer_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of whole numbers, for ``%s::bigint[]``: psycopg2 writes a Python list as
    ``ARRAY[1, 2, …]``, which PostgreSQL parses as one expression per element (slow for 100,000)."""
    return "{" + ",".join(str(int(v)) for v in values) + "}"


class _Table:
    """The COPY of one model: the columns given per row first, then the ones that hold one value for all rows
    (formatted once, appended to every line)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], values: Mapping[str, Any]):
        now = timezone.now()
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in (*columns, *values) if name not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}.")
        self.model = model
        self.fields = [by_attname[name] for name in columns]
        self.formats = [_formatter(f) for f in self.fields]
        # A primary key not given takes the table's identity.
        self.constant_fields = [f for f in by_attname.values() if f.attname not in columns and not f.primary_key]
        self.constants = {f.attname: values.get(f.attname, _default(f, now)) for f in self.constant_fields}
        self.suffix = "".join("\t" + _formatter(f)([self.constants[f.attname]])[0] for f in self.constant_fields)
        # The values each foreign key refers to, for the check made without triggers (by attname: a history
        # table repeats them in columns of the same names).
        self.references: dict[str, set[Any]] = {}
        for f in self.fields:
            if f.many_to_one:
                self.references[f.attname] = set()
        for f in self.constant_fields:
            if f.many_to_one:
                self.references[f.attname] = {self.constants[f.attname]}

    def all_fields(self) -> list[models.Field]:
        return [*self.fields, *self.constant_fields]

    def sql(self) -> str:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.all_fields())
        return f"COPY {qn(self.model._meta.db_table)} ({columns}) FROM STDIN"

    def lines(self, rows: Iterable[Sequence[Any]], ids: list[Any], collect: str | None = None) -> Iterator[str]:
        """The rows in COPY's text format, a batch per chunk; the values of the column ``collect`` (by
        default the primary key) are collected in ``ids``."""
        collected = next(i for i, f in enumerate(self.fields) if f.attname == (collect or self.model._meta.pk.attname))
        referring = [(i, self.references[f.attname]) for i, f in enumerate(self.fields) if f.many_to_one]
        width = len(self.fields)
        rows = iter(rows)
        while batch := list(islice(rows, ROWS_PER_BATCH)):
            columns = list(zip(*batch, strict=True)) if batch else []
            if len(columns) != width:
                raise ValueError(f"A row of {self.model.__name__} has {len(columns)} values, not {width}.")
            ids.extend(columns[collected])
            for index, seen in referring:
                seen.update(columns[index])
            texts = [fmt(column) for fmt, column in zip(self.formats, columns, strict=True)]
            if self.suffix:
                texts.append([self.suffix[1:]] * len(batch))
            yield "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _copy(table: _Table, rows: Iterable[Sequence[Any]], collected: list[Any], column: str | None = None) -> list:
    """COPY ``rows`` into ``table``, the values of ``column`` (by default the primary key) collected in
    ``collected``. Returns the check of the foreign keys left to make here (none where the triggers ran)."""
    return _copy_lines(table, table.lines(rows, collected, column))


def _copy_lines(table: _Table, lines: Iterator[str] | Iterator[bytes]) -> list:
    with _constraints_checked_here([table.model]) as checked_here, connection.cursor() as cursor:
        stream = _Stream(lines)
        # psycopg2's COPY, past Django's cursor: its errors are turned into Django's (``IntegrityError`` …).
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(table.sql(), stream, size=COPY_READ_SIZE)
    return [partial(_check_references, table.model, table.references)] if checked_here else []


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    values: Mapping[str, Any] | None = None,
) -> list[Any]:
    """COPY ``rows`` (tuples of the ``columns``, ``attname``s, the primary key among them) into ``model``'s
    table; the other columns take ``values`` or the field's default. Returns the primary keys written."""
    ids: list[Any] = []
    for check in _copy(_Table(model, columns, values or {}), rows, ids):
        check()
    return ids


def copy_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    values: Mapping[str, Any] | None = None,
    user_id: int | None,
    history_type: str = "+",
    history_of: str | None = None,
    finish: bool = True,
    written_here: Mapping[str, Collection[Any]] | None = None,
) -> CopiedRows:
    """COPY new rows (as ``copy_rows``) and one django-simple-history row for each.

    The history rows are those of the rows whose primary key was written (reserved first), or, with
    ``history_of``, whose value of that column was (the members of new households, by ``household_id``;
    their ids then come from the table's identity). With ``finish=False`` the history rows and the check
    of the foreign keys (see the module's docstring) are left to the caller (``CopiedRows``): rows written
    before those they refer to (members before their households) are checked once those are there.
    ``written_here``: see ``CopiedRows.check_references``.
    """
    table = _Table(model, columns, values or {})
    copied = CopiedRows(model, table, history_of or model._meta.pk.attname, user_id, history_type)
    copied.checks.extend(_copy(table, rows, copied.selected, copied.history_of))
    if finish:
        copied.write_history()
        copied.check_references(written_here)
    return copied


@dataclass
class FormattedRows:
    """Rows in COPY's text, made ahead by ``format_rows`` (no database: in the thread that checks them),
    for ``copy_formatted`` to send."""

    table: _Table
    text: list[bytes]  # UTF-8: half the memory of text with Vietnamese letters while it waits to be sent
    ids: list[Any]  # their primary keys


def format_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    values: Mapping[str, Any] | None = None,
) -> FormattedRows:
    """``rows`` (as for ``copy_with_history``, their primary keys given) in COPY's text."""
    table = _Table(model, columns, values or {})
    ids: list[Any] = []
    return FormattedRows(table, [chunk.encode() for chunk in table.lines(rows, ids)], ids)


def copy_formatted(
    formatted: FormattedRows, *, user_id: int | None, written_here: Mapping[str, Collection[Any]] | None = None
) -> CopiedRows:
    """``copy_with_history`` of rows ``format_rows`` made: their history rows and the check of their
    foreign keys with them."""
    table = formatted.table
    copied = CopiedRows(table.model, table, table.model._meta.pk.attname, user_id, "+")
    copied.checks.extend(_copy_lines(table, iter(formatted.text)))
    copied.selected.extend(formatted.ids)
    copied.write_history()
    copied.check_references(written_here)
    return copied


class CopiedRows:
    """Rows ``copy_with_history`` wrote, and what it may leave to do: their history rows, then the check of
    the foreign keys where the triggers were off.

    A history row repeats the row's values, defaults included (a history table has no ``auto_now``), then
    the history's own columns, the same for every row. So the history rows are copied by PostgreSQL from
    the rows written (``INSERT … SELECT``): nothing is formatted or sent twice, and no text of the rows is
    kept in memory."""

    def __init__(self, model: type[models.Model], table: _Table, history_of: str, user_id: int | None, kind: str):
        self.model, self.table, self.history_of = model, table, history_of
        self.selected: list[Any] = []  # the values of ``history_of`` written
        self.history_values = {"history_date": timezone.now(), "history_type": kind, "history_user_id": user_id}
        self.checks: list[Callable[[], None]] = []

    def write_history(self) -> None:
        if not self.selected:
            return
        model, history, table = self.model, self.model.history.model, self.table
        tracked = {f.attname for f in history._meta.concrete_fields}
        given = [f for f in table.all_fields() if f.attname in tracked]  # less the fields history excludes
        if model._meta.pk not in given:
            given.insert(0, model._meta.pk)  # given by the table's identity
        own = {f.attname for f in given}
        extra = [f for f in history._meta.concrete_fields if not f.primary_key and f.attname not in own]
        qn = connection.ops.quote_name
        column_list = [qn(history._meta.get_field(f.name).column) for f in given] + [qn(f.column) for f in extra]
        selected = [f"t.{qn(f.column)}" for f in given] + ["%s"] * len(extra)
        sql = (
            f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(column_list)}) "
            f"SELECT {', '.join(selected)} FROM {qn(model._meta.db_table)} t "
            f"WHERE t.{qn(model._meta.get_field(self.history_of).column)} = ANY(%s::bigint[])"
        )
        now = self.history_values["history_date"]
        params = [self.history_values.get(f.attname, _default(f, now)) for f in extra]
        values = sorted(set(self.selected))
        with _constraints_checked_here([history]) as checked_here, connection.cursor() as cursor:
            for start in range(0, len(values), HISTORY_IDS_PER_INSERT):
                cursor.execute(sql, [*params, _integer_array(values[start : start + HISTORY_IDS_PER_INSERT])])
        self.selected = []  # written once
        if checked_here:
            references = {**table.references, **{k: {v} for k, v in self.history_values.items()}}
            self.checks.append(partial(_check_references, history, references))

    def check_references(self, written_here: Mapping[str, Collection[Any]] | None = None) -> None:
        """The check of the foreign keys left to make. ``written_here``: by column, values that refer to rows
        this transaction copied (the households of an import): they exist, and no other transaction can
        see them, let alone delete them, so they are neither looked up nor locked."""
        for check in self.checks:
            check(written_here=written_here or {})
        self.checks = []


@contextmanager
def _constraints_checked_here(models_written: Sequence[type[models.Model]]) -> Iterator[bool]:
    """Turn the triggers off for the statements inside when that is allowed and safe (see the module's
    docstring); yields whether the caller must check the foreign keys itself. The setting is put back
    afterwards; on an error the transaction's (or savepoint's) rollback puts it back."""
    if not _may_skip_triggers(models_written):
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        (before,) = cursor.fetchone()
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield True
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])


def _may_skip_triggers(models_written: Sequence[type[models.Model]]) -> bool:
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    tables = [m._meta.db_table for m in models_written]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role'), current_setting('is_superuser')")
        role, superuser = cursor.fetchone()
        if role != "origin":
            return False
        allowed = superuser == "on"
        if not allowed and connection.pg_version >= 150000:
            cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
            allowed = cursor.fetchone()[0]
        if not allowed:
            return False
        # Only the triggers of foreign keys may be skipped: any other (an audit trigger, a constraint trigger
        # added one day) must run, unless it is enabled ALWAYS and so runs anyway.
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint "
            "WHERE t.tgrelid = ANY(%s::regclass[]) AND NOT (t.tgisinternal AND c.contype IS NOT DISTINCT FROM 'f') "
            # A trigger enabled ALWAYS (the registry counts') fires under the replica role too.
            "AND t.tgenabled <> 'A'",
            [tables],
        )
        if cursor.fetchone()[0]:
            return False
        # Nor may rules, which the replica role also skips.
        cursor.execute(
            "SELECT count(*) FROM pg_rewrite WHERE ev_class = ANY(%s::regclass[]) AND rulename <> '_RETURN'", [tables]
        )
        return not cursor.fetchone()[0]


def _check_references(
    model: type[models.Model],
    references: Mapping[str, set[Any]],
    written_here: Mapping[str, Collection[Any]] | None = None,
) -> None:
    """What the foreign-key triggers of ``model``'s table would have checked, given the values written in each
    column (by attname): each value referred to exists, locked ``FOR KEY SHARE`` as the trigger locks it;
    otherwise ``IntegrityError`` with PostgreSQL's message."""
    qn = connection.ops.quote_name
    for field in model._meta.concrete_fields:
        if not (field.many_to_one and field.db_constraint):
            continue
        if field.attname not in references:
            raise ValueError(f"The values of {model.__name__}.{field.attname} were not collected.")
        wanted = references[field.attname] - {None}
        if written_here and field.attname in written_here:
            wanted = wanted.difference(written_here[field.attname])
        if not wanted:
            continue
        target = field.target_field
        table = qn(target.model._meta.db_table)
        if isinstance(target, models.IntegerField | models.AutoField):
            sql = f"SELECT {qn(target.column)} FROM {table} WHERE {qn(target.column)} = ANY(%s::bigint[]) FOR KEY SHARE"
            param: Any = _integer_array(wanted)
        else:
            sql = f"SELECT {qn(target.column)} FROM {table} WHERE {qn(target.column)} = ANY(%s) FOR KEY SHARE"
            param = list(wanted)
        with connection.cursor() as cursor:
            cursor.execute(sql, [param])
            found = {row[0] for row in cursor.fetchall()}
        missing = wanted - found
        if missing:
            value = min(missing, key=str)
            raise IntegrityError(
                f'insert or update on table "{model._meta.db_table}" violates foreign key constraint on '
                f'"{field.column}": Key ({field.column})=({value}) is not present in table '
                f'"{target.model._meta.db_table}".'
            )
