"""Parsing an import: the workbook's cells to typed records, every cell that cannot be read an error by
sheet, row and column.

Pure: ``parse_records`` reads the rows ``households.imports.reader`` gives, a column of a batch at a time,
into ``households.imports.records`` (a row with an unreadable cell is still kept, its cell at the column's
default, so that the check reports the rest of it too); nothing here knows the database or the rules across
rows, which are ``households.imports.checking``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from common.amounts import AmountError, parse_amount
from households.forms import AMOUNT_MESSAGES

from .columns import (
    AMOUNT_COLUMNS,
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_FACT_KEYS,
    SEPARATOR,
    SHEETS,
    Column,
    Kind,
    Sheet,
    choice_labels,
    choice_lookup,
)
from .reader import (
    CellError,
    ParsedWorkbook,
    SheetRows,
    parse_boolean,
    parse_choice,
    parse_choices,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_integer,
    parse_text,
    within,
)
from .records import HouseholdRecord, MemberRecord, Records, ReviewRecord, RowError

# What a household's blank cell (or one that cannot be read) stands for.
HOUSEHOLD_DEFAULTS: dict[str, Any] = {
    "code": "",
    "village": "",
    "address": "",
    "phone": "",
    "has_meritorious_person": False,
}
# Defaults of the member model for a blank cell (``households.models.Member``).
MEMBER_DEFAULTS: dict[str, Any] = {
    "national_id": "",
    "ethnicity": None,
    # A blank cell is "not recorded", never "no" (an unknown fact is not a deprivation).
    "in_school": None,
    "at_age_appropriate_level": None,
    "education": "",
    "has_health_insurance": None,
    "employment": "",
    "has_labour_capacity": True,
    "disability": "none",
    "receives_social_allowance": False,
    "sick_untreated": False,
    "malnourished": False,
}


# What a blank cell stands for, by sheet (the template says it in its notes): the column's default above, or
# nothing recorded (a fact a review needs is then named) for the others, all of the reviews sheet's.
BLANK_VALUES: dict[Sheet, Mapping[str, Any]] = {
    Sheet.HOUSEHOLDS: HOUSEHOLD_DEFAULTS,
    Sheet.MEMBERS: MEMBER_DEFAULTS,
    Sheet.REVIEWS: {},
}


def _allowed(column: Column) -> str:
    # Not commas: labels hold them ("Nước sông, suối, ao, hồ").
    return f"{SEPARATOR} ".join(choice_labels(column))


_PARSERS = {
    Kind.TEXT: parse_text,
    Kind.ID_NUMBER: parse_id_number,
    Kind.DATE: parse_date,
    Kind.INTEGER: parse_integer,
    Kind.DECIMAL: parse_decimal,
    Kind.BOOLEAN: parse_boolean,
}


def parse_income(value: Any) -> int:
    """An amount of đồng as the review form reads it (``common.amounts.parse_amount``: "1.500.000", "1,5 triệu",
    "1500k"), or a number cell; a text neither reads is refused with the form's reason and example, or as no
    number."""
    if value.__class__ is not str:
        return parse_integer(value)
    try:
        return parse_amount(value)
    except AmountError as error:
        reason = AMOUNT_MESSAGES.get(error.code)
    try:
        # What the import read before ("1500000.0"); no number at all is "“…” is not a number."
        return parse_integer(value)
    except CellError:
        if reason is None:
            raise
    raise CellError(f"“{value}”: {reason}")


# Columns read otherwise than their kind says: the income as the review form reads it.
_PARSERS_BY_KEY = dict.fromkeys(AMOUNT_COLUMNS, parse_income)
# Kinds whose cells repeat a few values over and over: each distinct cell is read once per file.
_MEMO_KINDS = frozenset({Kind.BOOLEAN, Kind.CHOICE, Kind.CHOICES, Kind.DATE})


class _Parser:
    def __init__(self):
        self.errors: list[RowError] = []
        # Household codes repeat on every member's and review's row: one string for each code.
        self.codes: dict[str, str] = {}

    def error(self, sheet: Sheet, row: int, column: Column | None, message: str) -> None:
        self.errors.append(RowError(sheet.value, row, column.label if column else "", str(message)))

    def converters(self, columns: tuple[Column, ...], rows: SheetRows) -> list[tuple[Column, int | None, Any, dict]]:
        """For each column: its position in the sheet, the function reading a cell, and a memo of read cells."""
        found = []
        for column in columns:
            if column.kind in (Kind.CHOICE, Kind.CHOICES):
                lookup, allowed = choice_lookup(column.choices), _allowed(column)
                if column.kind == Kind.CHOICE:

                    def convert(raw, lookup=lookup, allowed=allowed):
                        return parse_choice(raw, lookup, allowed)

                else:

                    def convert(raw, lookup=lookup, allowed=allowed, none=column.none):
                        return parse_choices(raw, lookup, allowed, none=none)

            else:
                convert = _PARSERS_BY_KEY.get(column.key) or _PARSERS[column.kind]
            if column.bounds is not None:

                def convert(raw, parse=convert, bounds=column.bounds):
                    return within(parse(raw), bounds)

            found.append((column, rows.columns.get(column.key), convert, {}))
        return found

    def read(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        sheet_rows: SheetRows,
        defaults: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[int, dict]]:
        """``(Excel row number, values by column key)`` of each data row of the sheet; a cell without a value
        (blank, or that cannot be read) takes its column's value in ``defaults``, else ``None``."""
        keys = [column.key for column in columns]
        for number, values in self.read_values(sheet, columns, sheet_rows, defaults):
            yield number, dict(zip(keys, values, strict=True))

    def read_values(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        sheet_rows: SheetRows,
        defaults: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """As ``read``, the values in the order of ``columns``: no dict a row (the members sheet's
        records take them as they are)."""
        converters = self.converters(columns, sheet_rows)
        defaults = [(defaults or {}).get(column.key) for column in columns]
        rows = sheet_rows.iter_rows()
        while batch := list(islice(rows, ROWS_PER_BATCH)):
            yield from zip(
                (number for number, _cells in batch), self.rows(sheet, converters, defaults, batch), strict=True
            )

    def rows(
        self, sheet: Sheet, converters, defaults: list[Any], batch: list[tuple[int, list[Any]]]
    ) -> list[tuple[Any, ...]]:
        """The values of a batch of rows, read a column at a time (the same values and errors, in the same
        order, as cell by cell: a blank cell is the default, an error for a required column, a cell that
        cannot be read is the default and its error). A column whose cells repeat (codes, choices, dates,
        villages) is read once per distinct cell, through ``memo``."""
        widths = set(map(len, (cells for _number, cells in batch)))
        # Calamine gives rows of the sheet's width: the batch is turned into columns in one step.
        grid = list(zip(*(cells for _number, cells in batch), strict=True)) if len(widths) == 1 else None
        width = min(widths)
        columns: list[list[Any]] = []
        found: list[tuple[int, int, Column, str]] = []  # (row in batch, column position, column, message)
        for position, (column, index, convert, memo) in enumerate(converters):
            if index is None:
                cells = [None] * len(batch)
            elif grid is not None and index < width:
                cells = grid[index]
            else:
                cells = [row[index] if index < len(row) else None for _number, row in batch]
            distinct = set(cells)
            if column.kind not in _MEMO_KINDS and (
                len(distinct) * 2 > len(cells) or bool in set(map(type, cells))  # not ``distinct``: True is 1 there
            ):
                # Mostly different cells (names, numbers), or True among 1s (equal as keys, read differently):
                # cell by cell.
                values = [_read_cell(raw, convert) for raw in cells]
                problems = any(value.__class__ is _Problem for value in values)
            else:
                for raw in distinct:
                    if raw not in memo:
                        memo[raw] = _read_cell(raw, convert)
                values = list(map(memo.__getitem__, cells))
                problems = any(memo[raw].__class__ is _Problem for raw in distinct)
            if problems:
                default = defaults[position]
                for i, value in enumerate(values):
                    if value.__class__ is _Problem:
                        values[i] = default
                        if value is _BLANK:
                            # A column missing from the sheet is reported once, not on every row.
                            if column.required and index is not None:
                                found.append((i, position, column, _("This column is required.")))
                        else:
                            found.append((i, position, column, str(value.error)))
            columns.append(values)
        for i, _position, column, message in sorted(found, key=lambda f: (f[0], f[1])):
            self.error(sheet, batch[i][0], column, message)
        return list(zip(*columns, strict=True))


class _Problem:
    """A cell that gives no value: blank, or that cannot be read (``error``)."""

    __slots__ = ("error",)

    def __init__(self, error: CellError | None = None):
        self.error = error


_BLANK = _Problem()
ROWS_PER_BATCH = 2000


def _read_cell(raw: Any, convert: Callable[[Any], Any]) -> Any:
    if raw is None or raw == "" or (raw.__class__ is str and not raw.strip()):
        return _BLANK
    try:
        return convert(raw)
    except CellError as error:
        return _Problem(error)


MembersRead = Callable[[Records, Iterator[list[MemberRecord]]], None]


def parse_records(
    workbook: ParsedWorkbook,
    on_members: MembersRead | None = None,
    before_members: Callable[[Records], None] | None = None,
) -> tuple[Records, list[RowError]]:
    """Typed records from the cells; a cell that cannot be read is an error and its row is still kept.

    A missing sheet or column is reported first, with the cells of every sheet that cannot be read (a
    required column missing is reported once, not on every row), so that one pass tells every problem of
    the file; the records then come back empty: the checks across rows would report little but the
    consequences of what is missing. Each sheet is let go once its rows are records; the members sheet is
    read (``SheetRows.load``) in a thread meanwhile.
    It is read last: ``before_members`` is given the records of the other two while calamine still reads
    it (the import loads its context from the database then). When those two have no error,
    ``on_members`` is given the records read so far and the member records a part at a time as they are
    read (the commit writes some meanwhile); what it leaves unread is read after it."""
    parser = _Parser()
    for sheet, rows in workbook.sheets.items():
        if not rows.found and sheet != Sheet.REVIEWS:
            parser.error(sheet, 0, None, _("The sheet “%(sheet)s” is missing.") % {"sheet": SHEETS[sheet][0]})
    header_errors = parser.errors
    parser.errors = []
    records = Records([], [], [])
    read = {Sheet.HOUSEHOLDS: _households, Sheet.REVIEWS: _reviews, Sheet.MEMBERS: _members}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
        # The members sheet (four rows a household) is read in a thread while the others become records.
        members_read = workbook.load_in_thread(Sheet.MEMBERS, pool)
        for sheet, reader in read.items():
            rows = workbook.sheets[sheet]
            if not rows.found:
                continue
            if sheet == Sheet.MEMBERS and before_members is not None and not header_errors:
                before_members(records)
            if sheet == Sheet.MEMBERS and members_read is not None:
                members_read.result()
            else:
                rows.load()
            for column in rows.missing:
                header_errors.append(RowError(sheet.value, 1, column.label, str(_("The column is missing."))))
            if sheet == Sheet.MEMBERS and on_members is not None and not parser.errors and not header_errors:
                parts = _member_parts(parser, rows, records)
                on_members(records, parts)
                for _rest in parts:
                    pass
            else:
                reader(parser, rows, records)
    if header_errors:
        return Records([], [], []), header_errors + parser.errors
    return records, parser.errors


def _households(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    households = records.households
    for number, values in parser.read(Sheet.HOUSEHOLDS, HOUSEHOLD_COLUMNS, sheet_rows, HOUSEHOLD_DEFAULTS):
        code = values.pop("code")
        code = parser.codes.setdefault(code, code)
        village = values.pop("village")
        households.append(HouseholdRecord(number, code, village, values))


def _members(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    for _part in _member_parts(parser, sheet_rows, records):
        pass


def _member_parts(parser: _Parser, sheet_rows: SheetRows, records: Records) -> Iterator[list[MemberRecord]]:
    """The members sheet's records, added to ``records`` and given a part at a time as they are read."""
    members = records.members
    defaults = {**MEMBER_DEFAULTS, "household": "", "full_name": ""}
    codes = parser.codes
    part: list[MemberRecord] = []
    for number, (code, *values) in parser.read_values(Sheet.MEMBERS, MEMBER_COLUMNS, sheet_rows, defaults):
        part.append(MemberRecord(number, codes.setdefault(code, code), values))
        if len(part) == ROWS_PER_BATCH:
            members.extend(part)
            yield part
            part = []
    members.extend(part)
    if part:
        yield part


def _reviews(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    reviews = records.reviews
    for number, values in parser.read(Sheet.REVIEWS, REVIEW_COLUMNS, sheet_rows):
        facts = {key: values[key] for key in REVIEW_FACT_KEYS if values[key] is not None}
        code = values["household"] or ""
        reviews.append(
            ReviewRecord(
                number,
                parser.codes.setdefault(code, code),
                values["year"] or 0,
                values["income_per_capita"] if values["income_per_capita"] is not None else -1,
                facts,
                values["causes"] or [],
            )
        )
