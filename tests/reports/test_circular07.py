"""The Circular 07/2021/TT-BLĐTBXH report: one definition, rendered as HTML, PDF and XLSX."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from reports.definitions.circular07 import circular07_report
from reports.tables import Column, Table, format_value
from tests.report_workbooks import workbook_values


def test_numbers_in_vietnamese_and_english():
    assert format_value(78200, "int") == "78.200"
    assert format_value(Decimal("26.61"), "rate") == "26,61"
    assert format_value(Decimal("1234.5"), "rate") == "1.234,50"
    assert format_value(78200, "int", vietnamese=False) == "78,200"


# The identity of the change tables used to be checked here on ``change_row(start, end, transitions)``, which
# made columns 4 and 8 residuals so the identity held by construction. Every column is now counted
# (``reports.changes``); the identity is checked on generated years in tests/reports/test_change_table.py.


def test_totals_are_computed_from_the_rows_and_rates_from_the_summed_parts():
    table = Table(
        "t",
        [
            Column("unit", "Unit", "text"),
            Column("h", "H"),
            Column("p", "P"),
            Column("r", "R", "rate", rate_of=("p", "h")),
        ],
        [{"unit": "A", "h": 3, "p": 1, "r": Decimal("33.33")}, {"unit": "B", "h": 1, "p": 1, "r": Decimal("100")}],
        total_label="Tổng",
    )
    assert table.totals() == {"unit": "Tổng", "h": 4, "p": 2, "r": Decimal("50.00")}


@pytest.mark.django_db
def test_the_report_adds_up_on_reviewed_data(reviewed, province_officer, unit):
    report = circular07_report(user=province_officer, unit=unit("Tỉnh Bắc Kạn"), year=2024)
    summary, poor_changes, near_changes = report.tables[:3]
    totals = summary.totals()
    assert (totals["households"], totals["poor"], totals["near_poor"]) == (11, 3, 6)
    changes = poor_changes.totals()
    assert changes["c1"] == 6  # poor in 2023: Lương Thượng 2, Kim Hỷ 1, Bộc Bố 3
    assert changes["end"] == totals["poor"]
    assert (changes["c2"], changes["c3"], changes["c4"]) == (3, 0, 0)
    assert near_changes.totals()["end"] == totals["near_poor"]
    assert len(summary.rows) == 8  # the eight district-level units of seed 002


@pytest.mark.django_db
def test_html_pdf_and_xlsx(client, reviewed, province_officer, unit):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024}
    page = client.get("/reports/circular07/", params)
    assert page.status_code == 200
    assert "Hộ nghèo" in page.text
    assert "27,27" in page.text
    pdf = client.get("/reports/circular07/", {**params, "format": "pdf"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Huyện Na Rì" in text
    assert "27,27" in text
    assert "Trang 1" in text
    xlsx = client.get("/reports/circular07/", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert merged  # the grouped headers (Hộ nghèo: Số hộ, Tỷ lệ) are merged cells
    values = workbook_values(xlsx.content)
    assert "Huyện Pác Nặm" in values
    assert "Hộ nghèo" in values


@pytest.mark.django_db
def test_a_commune_officer_reports_only_on_their_commune(client, reviewed, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client.force_login(officer)
    page = client.get("/reports/circular07/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024})
    assert page.status_code == 200
    assert "Huyện Na Rì" not in page.text
    assert 'id="id_unit_errors"' in page.text
    own = client.get("/reports/circular07/", {"unit": unit("Xã Bộc Bố").pk, "year": 2024})
    assert "Xã Bộc Bố" in own.text
    assert "Xã Lương Thượng" not in own.text
