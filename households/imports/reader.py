"""Reading an import workbook with python-calamine: sheets and headers found leniently, cells to Python values.

Pure: bytes or a path in, plain rows out; nothing here touches the database. Cell values are parsed by the
functions below, which raise ``CellError`` with a message for the user; ``parsing`` collects them.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from households.bounds import Bounds
from households.registry_rules import normalize_citizen_id

from .columns import NONE_KEYS, NONE_LABEL, NONE_OF, SEPARATOR, SHEETS, Column, Sheet, normalize
from .sheet_chunks import Chunk, SheetChunks, sheet_chunks

# Excel's day 0 (serial dates count from 30 December 1899, with the 1900 leap-year bug absorbed).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
YES = frozenset({"co", "x", "1", "true", "yes", "y", "dung"})
NO = frozenset({"khong", "khongco", "0", "false", "no", "n", "sai"})


# The header of the column of errors ``annotate`` adds to a workbook it gives back ("Lỗi" / "Errors").
ERRORS_HEADER = "Lỗi"
ERRORS_HEADERS = frozenset({"loi", "errors"})


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is for the user."""


class WorkbookError(ValueError):
    """A file that is not a readable workbook."""


@dataclass
class SheetRows:
    """One sheet, read when ``load`` is called: calamine then holds every cell of it. ``columns`` are the
    positions of the known columns; ``iter_rows`` streams the data rows as ``(Excel row number, cells)``, one
    at a time and only once, and lets the sheet go at the end, so a large file is never held as Python objects
    all at once. The members sheet is read in a thread while the other two become records
    (``ParsedWorkbook.load_in_thread``), so it and one of them are held together: 928–943 MiB at the peak of an
    import of 100,000 households, as when they were read one after the other."""

    sheet: Sheet
    title: str
    columns: dict[str, int] = field(default_factory=dict)
    missing: list[Column] = field(default_factory=list)
    found: bool = True
    source: Any = None  # the calamine sheet, once loaded
    header_row: int = 0  # Excel row number of the (first) header row
    first_data_row: int = 0  # Excel row number of the first row after the header rows
    count: int = 0  # data rows seen so far
    workbook: Any = None  # the calamine workbook, until the sheet is loaded
    # The position of the column of errors of a workbook given back annotated (``annotate``), if it has one:
    # a row holding nothing else is no row of data.
    errors_column: int | None = None
    # A large sheet read a part at a time (``sheet_chunks``), instead of whole through ``workbook``.
    chunks: SheetChunks | None = None

    def load(self) -> None:
        """Read the sheet and its headers (``columns``, ``missing``); nothing for a sheet that is absent. A
        sheet read a part at a time reads its first part here, the others as its rows are used."""
        if self.chunks is not None:
            chunks, self.chunks, self.workbook = self.chunks, None, None
            _read_sheet(self, _ChunkedSource(chunks.chunks()))
            return
        if self.workbook is None:
            return
        _read_sheet(self, self.workbook.get_sheet_by_name(self.title))
        self.workbook = None

    def release(self) -> None:
        """Let the sheet go without reading its rows."""
        if isinstance(self.source, _ChunkedSource):
            self.source.close()
        self.source = self.workbook = self.chunks = None

    def iter_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The data rows, once: the calamine sheet is let go at the end, so that the records checked and
        written next do not share the memory with it."""
        self.load()
        if self.source is None:
            return
        skip = self.errors_column
        numbered = (
            self.source.numbered()
            if isinstance(self.source, _ChunkedSource)
            else enumerate(self.source.iter_rows(), start=1)
        )
        for number, cells in numbered:
            if number < self.first_data_row:
                continue
            for index, value in enumerate(cells):
                if value is not None and value != "" and index != skip:
                    self.count += 1
                    yield number, cells
                    break
        self.source = None


class _ChunkedSource:
    """A sheet read a part at a time, seen as a calamine sheet by ``_read_sheet`` (its rows from the first, for
    the headers: the parts it looks into are kept) and by ``SheetRows.iter_rows`` (every row, numbered)."""

    def __init__(self, chunks: Iterator[Chunk]):
        self.chunks = chunks
        self.read: list[Chunk] = []  # taken from ``chunks`` and not yet given by ``numbered``
        first = next(chunks, None)
        if first is not None:
            self.read.append(first)

    def iter_rows(self) -> Iterator[list[Any]]:
        """The rows from the first, padded as calamine pads them (from row 1)."""
        number, index = 1, 0
        while True:
            if index == len(self.read):
                chunk = next(self.chunks, None)
                if chunk is None:
                    return
                self.read.append(chunk)
            chunk = self.read[index]
            while number < chunk.first:
                yield []
                number += 1
            for row in chunk.rows:
                yield row
                number += 1
            index += 1

    def numbered(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            while True:
                chunk = self.read.pop(0) if self.read else next(self.chunks, None)
                if chunk is None:
                    return
                yield from zip(range(chunk.first, chunk.first + len(chunk.rows)), chunk.rows, strict=True)
                chunk = None  # let the part go before the next is read
        finally:
            self.close()

    def close(self) -> None:
        self.read = []
        self.chunks.close()


@dataclass
class ParsedWorkbook:
    sheets: dict[Sheet, SheetRows]
    reopen: Callable[[], CalamineWorkbook] | None = None  # the file opened again, for a sheet read in a thread

    def load_in_thread(self, sheet: Sheet, pool: Executor) -> Future[None] | None:
        """Start reading ``sheet`` in ``pool``'s thread, from a workbook of its own (one calamine workbook
        reads one sheet at a time). Calamine parses the sheet's XML without holding the GIL, so this thread
        meanwhile turns the other sheets into records: the largest sheet does not wait for them."""
        rows = self.sheets.get(sheet)
        if rows is None or (rows.workbook is None and rows.chunks is None) or self.reopen is None:
            return None
        if rows.chunks is None:
            rows.workbook = self.reopen()
        return pool.submit(rows.load)

    @property
    def row_count(self) -> int:
        """Data rows read so far (all of them once the sheets were iterated)."""
        return sum(s.count for s in self.sheets.values())


def open_workbook(source: str | Path | bytes | IO[bytes]) -> CalamineWorkbook:
    try:
        if isinstance(source, str | Path):
            return CalamineWorkbook.from_path(str(source))
        if isinstance(source, bytes):
            return CalamineWorkbook.from_filelike(io.BytesIO(source))
        return CalamineWorkbook.from_filelike(source)
    except (CalamineError, OSError, ValueError) as error:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error}) from None


def header_lookup(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Each column by its normalised headers (Vietnamese, English) and key."""
    lookup = {}
    for column in columns:
        for name in (column.header_vi, column.header_en, column.key):
            lookup.setdefault(normalize(name), column)
    return lookup


