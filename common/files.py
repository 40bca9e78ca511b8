"""The files the app hands out: tables as CSV (UTF-8 with BOM, so Excel shows diacritics) and styled XLSX from
rows of dicts, HTML templates as PDF (WeasyPrint; pango lays out the Vietnamese text), and the response that
sends any of them with its name."""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from weasyprint import HTML

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
    for row in rows:
        sheet.append([_xlsx_value(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(str(column)), *(len(str(r.get(column) or "")) for r in rows[:200])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
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
