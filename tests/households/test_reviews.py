"""Reviews through the workflow of Decision 24/2021/QĐ-TTg: status, transition, permissions, locking."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from households.errors import ConflictError, ScopeError, WorkflowError
from households.models import ReviewKind, ReviewState
from households.services import (
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_return,
    review_submit,
    review_update,
    round_open,
)
from households.transitions import Transition
from standards.models import PovertyStandard
from tests.factories import VillageFactory
from tests.reviews import (
    DEPRIVED,
    FACTS,
    GOOD,
    POOR_INCOME,
    approve_all,
    district_officer_of,
    new_household,
)

pytestmark = pytest.mark.django_db

STATUS = {"P": "poor", "N": "near_poor", "A": "average"}


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Bản Pjầy")


def run_round(year, plan, households, *, officer, chair, village, commune):
    review_round = round_open(user=officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
    reviews = []
    for code, statuses in plan.items():
        income, facts = FACTS[statuses[year - 2022]]
        reviews.append(
            review_create(
                user=officer,
                review_round=review_round,
                household=households[code],
                income_per_capita=income,
                facts=facts,
            )
        )
    approve_all(reviews, officer=officer, chair=chair, village=village, year=year)
    return {r.household.code: r for r in reviews}


def test_status_and_transition_over_three_years(officer, chair, village, commune):
    """Each transition of Circular 07/2021/TT-BLĐTBXH, Appendix VII, at least once."""
    plan = {"H1": "PPN", "H2": "PAP", "H3": "NPP", "H4": "NAN", "H5": "NNA", "H6": "AAP"}
    households = {code: new_household(officer, village, code) for code in plan}
    results = {
        year: run_round(year, plan, households, officer=officer, chair=chair, village=village, commune=commune)
        for year in (2022, 2023, 2024)
    }
    T = Transition
    expected = {
        "H1": [T.NEWLY_POOR, T.STAYED_POOR, T.POOR_TO_NEAR_POOR],
        "H2": [T.NEWLY_POOR, T.POOR_ESCAPED, T.FELL_BACK_POOR],
        "H3": [T.NEWLY_NEAR_POOR, T.NEAR_POOR_TO_POOR, T.STAYED_POOR],
        "H4": [T.NEWLY_NEAR_POOR, T.NEAR_POOR_ESCAPED, T.FELL_BACK_NEAR_POOR],
        "H5": [T.NEWLY_NEAR_POOR, T.STAYED_NEAR_POOR, T.NEAR_POOR_ESCAPED],
        "H6": [T.STAYED_NOT_POOR, T.STAYED_NOT_POOR, T.NEWLY_POOR],
    }
    for code, statuses in plan.items():
        got = [results[year][code] for year in (2022, 2023, 2024)]
        assert [r.status for r in got] == [STATUS[s] for s in statuses], code
        assert [r.transition for r in got] == expected[code], code
        assert {r.state for r in got} == {ReviewState.APPROVED}
    assert results[2024]["H2"].previous_status == "average"
    assert PovertyStandard.objects.get(pk=results[2022]["H1"].round.standard_id).locked


def test_the_status_is_computed_with_an_explanation(officer, village, commune):
    household = new_household(officer, village, "X1")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_500_000, facts=DEPRIVED
    )
    assert review.status == "poor"
    assert review.deprived == ["housing_quality", "water", "latrine"]
    assert review.deprived_count == 3
    assert any("1.500.000đ" in line for line in review.explanation)
    assert review.is_urban is False
    assert (review.commune, review.village) == (commune, village)
    assert review.facts["members"][0]["name"] == "Chủ hộ X1"


def test_missing_facts_are_named(officer, village, commune):
    household = new_household(officer, village, "X2", employment="")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    with pytest.raises(ValidationError) as error:
        review_create(
            user=officer,
            review_round=review_round,
            household=household,
            income_per_capita=1_000_000,
            facts={k: v for k, v in GOOD.items() if k != "water_source"},
        )
    text = " ".join(error.value.messages)
    assert "Chủ hộ X2" in text
    assert "nguồn nước" in text.lower() or "water" in text.lower()


def test_the_annual_round_runs_from_1_september_to_14_december(officer, commune):
    """Decision 24/2021/QĐ-TTg, art. 4."""
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    assert (review_round.starts_on, review_round.ends_on) == (datetime.date(2024, 9, 1), datetime.date(2024, 12, 14))
    assert review_round.standard.code == "2021-2025"
    with pytest.raises(ValidationError):
        round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)


@pytest.fixture
def draft(officer, village, commune):
    household = new_household(officer, village, "D1")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    return review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=POOR_INCOME, facts=GOOD
    )


def test_a_chair_may_not_enter_and_an_officer_may_not_approve(draft, officer, chair, village):
    review_meeting_confirm(
        user=officer, reviews=[draft], village=village, held_on=datetime.date(2024, 10, 1), attendance=10, agreeing=5
    )
    review_post(user=officer, reviews=[draft], posted_on=datetime.date(2024, 10, 2))
    review_submit(user=officer, reviews=[draft], submitted_on=datetime.date(2024, 10, 10))
    review_district_consult(
        user=district_officer_of(village.parent), reviews=[draft], consulted_on=datetime.date(2024, 10, 15)
    )
    with pytest.raises(WorkflowError, match="Cán bộ cấp xã"):
        review_approve(user=officer, reviews=[draft], decision_number="1", signed_on=datetime.date(2024, 11, 1))
    review_return(user=chair, reviews=[draft], reason="Thiếu biên bản họp thôn")
    draft.refresh_from_db()
    assert draft.state == ReviewState.RETURNED
    assert draft.returned_reason == "Thiếu biên bản họp thôn"


def test_steps_out_of_order_are_refused(draft, officer):
    with pytest.raises(WorkflowError):
        review_submit(user=officer, reviews=[draft], submitted_on=datetime.date(2024, 10, 10))


def test_the_meeting_needs_half_of_those_present(draft, officer, village):
    """Decision 24/2021/QĐ-TTg, art. 4, step 3. Under half agreeing used to refuse the step and record nothing;
    the meeting is now recorded and the review is checked again (tests/households/test_workflow_steps.py)."""
    meeting = review_meeting_confirm(
        user=officer, reviews=[draft], village=village, held_on=datetime.date(2024, 10, 1), attendance=11, agreeing=5
    )
    draft.refresh_from_db()
    assert (meeting.agreed, draft.state) == (False, ReviewState.RECHECKING)


def test_submission_waits_for_the_complaint_period(draft, officer, village):
    review_meeting_confirm(
        user=officer, reviews=[draft], village=village, held_on=datetime.date(2024, 10, 1), attendance=10, agreeing=6
    )
    review_post(user=officer, reviews=[draft], posted_on=datetime.date(2024, 10, 2))
    # Posted on Wednesday 2 October 2024: complaints heard on 3, 4 and 7 October (3 working days).
    with pytest.raises(WorkflowError, match="07/10/2024"):
        review_submit(user=officer, reviews=[draft], submitted_on=datetime.date(2024, 10, 7))
    review_submit(user=officer, reviews=[draft], submitted_on=datetime.date(2024, 10, 8))


def test_an_approved_review_is_locked(draft, officer, chair, village):
    approve_all([draft], officer=officer, chair=chair, village=village, year=2024)
    draft.refresh_from_db()
    with pytest.raises(WorkflowError, match="khóa"):
        review_update(user=officer, review=draft, expected_version=draft.version, income_per_capita=1, facts=GOOD)
    with pytest.raises(WorkflowError):
        review_return(user=chair, reviews=[draft], reason="Sai")


def test_a_correction_goes_through_an_ongoing_review(draft, officer, chair, village, commune):
    approve_all([draft], officer=officer, chair=chair, village=village, year=2024)
    ongoing = round_open(
        user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=datetime.date(2024, 12, 20)
    )
    correction = review_create(
        user=officer, review_round=ongoing, household=draft.household, income_per_capita=POOR_INCOME, facts=DEPRIVED
    )
    assert correction.status == "poor"
    # The correction stands for the household's 2024 in the statistics (it replaces the annual review), so its
    # transition is the one the 2024 change table counts: from the end of 2023 (no status) to poor, newly poor
    # — not against the annual review of the same year (Circular 07/2021/TT-BLĐTBXH, Appendix VII; see
    # tests/households/test_transition_year.py). It used to say "near-poor became poor".
    assert correction.transition == Transition.NEWLY_POOR


def test_two_people_editing_the_same_review_get_a_conflict(draft, officer):
    loaded_version = draft.version
    review_update(user=officer, review=draft, expected_version=loaded_version, income_per_capita=900_000, facts=GOOD)
    with pytest.raises(ConflictError):
        review_update(
            user=officer, review=draft, expected_version=loaded_version, income_per_capita=800_000, facts=GOOD
        )
    draft.refresh_from_db()
    assert draft.income_per_capita == 900_000


def test_staff_of_another_commune_and_viewers_are_refused(draft, make_user, unit):
    other = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    with pytest.raises(ScopeError):
        review_update(user=other, review=draft, expected_version=draft.version, income_per_capita=1, facts=GOOD)
    viewer = make_user(Role.VIEWER, [unit("Xã Bộc Bố")])
    with pytest.raises(ScopeError):
        review_update(user=viewer, review=draft, expected_version=draft.version, income_per_capita=1, facts=GOOD)


def test_history_rows_record_who_changed_the_review(draft, officer):
    review_update(user=officer, review=draft, expected_version=draft.version, income_per_capita=900_000, facts=GOOD)
    rows = list(draft.history.order_by("history_date"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert {row.history_user for row in rows} == {officer}
    assert rows[-1].income_per_capita == 900_000


def test_household_facts_leave_out_blank_and_unknown_facts():
    from decimal import Decimal

    from households.review_facts import household_facts

    facts = household_facts(
        {
            "housing": "",
            "telecom": [],
            "water_source": None,
            "living_area_m2": "12.5",
            "devices": ["tv"],
            "latrine": "septic",
            "not_a_fact": "x",
        },
        [],
    )
    assert (facts.housing, facts.telecom, facts.water_source) == (None, None, None)
    assert (facts.living_area_m2, facts.devices, facts.latrine) == (Decimal("12.5"), frozenset({"tv"}), "septic")
    assert household_facts({"living_area_m2": Decimal(0)}, []).living_area_m2 == Decimal(0)  # zero is a fact