def sheet_lookup() -> dict[str, Sheet]:
    lookup = {}
    for sheet, (title_vi, title_en, _columns) in SHEETS.items():
        for name in (title_vi, title_en, sheet.value):
            lookup[normalize(name)] = sheet
    return lookup


def read_workbook(source: str | Path | bytes | IO[bytes], *, in_parts: bool = False) -> ParsedWorkbook:
    """The three sheets of an import workbook, each read when its ``load`` is called. A sheet that is absent
    comes back with ``found=False``. ``in_parts``: a large sheet is read a part at a time (``sheet_chunks``),
    never whole; its rows are then read once only."""
    if not isinstance(source, str | Path | bytes):
        source = source.read()  # a file-like object is read once, so that the workbook can be opened again
    workbook = open_workbook(source)
    by_name = sheet_lookup()
    sheets: dict[Sheet, SheetRows] = {}
    for name in workbook.sheet_names:
        sheet = by_name.get(normalize(name))
        if sheet is None or sheet in sheets:
            continue
        chunks = sheet_chunks(source, name) if in_parts else None
        sheets[sheet] = SheetRows(sheet, name, workbook=workbook, chunks=chunks)
    for sheet, (title_vi, _title_en, _columns) in SHEETS.items():
        if sheet not in sheets:
            sheets[sheet] = SheetRows(sheet, title_vi, found=False)
    return ParsedWorkbook(sheets, reopen=partial(open_workbook, source))


def _read_sheet(result: SheetRows, source) -> None:
    columns = SHEETS[result.sheet][2]
    lookup = header_lookup(columns)
    result.source = source
    header: list[Any] | None = None
    second: list[Any] | None = None
    for number, cells in enumerate(source.iter_rows(), start=1):
        if header is None:
            if any(v not in (None, "") for v in cells):
                header, result.header_row, result.first_data_row = cells, number, number + 1
            continue
        second = cells
        break
    if header is None:
        result.missing = [c for c in columns if c.required]
        return
    for index, name in enumerate(header):
        key = normalize(name) if name not in (None, "") else ""
        column = lookup.get(key)
        if column is not None:
            result.columns.setdefault(column.key, index)
        elif key in ERRORS_HEADERS and result.errors_column is None:
            result.errors_column = index
    result.missing = [c for c in columns if c.required and c.key not in result.columns]
    # A second header row (English headers, as in the template) is skipped.
    if second is not None:
        names = [normalize(v) for v in second if v not in (None, "")]
        if names and sum(1 for v in names if v in lookup) * 2 >= len(names):
            result.first_data_row += 1


# Cell parsers: a value as calamine gives it (str, int, float, bool, date, datetime) → the field's value.


# What the export's guard puts before a cell that a spreadsheet would read as a formula
# (``common.files.safe_cell``): the apostrophe is taken off again, so an exported file imports back unchanged.
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(_GUARDED.sub("", str(value)).split())


