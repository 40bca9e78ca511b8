"""The documents of Decision 24/2021/QĐ-TTg as PDF: Form 02 (the commune chair's decision, with its lists of
poor, near-poor, escaped-poverty and escaped-near-poverty households) and Form 04 (the household's request to
be recognised as escaped)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from households.models import ReviewKind
from households.services import review_create, round_open
from tests.pdfs import pdf_text
from tests.reviews import FACTS, approve_all, new_household

pytestmark = pytest.mark.django_db


def _approved(officer, chair, village, review_round, statuses: dict, year: int) -> dict:
    """Reviews of ``statuses`` (household → "P", "N" or "A"), approved by one decision of the chair."""
    reviews = {}
    for household, status in statuses.items():
        income, facts = FACTS[status]
        reviews[household.code] = review_create(
            user=officer, review_round=review_round, household=household, income_per_capita=income, facts=facts
        )
    approve_all(list(reviews.values()), officer=officer, chair=chair, village=village, year=year)
    for review in reviews.values():
        review.refresh_from_db()
    return reviews


def _words(text: str) -> str:
    return " ".join(text.split())


def test_form_02_lists_the_escaped_households(client, officer, chair, commune, village):
    """Decision 24/2021/QĐ-TTg, art. 4 and Form 02: the decision recognises poor, near-poor, escaped-poverty
    (thoát nghèo) and escaped-near-poverty (thoát cận nghèo) households. A household already recognised as
    escaped by an ongoing decision earlier in the year is not recognised as escaped again."""
    plan = {"E1": "PA", "E2": "NA", "E3": "PN", "E4": "PP", "E5": "AN", "E6": "PA"}
    households = {code: new_household(officer, village, code) for code in plan}
    first = round_open(user=officer, commune=commune, year=2023, kind=ReviewKind.ANNUAL)
    _approved(officer, chair, village, first, {households[c]: s[0] for c, s in plan.items()}, 2023)
    # E6 escaped in an ongoing review of 2024, recognised by that month's decision.
    ongoing = round_open(
        user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=datetime.date(2024, 3, 15)
    )
    _approved(officer, chair, village, ongoing, {households["E6"]: "A"}, 2024)
    annual = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    reviews = _approved(officer, chair, village, annual, {households[c]: s[1] for c, s in plan.items()}, 2024)
    client.force_login(officer)
    url = reverse("households:decision-pdf", args=[annual.pk, reviews["E1"].decision_id])
    text = _words(pdf_text(client.get(url)))
    assert "hộ thoát nghèo, hộ thoát cận nghèo năm 2024" in text
    assert "Công nhận 1 hộ nghèo, 2 hộ cận nghèo, 2 hộ thoát nghèo và 1 hộ thoát cận nghèo" in text
    sections = text.split("Danh sách ")
    lists = {s.split(" (")[0]: s for s in sections[1:]}
    assert set(lists) == {"hộ nghèo", "hộ cận nghèo", "hộ thoát nghèo", "hộ thoát cận nghèo"}
    assert "E4" in lists["hộ nghèo"]
    assert "E3" in lists["hộ cận nghèo"]
    assert "E5" in lists["hộ cận nghèo"]
    assert "E1" in lists["hộ thoát nghèo"]
    assert "E3" in lists["hộ thoát nghèo"]  # poor to near-poor: escaped poverty, recognised as near-poor
    assert "E6" not in lists["hộ thoát nghèo"]  # recognised as escaped in March already
    assert "E2" in lists["hộ thoát cận nghèo"]


def test_form_04_is_the_households_request_prefilled(client, officer, chair, commune, village, make_user, unit):
    """Decision 24/2021/QĐ-TTg, Form 04: the household's own request to be recognised as having escaped
    poverty or near-poverty, addressed to the commune chair; printed for the staff of the household's area."""
    household = new_household(officer, village, "F4-1", full_name="Lục Văn Khải", national_id="006075001234")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    review = _approved(officer, chair, village, review_round, {household: "P"}, 2024)["F4-1"]
    url = reverse("households:household-escape-request", args=[household.pk])
    client.force_login(officer)
    text = _words(pdf_text(client.get(url)))
    assert "GIẤY ĐỀ NGHỊ" in text
    assert "CÔNG NHẬN HỘ THOÁT NGHÈO, HỘ THOÁT CẬN NGHÈO" in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân Xã Bộc Bố" in text
    assert "Lục Văn Khải" in text
    assert "006075001234" in text
    assert "F4-1" in text
    assert "hộ nghèo theo kết quả rà soát năm 2024" in text
    assert review.decision.number in text
    assert "☒ hộ thoát nghèo" in text
    # Reachable from the household's page and the review's page.
    assert url in client.get(household.get_absolute_url()).text
    assert url in client.get(review.get_absolute_url()).text
    # A viewer of the commune may not print it; an officer of another commune does not see the household.
    client.force_login(make_user(Role.VIEWER, [commune]))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")]))
    assert client.get(url).status_code == 404
