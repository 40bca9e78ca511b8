"""The uploaded workbook given back with its errors written next to the cells at fault, for the clerk to
correct in Excel and upload again.

Pure: the file's bytes and the check's errors (``records.RowError``: sheet, row, column header) in, a workbook
out. Each import sheet keeps its rows and cells where they were, with a column "Lỗi" after the last one that
lists the row's errors; each cell at fault is filled in red and carries its errors as a comment. A first
sheet "Lỗi" lists every error with a link to its cell, and those of no cell (a missing sheet or column).
The other sheets keep their values; the drop-down lists are those of the template (``template``).

The sheets are read by calamine and written by openpyxl row by row (write-only), so that the memory stays
bounded whatever the size: values are kept, the clerk's own formatting is not (the template's is put back).
A workbook given back this way imports as any other: the reader skips the column "Lỗi"
(``reader.ERRORS_HEADERS``).
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from .columns import SHEETS, Column, Sheet, normalize
from .reader import ERRORS_HEADER, ParsedWorkbook, SheetRows, header_lookup, open_workbook, read_workbook
from .records import RowError
from .template import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    LISTS_SHEET,
    NOTE_AUTHOR,
    SUBHEADER_FILL,
    SUBHEADER_FONT,
    drop_down_lists,
    list_validation,
)

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
ERRORS_HEADER_FILL = PatternFill("solid", fgColor="C00000")
ERRORS_HEADER_EN = "Errors"
SUMMARY_SHEET = "Lỗi"
ERRORS_WIDTH = 60
# Rows given a drop-down list below the last row of data, for rows the clerk adds.
ROWS_TO_ADD = 1000
PROGRESS_EVERY = 2000  # rows


def annotated_workbook(
    source: bytes,
    errors: Iterable[RowError],
    lists: Mapping[str, Sequence[str]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> bytes:
    """``source`` (an import workbook) with ``errors`` written next to their cells; ``lists``: the villages
    and ethnicities of the drop-down lists (``template.drop_down_lists``); ``progress`` is given the share of
    the rows written now and then (writing a large workbook takes a while)."""
    errors = list(errors)
    workbook = read_workbook(source)
    by_title = {rows.title: rows for rows in workbook.sheets.values() if rows.found}
    found = _Errors(errors, workbook)
    total = sum(rows.source.height for rows in by_title.values() if rows.source is not None) or 1
    written = 0

    def row_written() -> None:
        nonlocal written
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written / total)

    output = Workbook(write_only=True)
    _summary(output, errors, found)
    list_columns, ranges = drop_down_lists(lists)
    other = open_workbook(source)  # the sheets the import does not read
    for name in other.sheet_names:
        rows = by_title.get(name)
        if rows is not None:
            _import_sheet(output, rows, found, ranges, row_written)
        elif normalize(name) not in (normalize(LISTS_SHEET), normalize(SUMMARY_SHEET)):
            _values_sheet(output, other, name)
    _lists_sheet(output, list_columns)
    buffer = io.BytesIO()
    output.save(buffer)
    return buffer.getvalue()


class _Errors:
    """The errors by sheet and row, each with the column it is in (None: the row's), and the position of
    each column in each sheet."""

    def __init__(self, errors: list[RowError], workbook: ParsedWorkbook):
        self.by_row: dict[tuple[str, int], list[tuple[Column | None, str]]] = defaultdict(list)
        self.positions: dict[str, dict[str, int]] = {}  # sheet → column key → Excel column (1-based)
        self.titles: dict[str, str] = {}  # sheet → its title in the file
        self.headers = {sheet.value: header_lookup(columns) for sheet, (_vi, _en, columns) in SHEETS.items()}
        for sheet, rows in workbook.sheets.items():
            if rows.found:
                rows.load()
                offset = _offset(rows)
                self.positions[sheet.value] = {key: index + offset + 1 for key, index in rows.columns.items()}
                self.titles[sheet.value] = rows.title
        for error in errors:
            if error.sheet:
                self.by_row[(error.sheet, error.row)].append((self.column(error), error.message))

    def column(self, error: RowError) -> Column | None:
        """The column ``error`` names (by its header in either language), None for the whole row."""
        return self.headers[error.sheet].get(normalize(error.column)) if error.column else None

    def cell(self, error: RowError) -> str | None:
        """The cell ``error`` is about, as a reference to it ("'Hộ gia đình'!B4"), if it is on a row; its row's
        first cell for an error of the whole row or of a column the sheet lacks."""
        if not error.sheet or error.row < 1 or error.sheet not in self.positions:
            return None
        column = self.column(error)
        position = self.positions[error.sheet].get(column.key) if column is not None else None
        return f"{quote_sheetname(self.titles[error.sheet])}!{get_column_letter(position or 1)}{error.row}"


def _offset(rows: SheetRows) -> int:
    """Calamine gives a sheet's rows from its first column holding data: the columns before it."""
    start = rows.source.start if rows.source is not None else None
    return start[1] if start else 0


def _summary(output: Workbook, errors: list[RowError], found: _Errors) -> None:
    sheet = output.create_sheet(SUMMARY_SHEET)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (16, 8, 30, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for text in ("Sheet", "Dòng / Row", "Cột / Column", "Lỗi / Error"):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for error in errors:
        title = SHEETS[Sheet(error.sheet)][0] if error.sheet else ""
        where = found.cell(error)
        row_cell = WriteOnlyCell(sheet, value=error.row or None)
        if where is not None:
            row_cell.hyperlink = Hyperlink(ref="", location=where)
            row_cell.font = Font(color="0563C1", underline="single")
        sheet.append([title, row_cell, error.column or None, _text(error.message)])


def _import_sheet(
    output: Workbook, rows: SheetRows, found: _Errors, ranges: Mapping[str, str], row_written: Callable[[], None]
) -> None:
    sheet_key = rows.sheet.value
    columns = {c.key: c for c in SHEETS[rows.sheet][2]}
    positions = found.positions.get(sheet_key, {})
    source = rows.source
    offset = _offset(rows)
    width = offset + (source.width if source is not None else 0)
    errors_at = rows.errors_column + offset if rows.errors_column is not None else width  # 0-based
    sheet = output.create_sheet(rows.title)
    by_position = {position - 1: columns[key] for key, position in positions.items()}
    for index, column in by_position.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sheet.column_dimensions[get_column_letter(errors_at + 1)].width = ERRORS_WIDTH
    header_row, first_data_row = rows.header_row, rows.first_data_row
    if header_row:
        sheet.freeze_panes = f"B{first_data_row}"
    last = 0
    for number, cells in enumerate(source.iter_rows() if source is not None else (), start=1):
        last = number
        values: list[Any] = [None] * offset + [_value(v) for v in cells]
        if len(values) <= errors_at:
            values.extend([None] * (errors_at + 1 - len(values)))
        else:
            values[errors_at] = None  # an earlier check's errors: written anew
        styles: dict[int, Styling] = {}
        if number == header_row or header_row < number < first_data_row:
            styles = _header(values, by_position, errors_at, english=number != header_row)
        elif number >= first_data_row and (problems := found.by_row.get((sheet_key, number))):
            styles = _marks(values, problems, positions, errors_at)
        sheet.append(_cells(sheet, values, styles))
        row_written()
    end = max(last, first_data_row) + ROWS_TO_ADD
    for key, position in positions.items():
        if key in ranges:
            validation = list_validation(columns[key], ranges[key])
            letter = get_column_letter(position)
            validation.add(f"{letter}{first_data_row}:{letter}{end}")
            sheet.data_validations.append(validation)


Styling = Callable[[Any], None]  # sets a cell's style (``WriteOnlyCell``)


def _cells(sheet, values: list[Any], styles: Mapping[int, Styling]) -> list[Any]:
    """The row as openpyxl writes it: plain values, and a cell where one needs a style, a date's format or to
    stay text (a value starting with "=" is what the clerk typed, never a formula)."""
    row = []
    for index, value in enumerate(values):
        style = styles.get(index)
        kind = value.__class__
        if style is None and kind not in _DATES and not (kind is str and value.startswith("=")):
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if kind in _DATES:
            cell.number_format = DATE_FORMAT
        elif kind is str and value.startswith("="):
            cell.data_type = "s"
        if style is not None:
            style(cell)
        row.append(cell)
    return row


_DATES = frozenset({datetime.date, datetime.datetime})


def _header(
    values: list[Any], by_position: Mapping[int, Column], errors_at: int, *, english: bool
) -> dict[int, Styling]:
    """A header row styled as the template's, and the header of the column of errors."""
    font, fill = (SUBHEADER_FONT, SUBHEADER_FILL) if english else (HEADER_FONT, HEADER_FILL)

    def header(cell) -> None:
        cell.font, cell.fill = font, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    def errors_header(cell) -> None:
        cell.font, cell.fill = (ERROR_FONT, ERROR_FILL) if english else (HEADER_FONT, ERRORS_HEADER_FILL)

    values[errors_at] = ERRORS_HEADER_EN if english else ERRORS_HEADER
    styles: dict[int, Styling] = {index: header for index in by_position if index < len(values)}
    styles[errors_at] = errors_header
    return styles


def _marks(
    values: list[Any], problems: list[tuple[Column | None, str]], positions: Mapping[str, int], errors_at: int
) -> dict[int, Styling]:
    """The row's errors in its column "Lỗi", and each cell at fault filled and given its errors as a comment."""
    at_cell: dict[int, list[str]] = defaultdict(list)
    lines = []
    for column, message in problems:
        position = positions.get(column.key) if column is not None else None
        if position is not None:
            at_cell[position - 1].append(message)
        lines.append(f"{column.header_vi}: {message}" if column is not None else message)
    values[errors_at] = _text("\n".join(lines))

    def marked(messages: list[str]) -> Styling:
        def mark(cell) -> None:
            cell.fill = ERROR_FILL
            cell.comment = Comment(_text("\n".join(messages)), NOTE_AUTHOR, width=300, height=110)

        return mark

    def note(cell) -> None:
        cell.font = ERROR_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    styles = {index: marked(messages) for index, messages in at_cell.items()}
    styles[errors_at] = note
    return styles


def _value(value: Any) -> Any:
    """A cell as calamine gives it, as openpyxl writes it back: whole numbers as such, no empty strings."""
    if value == "" or value is None:
        return None
    if value.__class__ is float and value.is_integer():
        return int(value)
    if value.__class__ is str:
        return _text(value)
    return value


def _text(text: str) -> str:
    # Control characters cannot be stored in a worksheet.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _values_sheet(output: Workbook, workbook, name: str) -> None:
    """Another sheet of the clerk's (the instructions, notes of their own): its values, where they were."""
    rows = workbook.get_sheet_by_name(name)
    sheet = output.create_sheet(name)
    offset = (rows.start or (0, 0))[1]
    for cells in rows.iter_rows():
        sheet.append([None] * offset + [_value(v) for v in cells])


def _lists_sheet(output: Workbook, lists: list[tuple[str, list[str]]]) -> None:
    sheet = output.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    height = max((len(labels) for _header, labels in lists), default=0) + 1
    for row in range(height):
        sheet.append([([header, *labels][row] if row <= len(labels) else None) for header, labels in lists])
