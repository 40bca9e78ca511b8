"""Review pages over HTTP: entry with Vietnamese numbers, the workflow buttons by role, Forms 02 and 03 as PDF."""

import pytest
from django.urls import reverse

from accounts.models import Role
from households.models import HouseholdReview, ReviewKind, ReviewRound, ReviewState
from households.services import review_create, round_open
from tests.factories import VillageFactory
from tests.pdfs import pdf_text
from tests.reviews import DEPRIVED, GOOD, approve_all, new_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Bản Đông Lẻo")


@pytest.fixture
def review_round(officer, commune):
    return round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)


def test_opening_a_round_from_the_list_page(client, officer, commune):
    client.force_login(officer)
    response = client.post(reverse("households:round-list"), {"commune": commune.pk, "year": 2024, "kind": "annual"})
    review_round = ReviewRound.objects.get()
    assert response["Location"] == review_round.get_absolute_url()
    assert review_round.standard.code == "2021-2025"


def test_a_round_for_a_year_the_commune_did_not_exist_is_refused_with_a_message(client, officer, commune):
    client.force_login(officer)
    response = client.post(reverse("households:round-list"), {"commune": commune.pk, "year": 2026, "kind": "annual"})
    assert response.status_code == 200
    assert not ReviewRound.objects.exists()
    assert "Xã Bộc Bố" in response.text


def test_entering_a_review_with_vietnamese_thousands(client, officer, village, review_round):
    household = new_household(officer, village, "BB-7")
    client.force_login(officer)
    data = {
        "household": household.pk,
        "income_per_capita": "1.200.000",
        **{f"fact_{k}": v for k, v in DEPRIVED.items()},
    }
    response = client.post(reverse("households:review-create", args=[review_round.pk]), data)
    review = HouseholdReview.objects.get()
    assert response["Location"] == review.get_absolute_url()
    assert (review.income_per_capita, review.status, review.deprived_count) == (1_200_000, "poor", 3)
    page = client.get(review.get_absolute_url())
    assert "1.200.000đ" in page.text


def test_a_bad_income_keeps_the_facts_typed(client, officer, village, review_round):
    household = new_household(officer, village, "BB-8")
    client.force_login(officer)
    data = {"household": household.pk, "income_per_capita": "một triệu", "fact_living_area_m2": "42.5"}
    response = client.post(reverse("households:review-create", args=[review_round.pk]), data)
    assert response.status_code == 200
    assert not HouseholdReview.objects.exists()
    assert 'value="một triệu"' in response.text
    assert 'value="42.5"' in response.text
    assert 'id="id_income_per_capita_errors"' in response.text


def test_the_workflow_buttons_follow_the_role(client, officer, chair, village, review_round):
    household = new_household(officer, village, "BB-9")
    review_create(user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD)
    client.force_login(officer)
    page = client.get(review_round.get_absolute_url())
    assert 'data-step="confirm_meeting"' in page.text
    assert 'data-step="approve"' not in page.text
    client.force_login(chair)
    assert 'data-step="confirm_meeting"' not in client.get(review_round.get_absolute_url()).text


def test_a_step_taken_through_the_page(client, officer, village, review_round):
    """Decision 24/2021/QĐ-TTg, art. 4, step 3. A meeting where under half agreed was refused and left no trace;
    it is now recorded and sends the review to be checked again, and a new meeting confirms it."""
    household = new_household(officer, village, "BB-10")
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD
    )
    client.force_login(officer)
    url = reverse("households:round-step", args=[review_round.pk, "confirm_meeting"])
    disagreed = client.post(
        url,
        {
            "confirm_meeting-reviews": [review.pk],
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": "01/10/2024",
            "confirm_meeting-attendance": "20",
            "confirm_meeting-agreeing": "9",
        },
        follow=True,
    )
    assert [m.level_tag for m in disagreed.context["messages"]] == ["warning"]
    assert 'data-meeting-agreed="false"' in disagreed.text
    review.refresh_from_db()
    assert review.state == ReviewState.RECHECKING
    accepted = client.post(
        url,
        {
            "confirm_meeting-reviews": [review.pk],
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": "01/10/2024",
            "confirm_meeting-attendance": "20",
            "confirm_meeting-agreeing": "15",
        },
    )
    assert accepted.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.MEETING_CONFIRMED
    assert review.meeting.agreeing == 15


