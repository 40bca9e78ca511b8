"""How much an .xlsx workbook would cost to read, measured from its zip without parsing it.

calamine holds a sheet as a dense grid of 32-byte cells, from its first to its last row and column that hold
anything, whatever lies between: two cells, A1 and XFD100000, make a 1.5 KB file that asks for 50 GB. So
the zip is measured before calamine sees it: every part's declared uncompressed size (a true bound: zipfile
and calamine both refuse a part longer than declared), and, for each part calamine may read as a sheet, its
last row (a row's or cell's ``r``, or the row before it plus one, as calamine counts them) and its widest row
(a cell's ``r``, or the number of cells in its row). The ``<dimension>`` a sheet declares refuses an honest
large sheet without reading it; the rows are counted all the same, as calamine ignores the dimension and a
file may declare anything. A part is decompressed a chunk at a time and never held whole; the count stops
at the first limit passed.

Pure: a seekable binary file in, sizes out; nothing here reads settings or the database.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from typing import IO, Literal

# Read a part this much at a time: its rows are counted as it is decompressed, never held whole.
CHUNK = 2**20
# A chunk is cut before its last "<", so that no row or cell tag is split between two; unless that "<" is
# further back than this (a long text), which no tag worth reading is. Refs are searched across the seam.
TAIL = 2**16
SEAM = 256
# The dimension, when a sheet has one, comes within its first few elements.
HEAD = 8192

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Each chunk is folded first (lower case to upper, single quotes to double, tabs and line ends to spaces), so
# that the patterns below need one spelling of what XML, and calamine, let a file write several ways.
FOLD = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz'\t\n\r", b'ABCDEFGHIJKLMNOPQRSTUVWXYZ"   ')
_ATTRIBUTES = rb"""(?: +[\w:.-]+ *= *"[^"]*")*?"""
# Element names may carry any namespace prefix (<x:row>), as calamine reads local names; the pattern without
# one starts with a literal, which re searches many times faster.
ROW_START = re.compile(rb"<ROW(?=[ />])")
ROW_START_PREFIXED = re.compile(rb"<(?:[\w.-]+:)?ROW(?=[ />])")
# A row's number, or b"" for a row without one: one item a row.
_ROW_NUMBER = rb"""(?:""" + _ATTRIBUTES + rb""" +R *= *" *0*(\d+))?"""
ROW_NUMBERS = re.compile(ROW_START.pattern + _ROW_NUMBER)
ROW_NUMBERS_PREFIXED = re.compile(ROW_START_PREFIXED.pattern + _ROW_NUMBER)
# Rows and cells written the usual way, counted without a pattern ("<C" counts <col> and <charset> too: a
# chunk holding them is then read the slow way).
ROW_TAG, ROW_WITH_REF = b"<ROW", b'<ROW R="'
ROW_TAGS = (b"<ROW ", b"<ROW>", b"<ROW/")
CELL_TAG, CELL_WITH_REF = b"<C", b'<C R="'
ROW_REF = re.compile(rb'<ROW R="0*(\d+)"')
SHEET_DATA_END = b"SHEETDATA>"
DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?DIMENSION" + _ATTRIBUTES + rb""" +REF *= *" *([A-Z]*)0*(\d*)(?::([A-Z]*)0*(\d*))?"""
)
# A cell's or row's r attribute: calamine takes its letters in either case and its digits with leading zeros.
REF = rb' R *= *" *'
TAG = re.compile(rb"""<(?:[\w.-]+:)?(sheet|Relationship)\s((?:[^>"']|"[^"]*"|'[^']*')*)>""")
ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class DamagedWorkbook(ValueError):
    """A file that is no readable zip."""


@dataclass(frozen=True)
class Limits:
    part_bytes: int  # uncompressed bytes of one part (a sheet, the shared strings, …)
    total_bytes: int  # of all parts together
    rows: int  # the last row of a sheet
    columns: int  # the last column of a sheet


