"""The household export as a spreadsheet to work in: the household's code on every member's row, dates and
numbers as Excel types, the header frozen and filtered, and a print set-up (A4, landscape when wide, fit to the
width, the two header rows repeated on every page)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from households.exports import export_households_xlsx
from households.imports.services import import_commit
from tests.workbooks import clean_file

pytestmark = pytest.mark.django_db


def test_the_export_is_a_workbook_to_sort_filter_and_print(officer, commune, village):
    import_commit(user=officer, commune=commune, source=clean_file())
    book = load_workbook(io.BytesIO(export_households_xlsx(user=officer)))
    households, members, reviews = (book[name] for name in ("Hộ gia đình", "Thành viên", "Rà soát"))

    assert [row[0] for row in members.iter_rows(min_row=3, values_only=True)] == ["BB-01", "BB-01", "BB-02"]
    born = members.cell(row=3, column=4)
    assert born.value == datetime.datetime(1975, 3, 2)
    assert born.is_date
    assert reviews.cell(row=3, column=3).value == 1_000_000
    assert reviews.cell(row=3, column=3).data_type == "n"

    for sheet, rows in ((households, 2), (members, 3), (reviews, 2)):
        assert sheet.freeze_panes == "B3"
        assert sheet.auto_filter.ref.startswith("A2:")
        assert sheet.auto_filter.ref.endswith(str(rows + 2))
        assert sheet.print_title_rows == "$1:$2"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert reviews.page_setup.orientation == "landscape"  # more columns than a portrait page holds
