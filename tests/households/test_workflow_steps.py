"""The review's steps (Decision 24/2021/QĐ-TTg, art. 4): a village meeting with under half agreeing sends the
reviews to be checked again; the decision is a new one with a number of its own in the commune and year; until
1 July 2025 the district chair is consulted before the decision; only the staff enter reviews, on every path."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from households.errors import WorkflowError
from households.imports.services import import_check, import_commit
from households.models import HouseholdReview, ReviewDecision, ReviewKind, ReviewState, VillageMeeting
from households.services import (
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_submit,
    review_update,
    round_open,
)
from households.workflow import (
    STEP_FROM_WITH_DISTRICT,
    STEP_FROM_WITHOUT_DISTRICT,
    Step,
    consults_district,
    meeting_agrees,
    step_refusal,
)
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.review_data import DEPRIVED, GOOD
from tests.reviews import district_officer_of, new_household
from tests.workbooks import clean_file, household, make_workbook, person

pytestmark = pytest.mark.django_db
D = datetime.date


def reviews_in(officer, village, review_round, codes, facts=DEPRIVED):
    return [
        review_create(
            user=officer,
            review_round=review_round,
            household=new_household(officer, village, code),
            income_per_capita=1_000_000,
            facts=facts,
        )
        for code in codes
    ]


def to_submitted(reviews, officer, village, year):
    review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=D(year, 10, 1), attendance=20, agreeing=15
    )
    review_post(user=officer, reviews=reviews, posted_on=D(year, 10, 2))
    review_submit(user=officer, reviews=reviews, submitted_on=D(year, 10, 10))


@pytest.fixture
def round_2024(officer, commune):
    return round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)


@pytest.fixture
def district(commune):
    return district_officer_of(commune)


@pytest.fixture
def after_reform(make_user, unit):
    """Xã Bằng Thành after the 2025 reform: its staff, a village and the 2026 round."""
    commune = unit("Xã Bằng Thành", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    chair = make_user(Role.COMMUNE_CHAIR, [commune])
    village = VillageFactory(parent=commune, name="Thôn Khuổi Mản")
    review_round = round_open(user=officer, commune=commune, year=2026, kind=ReviewKind.ANNUAL)
    return {"commune": commune, "officer": officer, "chair": chair, "village": village, "round": review_round}


# --- the village meeting: under half agreeing, checked again ---------------------------------------------------


def test_under_half_agreeing_records_the_meeting_and_sends_the_reviews_to_be_checked_again(
    officer, chair, village, round_2024
):
    """Decision 24/2021/QĐ-TTg, art. 4, step 3: under 50 % of those present agreeing, the households are checked
    again and discussed at a new meeting. The step used to be refused and the meeting left no trace."""
    reviews = reviews_in(officer, village, round_2024, ["RC-1", "RC-2"])
    meeting = review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=D(2024, 10, 1), attendance=21, agreeing=10
    )
    assert VillageMeeting.objects.get(pk=meeting.pk).agreed is False
    for review in reviews:
        review.refresh_from_db()
        assert (review.state, review.meeting_id) == (ReviewState.RECHECKING, meeting.pk)
        assert "01/10/2024" in review.returned_reason
    # Checked again: the staff change the review, the chair may not; then a new meeting confirms.
    first = reviews[0]
    review_update(user=officer, review=first, expected_version=first.version, income_per_capita=900_000, facts=GOOD)
    with pytest.raises(WorkflowError):
        review_update(user=chair, review=first, expected_version=first.version, income_per_capita=1, facts=GOOD)
    again = review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=D(2024, 10, 8), attendance=20, agreeing=10
    )
    assert again.agreed  # exactly half is enough
    assert set(HouseholdReview.objects.values_list("state", flat=True)) == {ReviewState.MEETING_CONFIRMED}
    assert round_2024.meetings.count() == 2


def test_meeting_agrees_at_half():
    assert meeting_agrees(attendance=10, agreeing=5)
    assert not meeting_agrees(attendance=11, agreeing=5)
    assert not meeting_agrees(attendance=0, agreeing=0)


# --- the decision: a new one, its number its own in the commune and year ---------------------------------------


def test_approval_refuses_a_number_already_used_in_the_commune_and_year(
    officer, chair, village, commune, round_2024, district
):
    """A decision number is the commune's own in a year (Decree 30/2020/NĐ-CP, Appendix I). Approval used to
    ``get_or_create`` on (round, number), joining reviews silently to a decision already signed."""
    first, second = reviews_in(officer, village, round_2024, ["DN-1", "DN-2"])
    to_submitted([first, second], officer, village, 2024)
    review_district_consult(user=district, reviews=[first, second], consulted_on=D(2024, 10, 15))
    decision = review_approve(user=chair, reviews=[first], decision_number="12/QĐ-UBND", signed_on=D(2024, 11, 1))
    with pytest.raises(ValidationError) as error:
        review_approve(user=chair, reviews=[second], decision_number="12/QĐ-UBND", signed_on=D(2024, 11, 5))
    assert "decision_number" in error.value.message_dict
    second.refresh_from_db()
    assert (second.state, second.decision_id) == (ReviewState.DISTRICT_CONSULTED, None)
    assert decision.reviews.count() == 1

    # Another round of the same commune and year (an ongoing review): the number is taken there too.
    ongoing = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=D(2024, 3, 1))
    late = reviews_in(officer, village, ongoing, ["DN-4"])
    to_submitted(late, officer, village, 2024)
    review_district_consult(user=district, reviews=late, consulted_on=D(2024, 10, 15))
    with pytest.raises(ValidationError):
        review_approve(user=chair, reviews=late, decision_number=" 12/QĐ-UBND ", signed_on=D(2024, 11, 2))
    assert review_approve(user=chair, reviews=late, decision_number="13/QĐ-UBND", signed_on=D(2024, 11, 2))
    assert ReviewDecision.objects.filter(number="12/QĐ-UBND").count() == 1


def test_the_same_number_in_another_commune_or_year_is_a_new_decision(officer, chair, village, round_2024, district):
    reviews = reviews_in(officer, village, round_2024, ["DY-1"])
    to_submitted(reviews, officer, village, 2024)
    review_district_consult(user=district, reviews=reviews, consulted_on=D(2024, 10, 15))
    review_approve(user=chair, reviews=reviews, decision_number="1/QĐ-UBND", signed_on=D(2024, 11, 1))
    round_2023 = round_open(user=officer, commune=round_2024.commune, year=2023, kind=ReviewKind.ANNUAL)
    earlier = reviews_in(officer, village, round_2023, ["DY-2"])
    to_submitted(earlier, officer, village, 2023)
    review_district_consult(user=district, reviews=earlier, consulted_on=D(2023, 10, 15))
    review_approve(user=chair, reviews=earlier, decision_number="1/QĐ-UBND", signed_on=D(2023, 11, 1))
    assert ReviewDecision.objects.filter(number="1/QĐ-UBND").count() == 2


# --- the district chair, before 1 July 2025 --------------------------------------------------------------------


def test_consults_district_only_before_the_reform():
    """The district level ends on 1 July 2025 (domain.md §1)."""
    assert consults_district(D(2025, 6, 30))
    assert not consults_district(D(2025, 7, 1))
    assert STEP_FROM_WITH_DISTRICT[Step.APPROVE] == {ReviewState.DISTRICT_CONSULTED}
    assert STEP_FROM_WITHOUT_DISTRICT[Step.APPROVE] == {ReviewState.SUBMITTED}
    assert STEP_FROM_WITHOUT_DISTRICT[Step.CONSULT_DISTRICT] == frozenset()


def test_before_the_reform_the_district_chair_is_consulted_before_the_decision(
    officer, chair, village, round_2024, district
):
    """Decision 24/2021/QĐ-TTg, art. 4, step 5: the commune reports to the district chair and has the opinion
    before the commune chair decides; the district officer records it."""
    reviews = reviews_in(officer, village, round_2024, ["DC-1"])
    to_submitted(reviews, officer, village, 2024)
    with pytest.raises(WorkflowError, match="Đã trình"):
        review_approve(user=chair, reviews=reviews, decision_number="5/QĐ-UBND", signed_on=D(2024, 11, 1))
    with pytest.raises(WorkflowError):
        review_district_consult(user=officer, reviews=reviews, consulted_on=D(2024, 10, 15))
    with pytest.raises(ValidationError, match="10/10/2024"):
        review_district_consult(user=district, reviews=reviews, consulted_on=D(2024, 10, 9))
    review_district_consult(user=district, reviews=reviews, consulted_on=D(2024, 10, 15))
    with pytest.raises(ValidationError, match="15/10/2024"):
        review_approve(user=chair, reviews=reviews, decision_number="5/QĐ-UBND", signed_on=D(2024, 10, 14))
    review_approve(user=chair, reviews=reviews, decision_number="5/QĐ-UBND", signed_on=D(2024, 10, 20))
    reviews[0].refresh_from_db()
    assert (reviews[0].state, reviews[0].district_consulted_on) == (ReviewState.APPROVED, D(2024, 10, 15))


def test_from_the_reform_there_is_no_district_step(after_reform):
    world = after_reform
    officer, chair = world["officer"], world["chair"]
    reviews = reviews_in(officer, world["village"], world["round"], ["NR-1"])
    to_submitted(reviews, officer, world["village"], 2026)
    district = district_officer_of(world["commune"])  # the province above it: any district officer is refused
    with pytest.raises(WorkflowError):
        review_district_consult(user=district, reviews=reviews, consulted_on=D(2026, 10, 15))
    review_approve(user=chair, reviews=reviews, decision_number="5/QĐ-UBND", signed_on=D(2026, 10, 20))


def test_the_queue_and_the_round_page_follow_the_period(client, officer, chair, village, round_2024, district):
    reviews = reviews_in(officer, village, round_2024, ["DQ-1"])
    to_submitted(reviews, officer, village, 2024)
    client.force_login(chair)
    assert 'name="approve-reviews"' not in client.get(reverse("households:approval-queue")).text
    client.force_login(district)
    page = client.get(round_2024.get_absolute_url())
    assert 'data-step="consult_district"' in page.text
    assert 'data-state="district_consulted"' in page.text
    response = client.post(
        reverse("households:round-step", args=[round_2024.pk, "consult_district"]),
        {"consult_district-reviews": [reviews[0].pk], "consult_district-consulted_on": "15/10/2024"},
    )
    assert response.status_code == 302
    client.force_login(chair)
    assert f'name="approve-reviews" value="{reviews[0].pk}"' in client.get(reverse("households:approval-queue")).text


def test_a_round_after_the_reform_shows_no_district_step(client, after_reform):
    world = after_reform
    reviews = reviews_in(world["officer"], world["village"], world["round"], ["NQ-1"])
    to_submitted(reviews, world["officer"], world["village"], 2026)
    client.force_login(world["officer"])
    page = client.get(world["round"].get_absolute_url())
    assert 'data-state="district_consulted"' not in page.text
    client.force_login(world["chair"])
    assert f'name="approve-reviews" value="{reviews[0].pk}"' in client.get(reverse("households:approval-queue")).text


# --- who enters reviews, on every path -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMUNE_CHAIR, Role.PROVINCE_OFFICER])
def test_the_import_refuses_reviews_to_roles_that_may_not_enter_them(role, make_user, commune, village, unit):
    """The review form is for the commune and district staff (``households.workflow.STEP_ROLES[Step.EDIT]``); the
    Excel import let a chair or the province create draft reviews. Households and members they may still import."""
    units = [unit("Tỉnh Bắc Kạn")] if role == Role.PROVINCE_OFFICER else [commune]
    user = make_user(role, units)
    checked = import_check(user=user, commune=commune, source=clean_file())
    assert [(e.sheet, e.row) for e in checked.errors] == [("reviews", 0)]
    with pytest.raises(ValidationError):
        import_commit(user=user, commune=commune, source=clean_file())
    assert not HouseholdReview.objects.exists()
    only_households = make_workbook(households=[household("BB-01")], members=[person("BB-01", "Hoàng Văn Páo")])
    assert import_commit(user=user, commune=commune, source=only_households).committed


def test_the_import_api_applies_the_same_rule(client, make_user, commune, village, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    chair = make_user(Role.COMMUNE_CHAIR, [commune])
    client.force_login(chair)
    response = client.post(
        "/api/v1/imports/", {"commune": commune.pk, "file": SimpleUploadedFile("ho.xlsx", clean_file())}
    )
    assert response.status_code == 201
    job = response.json()
    assert job["error_count"] == 1
    assert client.post(f"/api/v1/imports/{job['id']}/commit/").status_code == 400
    assert not HouseholdReview.objects.exists()


def test_the_workflow_table_gives_the_edit_step_to_staff_only():
    for role in (Role.COMMUNE_CHAIR, Role.PROVINCE_OFFICER, Role.VIEWER, Role.API_CLIENT):
        refusal = step_refusal(Step.EDIT, role=role, is_superuser=False, state=ReviewState.DRAFT, with_district=True)
        assert refusal
    for role in (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER):
        assert not step_refusal(
            Step.EDIT, role=role, is_superuser=False, state=ReviewState.RECHECKING, with_district=False
        )