@dataclass
class PartSize:
    name: str  # the part's path in the zip
    sheet: str = ""  # the title of the sheet it holds, when the workbook names one
    size: int = 0  # declared uncompressed bytes
    rows: int = 0  # the last row, as far as it was counted
    widest: int = 0  # the most cells in a row, as far as they were counted


@dataclass(frozen=True)
class Overrun:
    """The first limit a workbook passes. ``value`` is what was found (bytes, rows or columns); None when the
    count stopped as soon as it passed the limit."""

    limit: Literal["part_bytes", "total_bytes", "rows", "columns"]
    part: PartSize | None
    value: int | None


@dataclass
class WorkbookSize:
    parts: list[PartSize] = field(default_factory=list)
    over: Overrun | None = None

    @property
    def rows(self) -> int:
        """Rows in all parts, as far as they were counted."""
        return sum(part.rows for part in self.parts)

    @property
    def size(self) -> int:
        """Declared uncompressed bytes of all parts."""
        return sum(part.size for part in self.parts)


def _integer(digits: bytes) -> int:
    """A row number as written; one longer than any limit is not converted (Python refuses very long ones)."""
    return int(digits or 0) if len(digits) <= 12 else 10**12


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


def _above(value: str, alphabet: str) -> str:
    """A pattern for the strings of ``alphabet`` (digits without leading zeros, or column letters) that stand
    for more than ``value``: the longer ones, and the ones as long and greater."""
    low, high = alphabet[0], alphabet[-1]
    lead = alphabet[1] if low == "0" else low
    options = [f"[{lead}-{high}][{low}-{high}]{{{len(value)},}}"]
    for position, char in enumerate(value):
        if char != high:
            rest = len(value) - position - 1
            options.append(f"{value[:position]}[{alphabet[alphabet.index(char) + 1]}-{high}][{low}-{high}]{{{rest}}}")
    return "(?:" + "|".join(options) + ")"


def _beyond(limits: Limits) -> re.Pattern[bytes]:
    """The refs beyond the limits, a row (group 1) or a column (group 2): absent from a workbook within them,
    so that re searches for them without a step of Python."""
    columns = rb"(" + _above(column_letters(limits.columns), LETTERS).encode() + rb")(?![A-Z])"
    return re.compile(REF + rb"(?:" + _rows_above(limits.rows) + rb"|" + columns + rb")")


def _rows_above(rows: int) -> bytes:
    return rb"[A-Z]*0*(" + _above(str(rows), DIGITS).encode() + rb")(?!\d)"


def workbook_size(
    source: IO[bytes],
    limits: Limits,
    *,
    enough_rows: int | None = None,
    read: Callable[[str], Hashable | None] | None = None,
) -> WorkbookSize:
    """Measure the zip ``source`` until the first limit it passes (``over``), or until more than
    ``enough_rows`` rows were counted in all. ``read`` says which sheet a reader takes a title for (None: it
    skips it); as the reader, only the first sheet taken for each is measured. Without it, every sheet is.
    Raises ``DamagedWorkbook`` for a file that is no readable zip."""
    try:
        with zipfile.ZipFile(source) as archive:
            return _measure(archive, limits, enough_rows, read)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as error:
        # RuntimeError: an encrypted part; NotImplementedError: a compression zipfile cannot read.
        raise DamagedWorkbook(str(error)) from None
    finally:
        source.seek(0)


def _measure(
    archive: zipfile.ZipFile, limits: Limits, enough_rows: int | None, read: Callable[[str], Hashable | None] | None
) -> WorkbookSize:
    members = [member for member in archive.infolist() if not member.is_dir()]
    result = WorkbookSize([PartSize(member.filename, size=member.file_size) for member in members])
    parts: dict[str, list[tuple[zipfile.ZipInfo, PartSize]]] = {}
    for member, part in zip(members, result.parts, strict=True):
        parts.setdefault(part.name, []).append((member, part))
    sheets = _sheets(archive, limits)
    for title, paths in sheets:
        for path in paths:
            for _member, part in parts.get(path, ()):
                part.sheet = part.sheet or title
    for part in result.parts:
        if part.size > limits.part_bytes:
            result.over = Overrun("part_bytes", part, part.size)
            return result
    if result.size > limits.total_bytes:
        result.over = Overrun("total_bytes", None, result.size)
        return result
    beyond, taken, measured = _beyond(limits), set(), set()
    for title, paths in sheets:
        if read is not None:
            if (key := read(title)) is None or key in taken:
                continue
            taken.add(key)
        for path in sorted(paths - measured):
            measured.add(path)
            for member, part in parts.get(path, ()):
                left = None if enough_rows is None else enough_rows - result.rows
                with archive.open(member) as stream:
                    result.over = _Scan(part, limits, beyond, left).run(stream)
                if result.over is not None or (enough_rows is not None and result.rows > enough_rows):
                    return result
    return result


