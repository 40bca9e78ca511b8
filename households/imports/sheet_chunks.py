"""A large sheet read a part at a time, so that calamine never holds the whole of it (issue 25).

python-calamine reads a sheet whole: a grid of 32-byte cells and their strings, about 1 KB a row of the members
sheet, and twice that while it builds the grid. The largest sheet Excel holds (1,048,576 rows) took 1.0 GiB
held and 1.6 GiB at the peak, more than the whole import may take. Calamine has no reader of rows as they
come, so the sheet's XML is cut here, between two rows, into parts of about ``CHUNK_BYTES``, and each part is
given to calamine as a workbook of its own: the original's parts (workbook, styles, shared strings) with that
sheet holding only those rows, stored uncompressed in a temporary file (calamine reads it from the disk: no
copy of the part's XML is held twice). Calamine then reads each cell as it would in the whole sheet: its
number format (dates), its shared string, its position. The next part is cut and read in a thread while the
rows of one are used.

A part begins only at a row that gives its number (``<row r="…"``), as Excel, LibreOffice and openpyxl write
every row: calamine numbers a row without one from the row before it, which another part would not see. A
part after the first gets a row of one cell in column A just before its first row, so that calamine's grid
starts there and at column A (``to_python(skip_empty_area=True)`` then gives the rows from it, with their
cells at their columns; ``iter_rows`` would give every row before it, empty). A sheet written otherwise (its
elements with a namespace prefix, say) is read whole, as before.

Pure: a workbook's bytes or path in, rows out; nothing here knows the import's columns or the database.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from python_calamine import CalamineSheet, CalamineWorkbook

from .sheet_sizes import Limits, _sheets

# XML of a sheet given to calamine at a time: its grid of about 18,000 rows of the members sheet, and their
# Python values, take about 40 MB. A workbook with shared strings has calamine read them again for each part:
# a part is then at least ``SHARED_STRINGS_TIMES`` their size, so that this costs at most a quarter more.
CHUNK_BYTES = 16 << 20
# A sheet up to this size is read whole: 60,000 rows of the members sheet, 70 MB of calamine's grid for a
# moment, and no part is cut nor read twice (the households and reviews sheets of 100,000 households).
WHOLE_BYTES = 64 << 20
SHARED_STRINGS_TIMES = 4
READ_SIZE = 4 << 20
# Rows a part spans at most, by their numbers: a sheet of one cell a row, far to the right, would otherwise give
# calamine 400,000 rows of 100 columns in a part (1.3 GB); at most 64 MB so.
ROWS_PER_PART = 20_000
# The XML before the rows (the sheet's view, columns' widths) is short: a sheet whose rows do not start within
# ``HEAD_BYTES`` is read whole.
HEAD_STEP, HEAD_BYTES = 64 << 10, 1 << 20
SHEET_DATA = b"<sheetData>"
ROW_WITH_NUMBER = b'<row r="'
ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
END = b"</sheetData></worksheet>"
_NO_LIMITS = Limits(part_bytes=1 << 62, total_bytes=1 << 62, rows=1 << 62, columns=1 << 62)


@dataclass
class Chunk:
    """Rows of a part: ``rows`` (lists of cells from column A) numbered from ``first`` (Excel's numbering)."""

    first: int
    rows: list[list[Any]]


def _part_of(archive: zipfile.ZipFile, title: str) -> zipfile.ZipInfo | None:
    """The part that holds the sheet ``title`` as calamine finds it; None when it is not one clear part."""
    names = set(archive.namelist())
    for name, paths in _sheets(archive, _NO_LIMITS):
        if name == title:
            found = sorted(path for path in paths if path in names)
            return archive.getinfo(found[0]) if len(found) == 1 else None
    return None


def sheet_chunks(source: str | Path | bytes, title: str, *, chunk_bytes: int | None = None) -> SheetChunks | None:
    """The sheet ``title`` of the workbook ``source`` a part at a time (of about ``chunk_bytes``, by default
    ``CHUNK_BYTES``), when it is larger than ``WHOLE_BYTES`` (or ``chunk_bytes`` when given) and written so
    that it can be cut (see the module's docstring); None otherwise: it is read whole, as it always was."""
    whole_bytes = chunk_bytes or max(CHUNK_BYTES, WHOLE_BYTES)
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    except (zipfile.BadZipFile, OSError):
        return None
    try:
        part = _part_of(archive, title)
    except ValueError:  # a workbook calamine would refuse: it says why, reading it whole
        part = None
    if part is None or part.file_size <= whole_bytes or not _rows_start_early(archive, part):
        archive.close()
        return None
    shared = sum(i.file_size for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml"))
    return SheetChunks(archive, part, title, max(chunk_bytes, SHARED_STRINGS_TIMES * shared))


def _span_cut(buffer: bytes, first_number: int, cut: int) -> int:
    """``cut``, or the first row before it that is ``ROWS_PER_PART`` rows or more after the part's first one,
    or before it: calamine's grid spans the rows from the part's first to its last, whatever lies between.
    Rows come in order in any workbook Excel, LibreOffice or openpyxl writes: when the last row before ``cut``
    is within the span, the part is kept whole (a row out of order in a file made by hand is bounded by the
    upload's limits, as a sheet read whole is)."""
    last = buffer.rfind(ROW_WITH_NUMBER, 1, cut)
    found = ROW_NUMBER.match(buffer, last) if last > 0 else None
    if found is None or first_number <= int(found.group(1)) < first_number + ROWS_PER_PART:
        return cut
    for found in ROW_NUMBER.finditer(buffer, 1, cut):
        if not first_number <= int(found.group(1)) < first_number + ROWS_PER_PART:
            return found.start()
    return cut


def _rows_start_early(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    head = b""
    with archive.open(part) as stream:
        while len(head) < HEAD_BYTES and SHEET_DATA not in head:
            block = stream.read(HEAD_STEP)
            if not block:
                break
            head += block
    return SHEET_DATA in head


class SheetChunks:
    """The parts of one sheet, each read by calamine in a thread while the rows of the one before are used."""

    def __init__(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo, title: str, chunk_bytes: int):
        self.archive, self.part, self.title, self.chunk_bytes = archive, part, title, chunk_bytes
        sheets = {path for _name, paths in _sheets(archive, _NO_LIMITS) for path in paths}
        # The workbook's other parts, once: every part's workbook holds them (other sheets empty).
        self.others: list[tuple[str, bytes]] = []
        self.empty_sheets: list[str] = []
        for info in archive.infolist():
            if info.filename == part.filename or info.is_dir():
                continue
            if info.filename in sheets:
                self.empty_sheets.append(info.filename)
            else:
                self.others.append((info.filename, archive.read(info)))

    def texts(self) -> Iterator[tuple[bytes, bytes]]:
        """The sheet's XML before its rows, then its rows a part at a time (each cut before a numbered row)."""
        step = min(READ_SIZE, self.chunk_bytes)
        with self.archive.open(self.part) as stream:
            buffer = b""
            while SHEET_DATA not in buffer:
                block = stream.read(HEAD_STEP)
                if not block or len(buffer) > HEAD_BYTES:
                    raise ValueError("no <sheetData> where expected")
                buffer += block
            start = buffer.index(SHEET_DATA) + len(SHEET_DATA)
            head, buffer = buffer[:start], buffer[start:]
            ended, wanted, first_number = False, self.chunk_bytes, 1
            while buffer:
                if not ended and len(buffer) < wanted:
                    blocks, size = [buffer], len(buffer)
                    while size < wanted:
                        block = stream.read(step)
                        if not block:
                            ended = True
                            break
                        blocks.append(block)
                        size += len(block)
                    buffer = b"".join(blocks)
                if ended and len(buffer) <= wanted:
                    cut = len(buffer)
                else:
                    # Before the last numbered row that starts within the part's size, else the first after it.
                    cut = buffer.rfind(ROW_WITH_NUMBER, 1, wanted)
                    if cut <= 0:
                        cut = buffer.find(ROW_WITH_NUMBER, 1)
                    if cut <= 0:
                        if not ended:
                            wanted = len(buffer) + self.chunk_bytes  # one row longer than a part: read on
                            continue
                        cut = len(buffer)
                cut = _span_cut(buffer, first_number, cut)
                rows, buffer, wanted = buffer[:cut], buffer[cut:], self.chunk_bytes
                if not buffer:
                    end = rows.rfind(b"</sheetData>")
                    rows = rows[:end] if end >= 0 else rows
                    if not rows.strip():
                        return
                yield head, rows
                if buffer:
                    found = ROW_NUMBER.match(buffer)
                    first_number = int(found.group(1)) if found else 0

    def _sheet(self, file: IO[bytes], head: bytes, rows: tuple[bytes, ...]) -> CalamineSheet:
        """The part ``rows`` as a workbook of its own, written to ``file`` (calamine reads it from the disk:
        neither it nor this process holds the part's XML twice)."""
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
            for name, data in self.others:
                archive.writestr(name, data)
            empty = head + END
            for name in self.empty_sheets:
                archive.writestr(name, empty)
            with archive.open(self.part.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                for text in rows:
                    sheet.write(text)
                sheet.write(END)
        file.flush()
        return CalamineWorkbook.from_path(file.name).get_sheet_by_name(self.title)

    def _load(self, head: bytes, rows: bytes, first: bool) -> Chunk:
        with tempfile.NamedTemporaryFile(prefix="import-part-", suffix=".xlsx") as file:
            if first:
                return Chunk(1, list(self._sheet(file, head, (rows,)).iter_rows()))
            found = ROW_NUMBER.match(rows)
            if found is None:
                raise ValueError("a part that does not start with a numbered row")
            number = int(found.group(1))
            # A cell in column A on the row before: calamine's grid starts there (module's docstring).
            marker = f'<row r="{number - 1}"><c r="A{number - 1}" t="inlineStr"><is><t>.</t></is></c></row>'
            sheet = self._sheet(file, head, (marker.encode(), rows))
            del rows
            return Chunk(number, sheet.to_python(skip_empty_area=True)[1:])

    def _next(self, texts: Iterator[tuple[bytes, bytes]], first: bool) -> Chunk | None:
        text = next(texts, None)
        return None if text is None else self._load(*text, first)

    def chunks(self) -> Iterator[Chunk]:
        """The parts' rows, the next part cut and read in a thread while the rows of one are used."""
        texts = self.texts()
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-chunk") as pool:
                chunk = self._next(texts, True)
                while chunk is not None:
                    following = pool.submit(self._next, texts, False)
                    yield chunk
                    chunk = None  # let it go before the next is taken
                    chunk = following.result()
        finally:
            texts.close()
            self.archive.close()
