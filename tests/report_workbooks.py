"""Report workbooks read back: a report writes a sheet per table, so a test reads the values of every sheet."""

import io

from openpyxl import load_workbook


def workbook_values(content: bytes) -> list:
    """Every non-empty cell value of every sheet, in order."""
    book = load_workbook(io.BytesIO(content))
    return [
        cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    ]


def merged_ranges(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [str(r) for sheet in book.worksheets for r in sheet.merged_cells.ranges]