class _Scan:
    """One part read a chunk at a time: its rows numbered as calamine numbers them and the cells of each
    counted, until a limit is passed or more than ``enough`` rows were counted."""

    def __init__(self, part: PartSize, limits: Limits, beyond: re.Pattern[bytes], enough: int | None):
        self.part, self.limits, self.beyond, self.enough = part, limits, beyond, enough
        # A cell may lie far below its row: enough rows are reached by any ref beyond them too.
        self.past_enough = None if enough is None else re.compile(REF + _rows_above(max(enough, 0)))
        self.row = 0  # the current row's number
        self.cells = 0  # its cells so far
        self.data_over = False  # past </sheetData>: nothing more is a cell

    def run(self, stream: IO[bytes]) -> Overrun | None:
        carry = seam = b""
        first = True
        while True:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            if not data:
                return None
            cut = data.rfind(b"<") if chunk else len(data)
            if cut < 0 or cut < len(data) - TAIL:
                cut = len(data)
            unit, carry = data[:cut].translate(FOLD), data[cut:]
            if first and (over := self.dimension_over(unit[:HEAD])):
                return over
            first = False
            window, seam = seam + unit, unit[-SEAM:]
            if over := self.refs_over(window):
                return over
            if self.enough is not None and self.past_enough and self.past_enough.search(window):
                self.part.rows = max(self.part.rows, self.enough + 1)
                return None
            self.count(unit)
            if self.part.rows > self.limits.rows:
                return Overrun("rows", self.part, None)
            if self.part.widest > self.limits.columns:
                return Overrun("columns", self.part, None)
            if not chunk or (self.enough is not None and self.part.rows > self.enough):
                return None

    def dimension_over(self, head: bytes) -> Overrun | None:
        dimension = DIMENSION.search(head)
        if dimension is None:
            return None
        letters, digits = (dimension[3], dimension[4]) if dimension[3] is not None else (dimension[1], dimension[2])
        rows, columns = _integer(digits), column_number(letters.decode())
        if rows > self.limits.rows:
            self.part.rows = rows
            return Overrun("rows", self.part, rows)
        if columns > self.limits.columns:
            return Overrun("columns", self.part, columns)
        return None

    def refs_over(self, window: bytes) -> Overrun | None:
        found = self.beyond.search(window)
        if found is None:
            return None
        return Overrun("rows" if found[1] else "columns", self.part, None)

    def count(self, unit: bytes) -> None:
        """Number the rows and count the cells of ``unit``. Excel, LibreOffice and openpyxl write every row
        and cell with its ``r`` first: then the rows' own numbers are read, and the refs (searched apart) bound
        the columns. Otherwise rows are numbered as calamine numbers them and the cells of each are counted,
        with no step of Python per cell."""
        if self.data_over:
            return
        if (end := _data_end(unit)) >= 0:
            unit, self.data_over = unit[:end], True
        prefixed = b":ROW" in unit or b":C" in unit
        rows = [] if prefixed else ROW_REF.findall(unit)
        if rows and len(rows) == unit.count(ROW_TAG):
            numbers = list(map(_integer, rows))
            self.row, self.part.rows = numbers[-1], max(self.part.rows, max(numbers))
        elif not prefixed and b" R" not in unit:  # no row numbered: one after the other
            self.row += sum(unit.count(start) for start in ROW_TAGS)
            self.part.rows = max(self.part.rows, self.row)
        else:
            self.number_rows((ROW_NUMBERS_PREFIXED if prefixed else ROW_NUMBERS).findall(unit))
        if not prefixed and unit.count(CELL_TAG) == unit.count(CELL_WITH_REF):
            if (last := unit.rfind(ROW_TAG)) >= 0:
                self.cells = unit.count(CELL_TAG, last)
            return
        # A cell is counted by its "<c" (or "x:c"); <charset> counts too, erring on the safe side.
        pieces = (ROW_START_PREFIXED if prefixed else ROW_START).split(unit)
        counts = list(map(bytes.count, pieces, repeat(b"<C")))
        if prefixed:
            counts = list(map(add, counts, map(bytes.count, pieces, repeat(b":C"))))
        # The first piece ends the row the last chunk began; before the first row, <cols> and the like.
        counts[0] = counts[0] + self.cells if self.row else 0
        self.cells, self.part.widest = counts[-1], max(self.part.widest, max(counts))

    def number_rows(self, numbers: list[bytes]) -> None:
        """Rows some of which have no number: each is the one before plus one."""
        row, highest = self.row, self.part.rows
        for number in numbers:
            row = _integer(number) if number else row + 1
            highest = max(highest, row)
        self.row, self.part.rows = row, highest


