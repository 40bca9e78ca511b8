"""``households.access.ReviewPolicy`` answers what the services enforce (Decision 24/2021/QĐ-TTg, art. 4).

Every step × every role (and a superuser, and an officer of another commune) × every state, in a round that
consults the district chair (2024) and in one that does not (2026, after the 2025 reform): the policy's ``may``
and ``refusal`` against what the step's service does with the same user and review. The pages offer a step by
asking the policy, so a difference here is a button that fails, or a step taken that no page offers.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from households.access import ROLE_NEVER_TAKES_STEP, ReviewPolicy
from households.errors import ScopeError, WorkflowError
from households.models import HouseholdReview, ReviewKind, ReviewState
from households.services import (
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_posting_correct,
    review_return,
    review_submit,
    review_update,
    round_open,
)
from households.workflow import Step
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.review_data import GOOD
from tests.reviews import district_officer_of, new_household

pytestmark = pytest.mark.django_db

ALLOWED = "allowed"
OUTSIDE_AREA = "outside the area"


class _Undo(Exception):
    """Raised inside the step's transaction so that the world stays as it was for the next case."""


def _take(step: Step, user, review: HouseholdReview) -> None:
    today = timezone.localdate()
    reviews = [review]
    if step == Step.EDIT:
        review_update(
            user=user,
            review=review,
            expected_version=review.version,
            income_per_capita=review.income_per_capita,
            facts=review.facts,
            causes=review.causes,
        )
    elif step == Step.CONFIRM_MEETING:
        review_meeting_confirm(
            user=user, reviews=reviews, village=review.village, held_on=today, attendance=20, agreeing=15
        )
    elif step == Step.POST:
        review_post(user=user, reviews=reviews, posted_on=today)
    elif step == Step.CORRECT_POSTING:
        review_posting_correct(user=user, reviews=reviews, posted_on=today)
    elif step == Step.SUBMIT:
        review_submit(user=user, reviews=reviews, submitted_on=today)
    elif step == Step.CONSULT_DISTRICT:
        review_district_consult(user=user, reviews=reviews, consulted_on=today)
    elif step == Step.APPROVE:
        review_approve(user=user, reviews=reviews, decision_number="99/QĐ-UBND", signed_on=today)
    elif step == Step.RETURN:
        review_return(user=user, reviews=reviews, reason="Thiếu biên bản họp thôn")
    else:
        raise AssertionError(f"no service call for {step}")


def service_outcome(step: Step, user, review: HouseholdReview) -> str:
    """What the step's service does: takes the step (undone at once), refuses it outside the user's area, or
    refuses it with the rule's message."""
    try:
        with transaction.atomic():
            _take(step, user, review)
            raise _Undo
    except _Undo:
        return ALLOWED
    except ScopeError:
        return OUTSIDE_AREA
    except WorkflowError as error:
        return " ".join(error.messages)


def policy_outcome(step: Step, user, review: HouseholdReview) -> str:
    try:
        refusal = ReviewPolicy(user).refusal(step, review)
    except ScopeError:
        return OUTSIDE_AREA
    return ALLOWED if refusal is None else f"{review.household.code}: {refusal}"