def test_forms_02_and_03_as_pdf(client, officer, chair, village, review_round, django_assert_max_num_queries):
    poor = new_household(officer, village, "BB-11")
    review = review_create(
        user=officer, review_round=review_round, household=poor, income_per_capita=1_000_000, facts=DEPRIVED
    )
    approve_all([review], officer=officer, chair=chair, village=village, year=2024)
    review.refresh_from_db()
    client.force_login(officer)
    certificate = pdf_text(client.get(reverse("households:review-certificate", args=[review.pk])))
    assert "GIẤY CHỨNG NHẬN" in certificate
    assert "HỘ NGHÈO NĂM 2024" in certificate
    assert "Chủ hộ BB-11" in certificate
    assert "Bản Đông Lẻo" in certificate
    assert "2024/QĐ-UBND" in certificate
    decision = pdf_text(client.get(reverse("households:decision-pdf", args=[review_round.pk, review.decision_id])))
    assert "QUYẾT ĐỊNH" in decision
    # Form 02 also recognises the escaped households (tests/households/test_decision_forms.py).
    article_1 = "Công nhận 1 hộ nghèo, 0 hộ cận nghèo, 0 hộ thoát nghèo và 0 hộ thoát cận nghèo"
    assert article_1 in " ".join(decision.split())
    assert "Hà Văn Khánh" in decision


def test_no_certificate_before_approval_or_outside_the_area(client, officer, village, review_round, make_user, unit):
    household = new_household(officer, village, "BB-12")
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1, facts=DEPRIVED
    )
    client.force_login(officer)
    assert client.get(reverse("households:review-certificate", args=[review.pk])).status_code == 404
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")]))
    assert client.get(review.get_absolute_url()).status_code == 404
    assert client.get(review_round.get_absolute_url()).status_code == 404


def test_the_round_page_has_a_fixed_number_of_queries(
    client, officer, village, review_round, django_assert_max_num_queries
):
    for i in range(15):
        household = new_household(officer, village, f"Q{i}")
        review_create(user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD)
    client.force_login(officer)
    # Session, user, scope (4), round, villages, reviews, decisions, and the reviews of each step's form.
    with django_assert_max_num_queries(16):
        response = client.get(review_round.get_absolute_url())
    assert response.text.count("Q1") >= 1


def submitted_reviews(officer, village, review_round, codes):
    import datetime

    from households.services import review_district_consult, review_meeting_confirm, review_post, review_submit
    from tests.reviews import district_officer_of

    reviews = [
        review_create(
            user=officer,
            review_round=review_round,
            household=new_household(officer, village, code),
            income_per_capita=1_000_000,
            facts=DEPRIVED,
        )
        for code in codes
    ]
    review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=datetime.date(2024, 10, 1), attendance=40, agreeing=30
    )
    review_post(user=officer, reviews=reviews, posted_on=datetime.date(2024, 10, 5))
    review_submit(user=officer, reviews=reviews, submitted_on=datetime.date(2024, 10, 20))
    # A round of 2024 waits for the district chair's opinion before the decision (before 1 July 2025).
    review_district_consult(
        user=district_officer_of(village.parent), reviews=reviews, consulted_on=datetime.date(2024, 10, 25)
    )
    return reviews


def test_the_chair_approves_from_the_queue(
    client, officer, chair, village, review_round, django_assert_max_num_queries
):
    reviews = submitted_reviews(officer, village, review_round, ["BB-1", "BB-2", "BB-3"])
    client.force_login(chair)
    queue_url = reverse("households:approval-queue")

    with django_assert_max_num_queries(12):
        page = client.get(queue_url)

    assert "3 hộ chờ phê duyệt" in page.text
    assert all(f'name="approve-reviews" value="{r.pk}"' in page.text for r in reviews)
    response = client.post(
        reverse("households:round-step", args=[review_round.pk, "approve"]),
        {
            "approve-reviews": [reviews[0].pk, reviews[1].pk],
            "approve-decision_number": "15/QĐ-UBND",
            "approve-signed_on": "01/11/2024",
            "next": queue_url,
        },
    )
    assert response["Location"] == queue_url
    states = dict(HouseholdReview.objects.values_list("household__code", "state"))
    assert states == {
        "BB-1": ReviewState.APPROVED,
        "BB-2": ReviewState.APPROVED,
        "BB-3": ReviewState.DISTRICT_CONSULTED,
    }
    page = client.get(queue_url)
    assert "1 hộ chờ phê duyệt" in page.text