def parse_id_number(value: Any, *, digits: int = 12) -> str:
    """A citizen ID; a number cell has lost its leading zeros (province codes start with 0), so they are put back."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(digits)
    return normalize_citizen_id(str(value))


def parse_date(value: Any) -> datetime.date:
    """A date cell, an Excel serial number, or text written dd/mm/yyyy (also with . or -) or yyyy-mm-dd."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("%(value)s is not a date.") % {"value": value})
    text = str(value).strip()
    try:
        if match := _DATE_TEXT.match(text):
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        if match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise CellError(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": text})


def _number_text(text: str) -> str:
    """Vietnamese number writing: "1.500.000" (dots group thousands), "12,5" (comma for decimals)."""
    text = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("đ").removesuffix("VND")
    if "," in text and "." in text:
        # Whichever comes last is the decimal mark.
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "." in text and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        return text.replace(".", "")
    if "," in text and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        return text.replace(",", "")
    return text.replace(",", ".")


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        try:
            number = Decimal(_number_text(str(value)))
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    # 1e999999 is a finite Decimal that no rounding can take: refused before it is rounded.
    if not number.is_zero() and not -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT:
        raise CellError(_("%(value)s is out of range.") % {"value": value})
    # 60.0 and 60 are the same area: keep whole numbers whole so a re-import compares equal.
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


_MAX_EXPONENT = 18  # no number of a review comes near 10^18


def within(value: int | Decimal, bounds: Bounds) -> int | Decimal:
    """``value`` if the form would accept it (``households.bounds``), else ``CellError`` saying the range."""
    if value not in bounds:
        raise CellError(
            _("%(value)s is out of range: enter a number from %(minimum)s to %(maximum)s.")
            % {"value": value, "minimum": bounds.minimum, "maximum": _grouped(bounds.maximum)}
        )
    if bounds.decimal_places and isinstance(value, Decimal) and -value.as_tuple().exponent > bounds.decimal_places:
        raise CellError(
            _("%(value)s has more than %(places)s decimal places.") % {"value": value, "places": bounds.decimal_places}
        )
    return value


def _grouped(number: int | Decimal) -> str:
    """Thousands grouped with dots, as Vietnamese write them (1.000.000.000)."""
    whole, _sep, fraction = str(number).partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def parse_integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("%(value)s is not a whole number.") % {"value": value})
    return int(number)


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("Write “Có” or “Không”, not “%(value)s”.") % {"value": value})


def parse_choice(value: Any, lookup: dict[str, str], allowed: str) -> str:
    code = lookup.get(normalize(value))
    if code is None:
        raise CellError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed})
    return code


def parse_choices(
    value: Any, lookup: dict[str, str], allowed: str, *, none: bool = False
) -> list[str] | frozenset[str]:
    """Several values separated by ``SEPARATOR`` (or line breaks), each matched whole: labels hold commas
    ("Ốm đau, tai nạn"). A part that is no value as a whole is read as values separated by commas, as files
    written before the separator was ";" are, when every piece of it then is one (the longest first: "Thiếu
    công cụ, phương tiện sản xuất, Thiếu vốn" is two values); else it is refused, naming the separator.
    With ``none``, "Không" alone is ``NONE_OF``: none of the values applies (a fact; a blank cell is not
    recorded)."""
    if none and normalize(value) in NONE_KEYS:
        return NONE_OF
    codes: list[str] = []
    for part in _PARTS.split(str(value)):
        if not part.strip():
            continue
        found = lookup.get(normalize(part))
        found = [found] if found is not None else _comma_separated(part, lookup)
        if found is None:
            if normalize(part) in NONE_KEYS:
                if none:
                    raise CellError(_("“%(none)s” cannot go with other values.") % {"none": NONE_LABEL})
                # A column without a "none" (the causes of poverty, whose labels mostly start with "Không"):
                # a blank cell already says that none is stated.
                raise CellError(
                    _(
                        "“%(value)s” is not one of the values: leave the cell blank when none applies, or write "
                        "one or more of: %(allowed)s."
                    )
                    % {"value": part.strip(), "allowed": allowed}
                )
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s. Separate several values with “%(separator)s”.")
                % {"value": part.strip(), "allowed": allowed, "separator": SEPARATOR}
            )
        for code in found:
            if code not in codes:
                codes.append(code)
    return codes


_PARTS = re.compile(rf"[{re.escape(SEPARATOR)}\n]")


def _comma_separated(text: str, lookup: dict[str, str]) -> list[str] | None:
    """The values of ``text`` read as separated by commas, each piece or run of pieces a whole value, the
    longest run first; None when a piece is part of no value."""
    pieces = [p for p in text.split(",") if p.strip()]
    if len(pieces) < 2:
        return None
    codes: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            code = lookup.get(normalize(",".join(pieces[start:end])))
            if code is not None:
                codes.append(code)
                start = end
                break
        else:
            return None
    return codes
