"""What an uploaded file must be before it is read: a spreadsheet, of a sane size.

The size is the file's and, for a workbook (a zip), what reading it would cost: each part's uncompressed size
and each sheet's rows and columns, measured by ``sheet_sizes`` without parsing anything, so that a small
file cannot make calamine hold gigabytes (a 1.35 MB file of 900,000 rows held 0.9 GB for 26 s).
"""

from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .columns import Sheet, normalize
from .reader import sheet_lookup
from .sheet_sizes import DamagedWorkbook, Limits, Overrun, WorkbookSize, column_letters, workbook_size

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# The first bytes of the formats: zip (xlsx, xlsm, ods) and the old binary Excel format (xls).
ZIP_SIGNATURE = b"PK\x03\x04"
SIGNATURES = (ZIP_SIGNATURE, b"\xd0\xcf\x11\xe0")
# calamine holds a sheet as a grid of 32-byte cells: 200,000 rows of 100 columns take 640 MB. The import's
# widest sheet has 17 columns; a file may keep columns of its own beside them.
MAX_COLUMNS = 100
# All parts together may be as large as the three sheets the import reads and their shared strings, each at
# the limit; a workbook holding more is not one made for the import.
PARTS_AT_THE_LIMIT = 4


def upload_limits() -> Limits:
    part = settings.IMPORT_MAX_SHEET_MB * 2**20
    return Limits(
        part_bytes=part, total_bytes=PARTS_AT_THE_LIMIT * part, rows=settings.IMPORT_MAX_ROWS, columns=MAX_COLUMNS
    )


def upload_size(source: IO[bytes], *, enough_rows: int | None = None) -> WorkbookSize:
    """The workbook ``source`` measured against the limits: the sheets the import reads (as
    ``reader.read_workbook`` finds them by title), until a limit is passed or more than ``enough_rows`` rows
    were counted. Raises ``DamagedWorkbook`` for a file that is no readable zip."""
    lookup = sheet_lookup()

    def read(title: str) -> Sheet | None:
        return lookup.get(normalize(title))

    return workbook_size(source, upload_limits(), enough_rows=enough_rows, read=read)


def upload_problems(upload) -> list[str]:
    """Why an uploaded file cannot be imported; empty when it may be read.

    Formulas and external links in a workbook are never evaluated: calamine reads the cached values only.
    """
    limit = settings.IMPORT_MAX_BYTES
    problems = []
    if PurePath(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        problems.append(_("Upload an Excel workbook (.xlsx); this file is not one."))
    if upload.size > limit:
        problems.append(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it by village.")
            % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        )
    if not problems:
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(SIGNATURES):
            problems.append(_damaged())
        elif head.startswith(ZIP_SIGNATURE):
            problems.extend(_workbook_problems(upload))
    return problems


def _damaged() -> str:
    return _("The file is damaged or is not an Excel workbook.")


def _workbook_problems(upload: IO[bytes]) -> list[str]:
    try:
        size = upload_size(upload)
    except DamagedWorkbook:
        return [_damaged()]
    return [] if size.over is None else [overrun_message(size.over)]


def _mb(size: int) -> str:
    return number_format(size / 2**20, decimal_pos=1, force_grouping=True)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def overrun_message(over: Overrun) -> str:
    """The limit a workbook passes, in words for the person who uploaded it."""
    part = over.part
    sheet = (part.sheet or part.name) if part else ""
    if over.limit == "total_bytes":
        return _("The workbook is %(size)s MB once uncompressed; the limit is %(limit)s MB. Split it by village.") % {
            "size": _mb(over.value or 0),
            "limit": _number(PARTS_AT_THE_LIMIT * settings.IMPORT_MAX_SHEET_MB),
        }
    if over.limit == "part_bytes" and part and not part.sheet:
        return _(
            "Part %(part)s of the workbook is %(size)s MB once uncompressed; the limit is %(limit)s MB. "
            "Split the file by village."
        ) % {"part": part.name, "size": _mb(over.value or 0), "limit": _number(settings.IMPORT_MAX_SHEET_MB)}
    if over.limit == "part_bytes":
        return _(
            "Sheet “%(sheet)s” is %(size)s MB once uncompressed; the limit is %(limit)s MB a sheet. "
            "Split the file by village."
        ) % {"sheet": sheet, "size": _mb(over.value or 0), "limit": _number(settings.IMPORT_MAX_SHEET_MB)}
    if over.limit == "columns":
        return _(
            "Sheet “%(sheet)s” has data beyond column %(column)s; the import reads at most %(limit)s columns. "
            "Delete the columns to the right of it."
        ) % {"sheet": sheet, "column": column_letters(MAX_COLUMNS), "limit": MAX_COLUMNS}
    if over.value is None:
        return _(
            "Sheet “%(sheet)s” has more than %(limit)s rows, the limit for a sheet. Split the file by village."
        ) % {"sheet": sheet, "limit": _number(settings.IMPORT_MAX_ROWS)}
    return _("Sheet “%(sheet)s” has %(rows)s rows; the limit is %(limit)s rows a sheet. Split the file by village.") % {
        "sheet": sheet,
        "rows": _number(over.value),
        "limit": _number(settings.IMPORT_MAX_ROWS),
    }
