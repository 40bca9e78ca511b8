"""The three formats of a ``reports.tables.Report``: HTML page, PDF (WeasyPrint) and XLSX (openpyxl)."""

import io
import re
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart as ExcelLineChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from common.documents import place_date_line
from common.files import render_pdf, safe_cell
from common.sheets import autofilter, print_setup

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
            {
                "text": format_value(
                    row.get(c.key), c.kind, vietnamese=vietnamese, unit=row.get(c.unit_key, "") if c.unit_key else ""
                ),
                "kind": c.kind,
            }
            for c in table.columns
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
        "place_date": _place_date(report, vietnamese=vietnamese),
    }


def _place_date(report: Report, *, vietnamese: bool) -> str:
    """The issuing unit and the document's date (by default the day printed): "Bắc Kạn, ngày 07 tháng 12 năm 2026"."""
    day = report.dated or timezone.localdate()
    if vietnamese:
        return place_date_line(report.place, day)
    return f"{report.place}, {date_format(day, 'j F Y')}" if report.place else date_format(day, "j F Y")


def report_pdf(report: Report, progress: Progress | None = None) -> bytes:
    """``progress`` is not called: WeasyPrint lays the document out in one call."""
    return render_pdf("reports/report_print.html", report_context(report))


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NUMBER_FORMATS = {"int": "#,##0", "rate": "0.00", "date": "DD/MM/YYYY"}
# Tables longer than this are written without cell borders.
_STYLED_ROWS = 5000
# Column widths are measured on this many rows of each table: enough for the widest value in practice.
_WIDTH_SAMPLE = 500
_PROGRESS_ROWS = 5000
# Characters a sheet's name may not hold, and its length (Excel).
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31


def report_xlsx(report: Report, progress: Progress | None = None) -> bytes:
    """A sheet per table: the report's title and the table's above its header, the header frozen, an autofilter
    over the rows, numbers and dates as Excel numbers and dates, and a print set-up (A4, as wide as the page,
    landscape for a wide table, the header repeated on every page). The charts' data and drawings follow on a
    sheet of their own.

    Written in openpyxl's write-only mode, row by row: a province's lists (hundreds of thousands of rows)
    take a fraction of the memory a workbook held whole would. ``progress`` is told the share of the rows
    written, every ``_PROGRESS_ROWS`` rows and at the end (a report job's progress bar).
    """
    total = sum(len(t.rows) for t in report.tables) or 1
    written = 0

    def tick() -> None:
        nonlocal written
        written += 1
        if progress is not None and written % _PROGRESS_ROWS == 0:
            progress(written / total)

    workbook = Workbook(write_only=True)
    names: set[str] = set()
    for index, table in enumerate(report.tables):
        sheet = workbook.create_sheet(_sheet_name(table.title, names))
        notes = report.notes if index == len(report.tables) - 1 else ()
        _write_table(sheet, report, table, notes=notes, tick=tick)
    if report.charts or not report.tables:
        sheet = workbook.create_sheet(_sheet_name(_("Charts") if report.charts else report.title, names))
        print_setup(sheet, wide=True)
        rows = _Rows(sheet)
        rows.append([_cell(sheet, report.title, font=_BOLD)])
        for chart in report.charts:
            _write_chart(rows, chart)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if progress is not None:
        progress(1.0)
    return buffer.getvalue()


def _write_table(sheet, report: Report, table: Table, *, notes, tick: Callable[[], None]) -> None:
    for index, width in _widths(table).items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    titles = [line for line in (report.title, report.subtitle, table.title) if line]
    header_first = len(titles) + 1
    header_last = header_first + len(table.header_rows()) - 1
    # Set before the first row: a write-only sheet writes its view and page properties ahead of the rows.
    sheet.freeze_panes = f"A{header_last + 1}"
    print_setup(sheet, wide=table.wide, header_rows=(header_first, header_last))
    rows = _Rows(sheet)
    for line in titles:
        rows.append([_cell(sheet, line, font=Font(bold=True, size=12) if line == table.title else _BOLD)])
    _write_header(rows, table)
    # A long table (a province's lists) is written without borders: styling every cell of hundreds of
    # thousands of rows took most of the time; its header and the number formats stay.
    plain = len(table.rows) > _STYLED_ROWS
    carried: dict[str, object] = {}
    for values in table.rows:
        tick()
        if table.fill_down:
            values = _filled_down(values, table.fill_down, carried)
        rows.append([_value_cell(sheet, values, c, border=not plain) for c in table.columns])
    # The total row stays out of the filter: sorting would move it among the units.
    autofilter(sheet, header_row=header_last, last_row=rows.next - 1, columns=len(table.columns))
    totals = table.totals()
    if totals:
        rows.append([_value_cell(sheet, totals, c, border=True, font=_BOLD) for c in table.columns])
    for note in table.notes:
        rows.append([note])
    for note in notes:
        rows.append([])
        rows.append([note])


def _filled_down(values: dict, keys: tuple[str, ...], carried: dict) -> dict:
    """``values`` with the ``keys`` it leaves empty taken from the row above (a member row gets its household's
    code); a row that has them starts a new group."""
    if values.get(keys[0]) not in (None, ""):
        carried.update({key: values.get(key) for key in keys})
        return values
    return {**values, **{key: carried.get(key) for key in keys if values.get(key) in (None, "")}}


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet's name from a table's title: the characters Excel refuses dropped, cut to 31, unique in the book."""
    base = " ".join(_NOT_IN_SHEET_NAME.sub(" ", title).split()).strip("'")[:_SHEET_NAME_LENGTH] or "Sheet"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: _SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


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


def _widths(table: Table) -> dict[int, int]:
    widths: dict[int, int] = {}
    for index, column in enumerate(table.columns, start=1):
        sample = [len(str(row.get(column.key) or "")) for row in table.rows[:_WIDTH_SAMPLE]]
        widest = max([*sample, len(column.label) // 2, 10 if column.kind == "date" else 6])
        widths[index] = max(8, min(widest + 2, 45))
    return widths


def _value_cell(sheet, values: dict, column, *, border: bool, font=None):
    """A body or total cell: a number, a date or a text, with the number format of its kind ("5.000 người" for a
    figure with a unit, the number staying a number)."""
    value = _number(values.get(column.key), column.kind)
    number_format = _NUMBER_FORMATS.get(column.kind)
    if column.kind == "number" and value is not None:
        number_format = "#,##0" if isinstance(value, int) else "#,##0.0#"
        unit = str(values.get(column.unit_key) or "").replace('"', "") if column.unit_key else ""
        if unit:
            number_format += f'"{unit}"' if unit == "%" else f'" {unit}"'
    if not border and font is None and (value is None or number_format is None):
        return value  # a plain cell: no object of its own (the long lists)
    return _cell(sheet, value, font=font, border=border, number_format=number_format if value is not None else None)


def _number(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "rate":
        return float(value)
    if kind == "int" and isinstance(value, int | float | Decimal):
        return int(value)
    if kind == "number":
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    return safe_cell(value)
