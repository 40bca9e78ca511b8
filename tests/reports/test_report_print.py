"""A printed report names its place and date ("Bắc Kạn, ngày 07 tháng 12 năm 2026": the issuing unit, the
document's date) and its signer: the titles, then the name where the data knows it, else a line to sign on."""

import datetime

import pytest
from django.utils import timezone

from common.documents import vietnamese_date
from demo.history import plans_load
from programmes.models import Plan
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_circular_07_report_is_dated_today_at_the_unit_and_leaves_the_name_to_sign(
    client, reviewed, province_officer, unit
):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "format": "pdf"}
    text = _words(pdf_text(client.get("/reports/circular07/", params)))
    assert f"Bắc Kạn, {vietnamese_date(timezone.localdate())}" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "CHỦ TỊCH ……" in text  # needs the compiled catalogue ("Chair")


def test_the_plan_is_dated_on_its_decision_and_signed_by_its_signer(client, province_officer):
    plans_load()
    plan = Plan.objects.get(decision_number="397/QĐ-UBND")
    client.force_login(province_officer)
    text = _words(pdf_text(client.get("/reports/plan/", {"plan": plan.pk, "format": "pdf"})))
    assert plan.decision_date == datetime.date(2017, 4, 4)
    assert "Bắc Kạn, ngày 04 tháng 4 năm 2017" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "Phạm Duy Hưng" in text
