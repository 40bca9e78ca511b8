"""The print set-up every spreadsheet the app hands out shares: A4, landscape when wide, scaled to the page's
width (as many pages down as it takes) with its header rows repeated on every page, and an autofilter."""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

_A4 = 9  # the paper size code of the SpreadsheetML page set-up
# More columns than this do not fit across a portrait A4 page at a readable size.
WIDE_COLUMNS = 8


def print_setup(sheet, *, wide: bool, header_rows: tuple[int, int] | None = None) -> None:
    """Call before the first row of a write-only sheet: its page properties are written ahead of the rows."""
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.page_setup.paperSize = _A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if header_rows is not None:
        sheet.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"


def autofilter(sheet, *, header_row: int, last_row: int, columns: int) -> None:
    """A filter on ``header_row`` over the rows below it to ``last_row`` (none when there are no rows)."""
    if last_row > header_row and columns:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last_row}"