def test_the_queue_of_staff_and_of_other_communes(client, officer, chair, village, review_round, make_user, unit):
    from households.services import review_return

    reviews = submitted_reviews(officer, village, review_round, ["BB-1", "BB-2"])
    review_return(user=chair, reviews=[reviews[0]], reason="Thiếu biên bản họp thôn")

    client.force_login(officer)
    page = client.get(reverse("households:approval-queue"))
    assert "Thiếu biên bản họp thôn" not in page.text  # sent back: in the staff's to-do list, not the queue
    assert "Thiếu biên bản họp thôn" in client.get(reverse("households:todo")).text
    assert "1 hộ chờ phê duyệt" in page.text
    assert 'name="approve-reviews"' not in page.text  # staff may not approve

    client.force_login(make_user(Role.COMMUNE_CHAIR, [unit("Xã Lương Thượng")]))
    page = client.get(reverse("households:approval-queue"))
    assert "BB-2" not in page.text
    assert "Không có hồ sơ nào chờ phê duyệt" in page.text


def test_an_external_next_is_ignored(client, officer, chair, village, review_round):
    reviews = submitted_reviews(officer, village, review_round, ["BB-1"])
    client.force_login(chair)
    response = client.post(
        reverse("households:round-step", args=[review_round.pk, "approve"]),
        {
            "approve-reviews": [reviews[0].pk],
            "approve-decision_number": "15/QĐ-UBND",
            "approve-signed_on": "01/11/2024",
            "next": "https://example.com/",
        },
    )
    assert response["Location"] == review_round.get_absolute_url()


def test_a_big_round_is_shown_a_page_at_a_time_and_a_step_applies_to_all(
    client, officer, village, review_round, monkeypatch, django_assert_max_num_queries
):
    from households.views import reviews as review_views

    monkeypatch.setattr(review_views, "ROUND_PAGE_SIZE", 2)
    for n in range(5):
        review_create(
            user=officer,
            review_round=review_round,
            household=new_household(officer, village, f"BB-{n}"),
            income_per_capita=1_000_000,
            facts=DEPRIVED,
        )
    client.force_login(officer)

    with django_assert_max_num_queries(16):
        page = client.get(review_round.get_absolute_url())

    assert page.text.count('type="checkbox" name="confirm_meeting-reviews"') == 2  # the page's two rows, no more
    assert "BB-0" in page.text
    assert "BB-2" not in page.text
    assert "Tất cả 5 hộ ở bước này" in page.text
    assert "Trang 1/3" in page.text
    second = client.get(review_round.get_absolute_url(), {"page": 2})
    assert "BB-2" in second.text
    assert "BB-0" not in second.text

    response = client.post(
        reverse("households:round-step", args=[review_round.pk, "confirm_meeting"]),
        {
            "confirm_meeting-everything": "on",
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": "01/10/2024",
            "confirm_meeting-attendance": 40,
            "confirm_meeting-agreeing": 30,
        },
    )
    assert response.status_code == 302
    assert set(HouseholdReview.objects.values_list("state", flat=True)) == {ReviewState.MEETING_CONFIRMED}
    confirmed = client.get(review_round.get_absolute_url(), {"state": ReviewState.MEETING_CONFIRMED})
    assert 'data-state="meeting_confirmed">5<' in confirmed.text


def test_a_step_with_nothing_ticked_keeps_the_page_and_says_so(client, officer, village, review_round):
    review_create(
        user=officer,
        review_round=review_round,
        household=new_household(officer, village, "BB-1"),
        income_per_capita=1_000_000,
        facts=DEPRIVED,
    )
    client.force_login(officer)
    response = client.post(
        reverse("households:round-step", args=[review_round.pk, "confirm_meeting"]),
        {"confirm_meeting-held_on": "01/10/2024", "confirm_meeting-attendance": 40},
    )
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một hộ." in response.text
    assert 'value="01/10/2024"' in response.text
    assert "BB-1" in response.text  # the page's rows are still offered
    assert HouseholdReview.objects.get().state == ReviewState.DRAFT


def test_a_long_queue_lists_the_first_reviews_and_approves_them_all(
    client, officer, chair, village, review_round, monkeypatch
):
    from households.views import reviews as review_views

    monkeypatch.setattr(review_views, "QUEUE_ROWS", 2)
    submitted_reviews(officer, village, review_round, ["BB-1", "BB-2", "BB-3"])
    client.force_login(chair)
    queue_url = reverse("households:approval-queue")
    page = client.get(queue_url)
    assert "3 hộ chờ phê duyệt" in page.text
    assert page.text.count('name="approve-reviews"') == 2
    assert "Đang liệt kê 2 hộ đầu tiên trong số 3" in page.text
    assert "Tất cả 3 hộ ở bước này" in page.text

    client.post(
        reverse("households:round-step", args=[review_round.pk, "approve"]),
        {
            "approve-everything": "on",
            "approve-decision_number": "16/QĐ-UBND",
            "approve-signed_on": "01/11/2024",
            "next": queue_url,
        },
    )
    assert set(HouseholdReview.objects.values_list("state", flat=True)) == {ReviewState.APPROVED}
