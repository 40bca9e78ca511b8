"""The printed forms of Decision 24/2021/QĐ-TTg carry the place and date line (Decree 30/2020/NĐ-CP, Appendix I),
the signer's title and name, and the certificate its validity, which is data an administrator sets."""

import datetime

import pytest
from django.urls import reverse

from common.documents import place_date_line, place_name, vietnamese_date
from households.models import ReviewKind
from households.services import review_create, round_open
from standards.certificates import certificate_valid_until
from standards.models import CertificateTerm, CertificateValidity
from tests.pdfs import pdf_text
from tests.reviews import FACTS, approve_all, new_household


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_place_is_the_units_own_name_and_the_date_is_written_out():
    assert place_name("Tỉnh Bắc Kạn") == "Bắc Kạn"
    assert place_name("Xã Văn Lang") == "Văn Lang"
    assert place_name("Thành phố Bắc Kạn") == "Bắc Kạn"
    assert place_name("Phường 5") == "Phường 5"
    assert vietnamese_date(datetime.date(2026, 12, 7)) == "ngày 07 tháng 12 năm 2026"
    assert vietnamese_date(datetime.date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert vietnamese_date(datetime.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert place_date_line("Bắc Kạn", None) == "Bắc Kạn, ngày …… tháng …… năm ……"


def test_the_certificate_term_gives_its_last_day():
    assert certificate_valid_until(CertificateTerm.NEXT_REVIEW, review_year=2024, last_year=2025) is None
    assert certificate_valid_until(CertificateTerm.END_OF_YEAR, review_year=2024, last_year=2025) == (
        datetime.date(2024, 12, 31)
    )
    assert certificate_valid_until(CertificateTerm.END_OF_NEXT_YEAR, review_year=2024, last_year=2025) == (
        datetime.date(2025, 12, 31)
    )
    assert certificate_valid_until(CertificateTerm.END_OF_PERIOD, review_year=2023, last_year=2025) == (
        datetime.date(2025, 12, 31)
    )


@pytest.fixture
def approved(officer, chair, commune, village):
    household = new_household(officer, village, "S1", full_name="Lục Văn Khải")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    income, facts = FACTS["P"]
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=income, facts=facts
    )
    approve_all([review], officer=officer, chair=chair, village=village, year=2024)
    review.refresh_from_db()
    return review


@pytest.mark.django_db
def test_the_decision_names_its_place_date_and_signer(client, officer, approved):
    client.force_login(officer)
    decision = approved.decision
    text = _words(pdf_text(client.get(reverse("households:decision-pdf", args=[approved.round_id, decision.pk]))))
    assert f"Bộc Bố, {vietnamese_date(decision.signed_on)}" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Hà Văn Khánh" in text


@pytest.mark.django_db
def test_the_certificate_shows_place_date_signer_and_validity(client, officer, approved):
    client.force_login(officer)
    url = reverse("households:review-certificate", args=[approved.pk])
    text = _words(pdf_text(client.get(url)))
    assert f"Bộc Bố, {vietnamese_date(approved.decision.signed_on)}" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Hà Văn Khánh" in text
    # No term set: valid until the next annual review recognises the households again; no date invented.
    assert "có giá trị đến khi có quyết định công nhận của kỳ rà soát hằng năm tiếp theo" in text
    CertificateValidity.objects.create(period=approved.round.standard.code, term=CertificateTerm.END_OF_NEXT_YEAR)
    assert "Giấy chứng nhận có giá trị đến 31/12/2025." in _words(pdf_text(client.get(url)))


@pytest.mark.django_db
def test_a_signer_without_a_name_leaves_a_line_to_sign_on(client, officer, approved):
    approved.decision.signer.first_name = approved.decision.signer.last_name = ""
    approved.decision.signer.save()
    client.force_login(officer)
    text = _words(pdf_text(client.get(reverse("households:review-certificate", args=[approved.pk]))))
    assert "CHỦ TỊCH ……" in text
    assert approved.decision.signer.username not in text


@pytest.mark.django_db
def test_the_request_names_the_commune_and_leaves_the_date_to_the_household(client, officer, approved):
    client.force_login(officer)
    url = reverse("households:household-escape-request", args=[approved.household_id])
    assert "Bộc Bố, ngày …… tháng …… năm ……" in _words(pdf_text(client.get(url)))