def _data_end(unit: bytes) -> int:
    """Where ``</sheetData>`` (with any prefix) starts in ``unit``, or -1."""
    position = unit.find(SHEET_DATA_END)
    while position >= 0:
        tag = unit.rfind(b"<", 0, position)
        if unit[tag + 1 : tag + 2] == b"/":
            return tag
        position = unit.find(SHEET_DATA_END, position + 1)
    return -1


def _sheets(archive: zipfile.ZipFile, limits: Limits) -> list[tuple[str, set[str]]]:
    """The workbook's sheets in order: each title, and the parts that may hold it, found as calamine finds them
    (xl/workbook.xml, then xl/_rels/workbook.xml.rels; the target spelt as written and as resolved, so that a
    part named either way is measured). Other parts are never read as sheets, and are not measured: a theme's
    colours have ``r`` attributes too. Empty when those two parts are missing (calamine reads no sheet then) or
    over the size limit (refused for it)."""
    try:
        workbook, relationships = (archive.getinfo(name) for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
    except KeyError:
        return []
    if max(workbook.file_size, relationships.file_size) > limits.part_bytes:
        return []
    targets: dict[str, set[str]] = {}
    for element, attributes in _tags(archive.read(relationships)):
        if element == "Relationship":
            for identifier in _spellings(attributes.get("Id")):
                for target in _spellings(attributes.get("Target")):
                    targets.setdefault(identifier, set()).update(_paths(target))
    sheets, seen = [], set()
    for element, attributes in _tags(archive.read(workbook)):
        if element == "sheet":
            title = html.unescape(attributes.get("name", ""))
            # Excel never writes two sheets of one name (in any case); calamine would read one of them.
            if title.casefold() in seen:
                raise DamagedWorkbook(f"two sheets named {title!r}")
            seen.add(title.casefold())
            paths = {path for identifier in _spellings(attributes.get("id")) for path in targets.get(identifier, ())}
            sheets.append((title, paths))
    return sheets


def _spellings(value: str | None) -> set[str]:
    """An attribute's value as written and with its entities replaced: a match either way is taken."""
    return set() if value is None else {value, html.unescape(value)}


def _paths(target: str) -> set[str]:
    if target.startswith("/"):
        return {target[1:]}
    return {f"xl/{target}", posixpath.normpath(f"xl/{target}")}


def _tags(xml: bytes) -> Iterator[tuple[str, dict[str, str]]]:
    """The sheet and relationship elements of ``xml``: (name, {attribute's local name: its value as written})."""
    for tag in TAG.finditer(xml):
        attributes = {}
        for name, double, single in ATTRIBUTE.findall(tag[2]):
            attributes[name.decode(errors="replace").rpartition(":")[2]] = (double or single).decode(errors="replace")
        yield tag[1].decode(), attributes