def _world(make_user, *, commune, village, year, district, stranger_commune):
    """A round of ``year`` in ``commune`` with one review in each state, and a user of each role."""
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    review_round = round_open(user=officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
    reviews = {}
    for n, state in enumerate(ReviewState):
        review = review_create(
            user=officer,
            review_round=review_round,
            household=new_household(officer, village, f"P{year}-{n}"),
            income_per_capita=1_000_000,
            facts=GOOD,
        )
        HouseholdReview.objects.filter(pk=review.pk).update(state=state)
        reviews[state] = review.pk
    users = {
        "province officer": make_user(Role.PROVINCE_OFFICER, [commune.parent.parent or commune.parent]),
        "district officer": district,
        "commune officer": officer,
        "commune chair": make_user(Role.COMMUNE_CHAIR, [commune]),
        "viewer": make_user(Role.VIEWER, [commune]),
        "API client": make_user(Role.API_CLIENT, [commune]),
        "officer of another commune": make_user(Role.COMMUNE_OFFICER, [stranger_commune]),
        "superuser": make_user(Role.VIEWER, [], is_superuser=True),
    }
    return reviews, users


@pytest.fixture
def worlds(make_user, unit):
    before = unit("Xã Bộc Bố")
    after = unit("Xã Bằng Thành", on=AFTER_REFORM)
    return {
        # Before 1 July 2025: the district chair is consulted before the decision (art. 4, step 5).
        2024: _world(
            make_user,
            commune=before,
            village=VillageFactory(parent=before, name="Thôn Nà Hin"),
            year=2024,
            district=district_officer_of(before),
            stranger_commune=unit("Xã Lương Thượng"),
        ),
        # From 1 July 2025 there is no district: its former officer reads but does not change the new commune.
        2026: _world(
            make_user,
            commune=after,
            village=VillageFactory(parent=after, name="Thôn Khuổi Mản"),
            year=2026,
            district=district_officer_of(before),
            stranger_commune=before,
        ),
    }


def _fresh(pk: int) -> HouseholdReview:
    # As the pages load a review (``review_list``): the services change the object they are given.
    return HouseholdReview.objects.select_related("household", "village", "round", "round__standard").get(pk=pk)


@pytest.mark.parametrize("step", list(Step))
def test_the_policy_gives_the_services_answer(step, worlds):
    differences = []
    allowed = 0
    for year, (reviews, users) in worlds.items():
        for who, user in users.items():
            for state, pk in reviews.items():
                expected = policy_outcome(step, user, _fresh(pk))
                may = ReviewPolicy(user).may(step, _fresh(pk))
                actual = service_outcome(step, user, _fresh(pk))
                if expected != actual or may != (actual == ALLOWED):
                    differences.append(f"{year} {who} {state}: policy {expected!r} (may={may}), service {actual!r}")
                allowed += actual == ALLOWED
    assert differences == []
    assert allowed, f"no one may take {step} from any state: the table has lost the step"


def test_the_steps_each_role_takes_from_each_state(worlds):
    """A few answers written out from the Decision, so that the policy and the services cannot drift together."""
    reviews, users = worlds[2024]
    after_reviews, after_users = worlds[2026]

    def steps(users, reviews, who, state):
        return ReviewPolicy(users[who]).steps_for(_fresh(reviews[state]))

    assert steps(users, reviews, "commune officer", ReviewState.DRAFT) == {Step.EDIT, Step.CONFIRM_MEETING}
    assert steps(users, reviews, "commune officer", ReviewState.POSTED) == {Step.SUBMIT, Step.CORRECT_POSTING}
    assert steps(users, reviews, "district officer", ReviewState.SUBMITTED) == {Step.CONSULT_DISTRICT}
    assert steps(users, reviews, "commune chair", ReviewState.SUBMITTED) == {Step.RETURN}
    assert steps(users, reviews, "commune chair", ReviewState.DISTRICT_CONSULTED) == {Step.APPROVE, Step.RETURN}
    assert steps(after_users, after_reviews, "commune chair", ReviewState.SUBMITTED) == {Step.APPROVE, Step.RETURN}
    assert steps(after_users, after_reviews, "district officer", ReviewState.DRAFT) == set()
    for who in users:
        assert steps(users, reviews, who, ReviewState.APPROVED) == set()
    for who in ("province officer", "viewer", "API client", "officer of another commune"):
        assert all(not steps(users, reviews, who, state) for state in ReviewState)


def test_a_round_offers_the_steps_of_the_states_it_holds(worlds):
    reviews, users = worlds[2024]
    review_round = _fresh(reviews[ReviewState.DRAFT]).round
    officer, chair = ReviewPolicy(users["commune officer"]), ReviewPolicy(users["commune chair"])
    assert officer.steps_in(review_round, [ReviewState.DRAFT]) == {Step.EDIT, Step.CONFIRM_MEETING}
    assert chair.steps_in(review_round, [ReviewState.DRAFT]) == set()
    assert ReviewPolicy(users["officer of another commune"]).steps_in(review_round, list(ReviewState)) == set()
    assert officer.may_enter(review_round)
    assert not chair.may_enter(review_round)


def test_a_page_for_a_step_refuses_a_role_that_never_takes_it(worlds):
    reviews, users = worlds[2024]
    commune = _fresh(reviews[ReviewState.DRAFT]).round.commune
    ReviewPolicy(users["commune officer"]).require(Step.SUBMIT, commune)
    with pytest.raises(PermissionDenied) as refused:
        ReviewPolicy(users["commune chair"]).require(Step.SUBMIT, commune)
    assert str(refused.value) == str(ROLE_NEVER_TAKES_STEP)
    with pytest.raises(ScopeError):
        ReviewPolicy(users["officer of another commune"]).require(Step.SUBMIT, commune)
