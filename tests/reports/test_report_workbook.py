"""A report as a workbook: a sheet per table, its header frozen and filtered, numbers and dates as Excel types,
a household's code on each member's row, and a print set-up (A4, landscape when wide, fit to the width, the
header repeated on every page)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.definitions.lists import poverty_list_report
from reports.report_formats import report_xlsx
from reports.tables import Column, Report, Table


def _report() -> Report:
    members = Table(
        "Danh sách hộ nghèo",
        [
            Column("order", "STT", "int", group="Hộ"),
            Column("code", "Mã hộ", "text", group="Hộ"),
            Column("name", "Họ và tên", "text", group="Thành viên"),
            Column("born", "Ngày sinh", "date", group="Thành viên"),
        ],
        [
            {"order": 1, "code": "BB-01", "name": "Hoàng Văn Páo", "born": datetime.date(1975, 3, 2)},
            {"name": "Hoàng Thị Mai", "born": datetime.date(1978, 1, 5)},
            {"order": 2, "code": "BB-02", "name": "Lý Thị Dung", "born": datetime.date(1990, 7, 1)},
        ],
        wide=True,
        fill_down=("code",),
    )
    summary = Table(
        "Tổng hợp",
        [
            Column("unit", "Đơn vị", "text"),
            Column("households", "Số hộ"),
            Column("poor", "Hộ nghèo"),
            Column("rate", "Tỷ lệ (%)", "rate", rate_of=("poor", "households")),
            Column("target", "Chỉ tiêu", "number", unit_key="measure"),
        ],
        [
            {
                "unit": "Xã Bộc Bố",
                "households": 18974,
                "poor": 5000,
                "rate": Decimal("26.35"),
                "target": Decimal("5000"),
                "measure": "người",
            },
        ],
        total_label="Tổng",
    )
    return Report("Báo cáo", subtitle="Tỉnh Bắc Kạn", tables=[members, summary], notes=["Ghi chú."])


def test_each_table_has_a_sheet_with_a_frozen_filtered_header_and_a_print_setup():
    book = load_workbook(io.BytesIO(report_xlsx(_report())))
    assert book.sheetnames == ["Danh sách hộ nghèo", "Tổng hợp"]
    members, summary = book.worksheets
    # Title, subtitle and the table's title, then the two header rows: the data starts on row 6.
    assert members.freeze_panes == "A6"
    assert members.auto_filter.ref == "A5:D8"
    assert members.print_title_rows == "$4:$5"
    assert members.page_setup.orientation == "landscape"
    assert members.page_setup.paperSize == 9  # A4
    assert (members.page_setup.fitToWidth, members.page_setup.fitToHeight) == (1, 0)
    assert members.sheet_properties.pageSetUpPr.fitToPage
    assert summary.page_setup.orientation == "portrait"
    assert summary.freeze_panes == "A5"
    assert summary.auto_filter.ref == "A4:E5"  # the total row (6) stays out of the filter
    assert summary["A6"].value == "Tổng"
    assert summary["A8"].value == "Ghi chú."  # the report's notes after its last table


def test_numbers_and_dates_are_excel_numbers_and_dates_and_the_code_is_on_every_member_row():
    members, summary = load_workbook(io.BytesIO(report_xlsx(_report()))).worksheets
    rows = list(members.iter_rows(min_row=6, values_only=True))
    assert [row[1] for row in rows] == ["BB-01", "BB-01", "BB-02"]
    assert [row[0] for row in rows] == [1, None, 2]  # the number stays on the household's first row
    assert members["D7"].value == datetime.datetime(1978, 1, 5)
    assert (members["D7"].is_date, members["D7"].number_format) == (True, "DD/MM/YYYY")
    assert members["A6"].data_type == "n"
    households, rate, target = (summary.cell(row=5, column=c) for c in (2, 4, 5))
    assert (households.value, households.number_format) == (18974, "#,##0")
    assert (type(rate.value), rate.value) == (float, 26.35)
    assert (target.value, target.number_format) == (5000, '#,##0" người"')
    assert (summary["C6"].value, summary["D6"].value) == (5000, 26.35)  # the total, recomputed


def test_sheet_names_are_cut_cleaned_and_unique():
    long = "Biến động hộ nghèo: đầu năm / cuối năm [2024] theo đơn vị"
    tables = [Table(long, [Column("a", "A", "text")], [{"a": "x"}]) for _ in range(2)]
    names = load_workbook(io.BytesIO(report_xlsx(Report("R", tables=tables)))).sheetnames
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len(set(names)) == 2


@pytest.mark.django_db
def test_the_poverty_list_workbook_repeats_the_household_code_and_writes_dates(reviewed, province_officer, unit):
    report = poverty_list_report(user=province_officer, unit=unit("Tỉnh Bắc Kạn"), year=2024, status="poor")
    sheet = load_workbook(io.BytesIO(report_xlsx(report))).active
    header = sheet.auto_filter.ref.split(":")[0]
    first = int(header[1:]) + 1
    rows = [row for row in sheet.iter_rows(min_row=first, values_only=True) if row[3]]
    assert rows
    assert all(row[1] for row in rows)  # the household's code on every member's row
    assert all(isinstance(row[6], datetime.datetime) for row in rows if row[6] is not None)
    assert sheet.page_setup.orientation == "landscape"
