"""``?format=xlsx`` of the API: the decimals, dates and times the JSON carries as strings become Excel numbers,
dates and times; codes stay text; the header is frozen, filtered and repeated on every printed page."""

import datetime
import io

from openpyxl import load_workbook

from common.files import to_xlsx

ROWS = [
    {"code": "058", "rate": "26.61", "on": "2026-12-07", "at": "2026-12-07T18:57:42+07:00", "n": 18974},
    {"code": "06", "rate": "3.00", "on": "2024-01-01", "at": "2024-01-01T00:00:00Z", "n": 5},
    {"code": "2024-13-01", "rate": None, "on": "", "at": None, "n": 0},
]


def test_strings_of_numbers_dates_and_times_become_excel_types_and_codes_stay_text():
    sheet = load_workbook(io.BytesIO(to_xlsx(ROWS))).active
    code, rate, on, at, n = (sheet.cell(row=2, column=c) for c in range(1, 6))
    assert code.value == "058"
    assert (rate.value, rate.number_format) == (26.61, "#,##0.00")
    assert (on.value, on.is_date, on.number_format) == (datetime.datetime(2026, 12, 7), True, "DD/MM/YYYY")
    assert at.value == datetime.datetime(2026, 12, 7, 18, 57, 42)  # the time here, Asia/Ho_Chi_Minh
    assert sheet.cell(row=3, column=4).value == datetime.datetime(2024, 1, 1, 7, 0)
    assert n.value == 18974
    assert sheet.cell(row=4, column=1).value == "2024-13-01"  # a column of codes is not read as dates


def test_the_header_is_frozen_filtered_and_printed_on_every_page():
    sheet = load_workbook(io.BytesIO(to_xlsx(ROWS))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    assert sheet.print_title_rows == "$1:$1"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.page_setup.orientation == "portrait"
    wide = load_workbook(io.BytesIO(to_xlsx([{f"c{i}": i for i in range(12)}]))).active
    assert wide.page_setup.orientation == "landscape"
