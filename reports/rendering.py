"""The three renderers of a ``reports.tables.Report``: HTML page, PDF (WeasyPrint) and XLSX (openpyxl)."""

import io

from django.utils import timezone
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .pdf import render_pdf
from .renderers import safe_cell
from .tables import Report, Table, format_value


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def table_context(table: Table) -> dict:
    """Header rows and formatted body rows, ready for a template."""
    vietnamese = _vietnamese()

    def cells(row):
        return [
            {"text": format_value(row.get(c.key), c.kind, vietnamese=vietnamese), "kind": c.kind} for c in table.columns
        ]

    totals = table.totals()
    return {
        "title": table.title,
        "header_rows": table.header_rows(),
        "rows": [cells(row) for row in table.rows],
        "total": cells(totals) if totals else None,
        "notes": table.notes,
    }


def report_context(report: Report) -> dict:
    return {
        "report": report,
        "tables": [table_context(t) for t in report.tables],
        "today": timezone.localdate(),
    }


def report_pdf(report: Report) -> bytes:
    return render_pdf("reports/report_print.html", report_context(report))


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def report_xlsx(report: Report) -> bytes:
    """One sheet: the heading, then each table with its merged header cells, values as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo" if _vietnamese() else "Report"
    row = 1
    for line in [*report.heading, report.title, report.subtitle]:
        if line:
            sheet.cell(row=row, column=1, value=line).font = Font(bold=line == report.title)
            row += 1
    widths: dict[int, int] = {}
    for table in report.tables:
        row += 1
        sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=12)
        row += 1
        row = _write_header(sheet, table, row)
        totals = table.totals()
        for values, is_total in [*((r, False) for r in table.rows), *([(totals, True)] if totals else [])]:
            for index, column in enumerate(table.columns, start=1):
                value = values.get(column.key)
                cell = sheet.cell(row=row, column=index, value=_number(value, column.kind))
                cell.border = _BORDER
                if column.kind == "int":
                    cell.number_format = "#,##0"
                elif column.kind == "rate":
                    cell.number_format = "0.00"
                cell.font = Font(bold=is_total)
                widths[index] = max(widths.get(index, 8), min(len(str(value or "")) + 2, 45))
            row += 1
        for note in table.notes:
            sheet.cell(row=row, column=1, value=note)
            row += 1
    for note in report.notes:
        row += 1
        sheet.cell(row=row, column=1, value=note)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet, table: Table, row: int) -> int:
    header_rows = table.header_rows()
    for offset, cells in enumerate(header_rows):
        column = 1
        for cell in cells:
            # Skip columns covered by a cell of the row above that spans down.
            while _covered(sheet, row + offset, column):
                column += 1
            target = sheet.cell(row=row + offset, column=column, value=cell["label"])
            target.font = Font(bold=True)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            target.border = _BORDER
            last_row, last_column = row + offset + cell["rowspan"] - 1, column + cell["colspan"] - 1
            if (last_row, last_column) != (row + offset, column):
                sheet.merge_cells(start_row=row + offset, start_column=column, end_row=last_row, end_column=last_column)
            column = last_column + 1
    return row + len(header_rows)


def _covered(sheet, row: int, column: int) -> bool:
    return any(
        r.min_row <= row <= r.max_row and r.min_col <= column <= r.max_col and r.min_row < row
        for r in sheet.merged_cells.ranges
    )


def _number(value, kind: str):
    if value is None:
        return None
    if kind == "rate":
        return float(value)
    return safe_cell(value)
