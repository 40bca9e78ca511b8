"""The three formats of a ``reports.tables.Report``: HTML page, PDF (WeasyPrint) and XLSX (openpyxl)."""

import io
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart as ExcelLineChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from common.files import render_pdf, safe_cell

from .charts import LineChart, line_chart_svg
from .tables import Report, Table, format_value

Progress = Callable[[float], None]  # told the share done, 0 to 1


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
    vietnamese = _vietnamese()
    return {
        "report": report,
        "tables": [table_context(t) for t in report.tables],
        "charts": [{"title": c.title, "svg": line_chart_svg(c, vietnamese=vietnamese)} for c in report.charts],
        "today": timezone.localdate(),
    }


def report_pdf(report: Report, progress: Progress | None = None) -> bytes:
    """``progress`` is not called: WeasyPrint lays the document out in one call."""
    return render_pdf("reports/report_print.html", report_context(report))


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NUMBER_FORMATS = {"int": "#,##0", "rate": "0.00"}
# Tables longer than this are written without cell borders.
_STYLED_ROWS = 5000
# Column widths are measured on this many rows of each table: enough for the widest value in practice.
_WIDTH_SAMPLE = 500
_PROGRESS_ROWS = 5000


def report_xlsx(report: Report, progress: Progress | None = None) -> bytes:
    """One sheet: the heading, then each table with its merged header cells, values as numbers.

    Written in openpyxl's write-only mode, row by row: a province's lists (hundreds of thousands of rows)
    take a fraction of the memory a workbook held whole would. ``progress`` is told the share of the rows
    written, every ``_PROGRESS_ROWS`` rows and at the end (a report job's progress bar).
    """
    total = sum(len(t.rows) for t in report.tables) or 1
    written = 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Báo cáo" if _vietnamese() else "Report")
    for index, width in _widths(report).items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    rows = _Rows(sheet)
    for line in [*report.heading, report.title, report.subtitle]:
        if line:
            rows.append([_cell(sheet, line, font=_BOLD if line == report.title else None)])
    for table in report.tables:
        rows.append([])
        rows.append([_cell(sheet, table.title, font=Font(bold=True, size=12))])
        _write_header(rows, table)
        totals = table.totals()
        # A long table (a province's lists) is written as plain values: styling every cell of hundreds of
        # thousands of rows took most of the time; its header and the number formats stay.
        plain = len(table.rows) > _STYLED_ROWS
        for values, is_total in [*((r, False) for r in table.rows), *([(totals, True)] if totals else [])]:
            written += not is_total
            if progress is not None and written % _PROGRESS_ROWS == 0:
                progress(written / total)
            if plain and not is_total and all(c.kind == "text" for c in table.columns):
                rows.append([safe_cell(values.get(c.key)) for c in table.columns])
                continue
            rows.append(
                [
                    _cell(
                        sheet,
                        _number(values.get(c.key), c.kind),
                        font=_BOLD if is_total else None,
                        border=not plain,
                        number_format=_NUMBER_FORMATS.get(c.kind),
                    )
                    for c in table.columns
                ]
            )
        for note in table.notes:
            rows.append([note])
    for note in report.notes:
        rows.append([])
        rows.append([note])
    for chart in report.charts:
        _write_chart(rows, chart)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if progress is not None:
        progress(1.0)
    return buffer.getvalue()


class _Rows:
    """Appends rows to a write-only sheet and knows the number of the next one (for merged ranges)."""

    def __init__(self, sheet):
        self.sheet, self.next = sheet, 1

    def append(self, values: list) -> int:
        self.sheet.append(values)
        self.next += 1
        return self.next - 1


def _cell(sheet, value, *, font=None, border=False, number_format=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if border:
        cell.border = _BORDER
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _write_header(rows: _Rows, table: Table) -> None:
    """The header rows; a cell spanning columns or rows is merged, as in the official forms."""
    header_rows = table.header_rows()
    covered: set[tuple[int, int]] = set()  # (row offset, column) covered by a cell of the row above
    first = rows.next
    for offset, cells in enumerate(header_rows):
        values: list = []
        column = 1
        for cell in cells:
            while (offset, column) in covered:
                values.append(_cell(rows.sheet, None, border=True))
                column += 1
            values.append(_cell(rows.sheet, cell["label"], font=_BOLD, border=True, alignment=_CENTRED))
            values.extend(_cell(rows.sheet, None, border=True) for _ in range(cell["colspan"] - 1))
            last_row, last_column = offset + cell["rowspan"] - 1, column + cell["colspan"] - 1
            for below in range(offset + 1, last_row + 1):
                covered.update((below, c) for c in range(column, last_column + 1))
            if (last_row, last_column) != (offset, column):
                rows.sheet.merged_cells.add(
                    CellRange(min_col=column, min_row=first + offset, max_col=last_column, max_row=first + last_row)
                )
            column = last_column + 1
        rows.append(values)


def _write_chart(rows: _Rows, chart: LineChart) -> None:
    """The chart's data as a small table (years down, series across), and a native Excel line chart of it."""
    rows.append([])
    rows.append([_cell(rows.sheet, chart.title, font=_BOLD)])
    first = rows.append([_cell(rows.sheet, _("Year"), font=_BOLD), *(s.label for s in chart.series)])
    for year in chart.years:
        values = [s.points.get(year) for s in chart.series]
        rows.append([year, *(float(v) if v is not None else None for v in values)])
    last = rows.next - 1
    drawing = ExcelLineChart()
    drawing.title = chart.title
    drawing.y_axis.title = "%"
    drawing.height, drawing.width = 8, 16
    data = Reference(rows.sheet, min_col=2, max_col=1 + len(chart.series), min_row=first, max_row=last)
    drawing.add_data(data, titles_from_data=True)
    drawing.set_categories(Reference(rows.sheet, min_col=1, min_row=first + 1, max_row=last))
    rows.sheet.add_chart(drawing, f"E{first}")
    for _line in range(16):  # the rows the drawing covers, so that nothing written later hides under it
        rows.append([])


def _widths(report: Report) -> dict[int, int]:
    widths: dict[int, int] = {}
    for table in report.tables:
        for index, column in enumerate(table.columns, start=1):
            sample = [len(str(row.get(column.key) or "")) for row in table.rows[:_WIDTH_SAMPLE]]
            widest = max([*sample, len(column.label) // 2, 6])
            widths[index] = max(widths.get(index, 8), min(widest + 2, 45))
    return widths


def _number(value, kind: str):
    if value is None:
        return None
    if kind == "rate":
        return float(value)
    return safe_cell(value)
