"""Figures as a reader writes them: counts whole and grouped ("18.974", never "18974,00"), rates with two
decimals, a figure with its unit ("5.000 người", "96,5%"), on the report pages and in their PDFs."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from demo.history import plans_load
from programmes.models import Plan
from reports.report_formats import table_context
from reports.tables import Column, Table, format_value
from tests.pdfs import pdf_text


def test_counts_are_whole_and_grouped_and_figures_carry_their_unit():
    assert format_value(Decimal("18974.00"), "int") == "18.974"
    assert format_value(18974, "int", vietnamese=False) == "18,974"
    assert format_value(Decimal("26.6"), "rate") == "26,60"
    assert format_value(Decimal("5000.00"), "number", unit="người") == "5.000 người"
    assert format_value(Decimal("96.50"), "number", unit="%") == "96,5%"
    assert format_value(Decimal("2.25"), "number") == "2,25"
    assert format_value(datetime.date(1978, 1, 5), "date") == "05/01/1978"


def test_a_report_table_shows_grouped_counts():
    table = Table(
        "Tổng hợp",
        [Column("unit", "Đơn vị", "text"), Column("households", "Số hộ"), Column("gap", "Còn thiếu")],
        [{"unit": "Tỉnh Bắc Kạn", "households": 18974, "gap": Decimal("18.00")}],
        total_label="Tổng",
    )
    with translation.override("vi"):
        html = render_to_string("reports/_table.html", {"table": table_context(table)})
    assert "18.974" in html
    assert "18974" not in html
    assert ",00" not in html
    assert ">18<" in html


@pytest.mark.django_db
def test_the_plan_page_and_pdf_write_goals_with_their_units(client, province_officer):
    plans_load()
    plan = Plan.objects.get(decision_number="397/QĐ-UBND")
    client.force_login(province_officer)
    page = client.get("/reports/plan/", {"plan": plan.pk}).text
    assert "5.000 người" in page
    assert "96,5%" in page
    assert "5.000,00" not in page
    assert "5000" not in page
    text = pdf_text(client.get("/reports/plan/", {"plan": plan.pk, "format": "pdf"}))
    assert "5.000 người" in text
    progress = client.get("/reports/progress/", {"plan": plan.pk, "year": 2017}).text
    assert "5.000 người" in progress
    assert "5.000,00" not in progress
