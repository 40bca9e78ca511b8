"""The files the app hands out: tables as CSV (UTF-8 with BOM, so Excel shows diacritics) and styled XLSX from
rows of dicts, HTML templates as PDF (WeasyPrint; pango lays out the Vietnamese text), and the response that
sends any of them with its name."""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from weasyprint import HTML

from common.sheets import WIDE_COLUMNS, autofilter, print_setup

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flatten(row: Mapping, prefix: str = "") -> dict:
    """Nested dicts become dotted columns: ``{"change": {"poor": -3}}`` → ``{"change.poor": -3}``."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list | tuple):
            flat[f"{prefix}{key}"] = "; ".join(str(v) for v in value)
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def columns_of(rows: Sequence[Mapping]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def to_csv(rows: Iterable[Mapping], columns: Sequence[str] | None = None) -> bytes:
    rows = [flatten(r) for r in rows]
    columns = list(columns or columns_of(rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell("" if row.get(c) is None else row.get(c)) for c in columns])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_xlsx(rows: Iterable[Mapping], columns: Sequence[str] | None = None, *, title: str = "Data") -> bytes:
    rows = [flatten(r) for r in rows]
    columns = list(columns or columns_of(rows))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    types = {c: _column_type([row.get(c) for row in rows]) for c in columns}
    for row in rows:
        sheet.append([_xlsx_value(row.get(c), types[c]) for c in columns])
    for index, column in enumerate(columns, start=1):
        number_format = _TYPE_FORMATS.get(types[column])
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    print_setup(sheet, wide=len(columns) > WIDE_COLUMNS, header_rows=(1, 1))
    autofilter(sheet, header_row=1, last_row=len(rows) + 1, columns=len(columns))
    for index, column in enumerate(columns, start=1):
        width = max([len(str(column)), *(len(str(r.get(column) or "")) for r in rows[:200])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local_time(text: str) -> datetime.datetime:
    """A time as the clock showed it here: Excel keeps no time zone."""
    moment = datetime.datetime.fromisoformat(text)
    return timezone.make_naive(moment) if timezone.is_aware(moment) else moment


# The API writes decimals, dates and times as JSON strings ("26.61", "2026-12-07", "2026-12-07T18:57:42+07:00"):
# a column whose every value reads as one of them becomes numbers, dates or times in the sheet. Codes ("058")
# have no decimal point and stay text.
_TYPES: dict[str, tuple[re.Pattern, Callable]] = {
    "decimal": (re.compile(r"-?\d+\.\d+"), float),
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), datetime.date.fromisoformat),
    "datetime": (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?"), _local_time),
}
_TYPE_FORMATS = {"decimal": "#,##0.00", "date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}


def _column_type(values: list) -> str | None:
    texts = [v for v in values if v is not None and v != ""]
    if not texts or not all(isinstance(v, str) for v in texts):
        return None
    return next((name for name, (pattern, _read) in _TYPES.items() if all(pattern.fullmatch(v) for v in texts)), None)


def _xlsx_value(value, kind: str | None = None):
    if kind is not None and isinstance(value, str) and value:
        try:
            return _TYPES[kind][1](value)
        except ValueError:  # shaped like a date but none ("2024-13-01"): kept as it was written
            pass
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # Control characters cannot be stored in a worksheet; they only come from odd input.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    """A file to save (or, ``inline``, to show in the browser) under ``filename``, which may hold any character:
    Django's header function quotes and encodes it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(template_name: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    """A template as a PDF shown in the browser."""
    return download(render_pdf(template_name, context, request=request), filename, PDF_CONTENT_TYPE, inline=True)
