"""The dates of the review's steps are checked (Decision 24/2021/QĐ-TTg, art. 4): the village meeting is not in
the future, the posting is on or after it, the complaint period of 3 working days (weekends and public
holidays skipped, Labour Code 2019 art. 112) is over before submission on the real clock, the decision is
signed on or after the step before it and not in the future; a mistyped posting date is corrected before
submission."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from households.errors import WorkflowError
from households.models import ReviewKind, ReviewState
from households.services import (
    review_approve,
    review_create,
    review_meeting_confirm,
    review_post,
    review_posting_correct,
    review_submit,
    round_open,
)
from standards.models import PublicHoliday
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.review_data import DEPRIVED
from tests.reviews import new_household

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)


def draft_in(officer, village, commune, year, code="WD-1"):
    review_round = round_open(user=officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
    household = new_household(officer, village, code)
    return review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_000_000, facts=DEPRIVED
    )


@pytest.fixture
def draft(officer, village, commune):
    return draft_in(officer, village, commune, 2024)


@pytest.fixture
def new_commune(unit):
    """A commune after the 2025 reform: no district chair to consult, so submission leads to the decision."""
    return unit("Xã Bằng Thành", on=AFTER_REFORM)


@pytest.fixture
def new_staff(make_user, new_commune):
    village = VillageFactory(parent=new_commune, name="Thôn Khuổi Mản")
    officer = make_user(Role.COMMUNE_OFFICER, [new_commune])
    chair = make_user(Role.COMMUNE_CHAIR, [new_commune])
    return officer, chair, village


def meet(officer, reviews, village, held_on):
    return review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=held_on, attendance=20, agreeing=15
    )


def test_the_village_meeting_cannot_be_in_the_future(draft, officer, village):
    with pytest.raises(ValidationError) as error:
        meet(officer, [draft], village, timezone.localdate() + DAY)
    assert "held_on" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.state == ReviewState.DRAFT


def test_the_list_is_posted_on_or_after_the_meeting_and_not_in_the_future(draft, officer, village):
    meet(officer, [draft], village, D(2024, 10, 10))
    with pytest.raises(ValidationError, match="10/10/2024"):
        review_post(user=officer, reviews=[draft], posted_on=D(2024, 10, 9))
    with pytest.raises(ValidationError) as error:
        review_post(user=officer, reviews=[draft], posted_on=timezone.localdate() + DAY)
    assert "posted_on" in error.value.message_dict
    review_post(user=officer, reviews=[draft], posted_on=D(2024, 10, 10))  # the same day is allowed
    draft.refresh_from_db()
    assert draft.state == ReviewState.POSTED


def test_the_complaint_period_is_three_working_days_without_weekends_and_holidays(draft, officer, village):
    """Decision 24/2021/QĐ-TTg, art. 4, step 4: 3 working days (check: domain.md §3). Posted on Friday 26 April
    2024: 29/4 (swapped day off), 30/4 and 1/5 are off (``PublicHoliday``), so complaints are heard on Thursday
    2, Friday 3 and Monday 6 May. Counted in calendar days the period ended on 29 April."""
    meet(officer, [draft], village, D(2024, 4, 20))
    review_post(user=officer, reviews=[draft], posted_on=D(2024, 4, 26))
    draft.refresh_from_db()
    assert draft.complaints_until == D(2024, 5, 6)
    with pytest.raises(WorkflowError, match="06/05/2024"):
        review_submit(user=officer, reviews=[draft], submitted_on=D(2024, 5, 6))
    review_submit(user=officer, reviews=[draft], submitted_on=D(2024, 5, 7))
    draft.refresh_from_db()
    assert (draft.state, draft.submitted_on) == (ReviewState.SUBMITTED, D(2024, 5, 7))


def test_the_holidays_are_data_an_administrator_adds(draft, officer, village):
    """A day off announced later (``PublicHoliday``, admin-editable) lengthens the period; no code changes."""
    PublicHoliday.objects.create(date=D(2024, 10, 8), name="Nghỉ (thử)")
    meet(officer, [draft], village, D(2024, 10, 1))
    review_post(user=officer, reviews=[draft], posted_on=D(2024, 10, 4))  # Friday
    draft.refresh_from_db()
    assert draft.complaints_until == D(2024, 10, 10)  # Mon 7, (Tue 8 off), Wed 9, Thu 10


def test_submission_waits_for_the_complaint_period_on_the_real_clock(new_staff, new_commune):
    """The period is over on the real clock: submission without a day is today's, and a day still to come is
    refused (``review_submit`` used to take any ``today`` from its caller)."""
    officer, _chair, village = new_staff
    draft = draft_in(officer, village, new_commune, 2026)
    today = timezone.localdate()
    meet(officer, [draft], village, today - DAY)
    review_post(user=officer, reviews=[draft], posted_on=today)
    with pytest.raises(WorkflowError):
        review_submit(user=officer, reviews=[draft])
    with pytest.raises(ValidationError) as error:
        review_submit(user=officer, reviews=[draft], submitted_on=today + datetime.timedelta(days=30))
    assert "submitted_on" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.state == ReviewState.POSTED


def test_the_decision_is_signed_on_or_after_submission_and_not_in_the_future(new_staff, new_commune):
    officer, chair, village = new_staff
    draft = draft_in(officer, village, new_commune, 2026)
    today = timezone.localdate()
    meet(officer, [draft], village, today - datetime.timedelta(days=40))
    review_post(user=officer, reviews=[draft], posted_on=today - datetime.timedelta(days=30))
    submitted_on = today - datetime.timedelta(days=10)
    review_submit(user=officer, reviews=[draft], submitted_on=submitted_on)
    with pytest.raises(ValidationError, match=submitted_on.strftime("%d/%m/%Y")):
        review_approve(user=chair, reviews=[draft], decision_number="7/QĐ-UBND", signed_on=submitted_on - DAY)
    with pytest.raises(ValidationError) as error:
        review_approve(user=chair, reviews=[draft], decision_number="7/QĐ-UBND", signed_on=today + DAY)
    assert "signed_on" in error.value.message_dict
    decision = review_approve(user=chair, reviews=[draft], decision_number="7/QĐ-UBND", signed_on=submitted_on)
    assert decision.signed_on == submitted_on


def test_a_mistyped_posting_date_is_corrected_before_submission(draft, officer, chair, village):
    """The officer corrects the posting date (not only the chair by sending the review back); the complaint
    period follows it and the review's history keeps the date it replaced."""
    meet(officer, [draft], village, D(2024, 10, 1))
    review_post(user=officer, reviews=[draft], posted_on=D(2024, 10, 20))  # typed for 02/10
    with pytest.raises(WorkflowError):
        review_posting_correct(user=chair, reviews=[draft], posted_on=D(2024, 10, 2))
    review_posting_correct(user=officer, reviews=[draft], posted_on=D(2024, 10, 2))
    draft.refresh_from_db()
    assert (draft.state, draft.posted_on, draft.complaints_until) == (
        ReviewState.POSTED,
        D(2024, 10, 2),
        D(2024, 10, 7),
    )
    latest = draft.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == officer
    assert "20/10/2024" in latest.history_change_reason
    with pytest.raises(ValidationError):
        review_posting_correct(user=officer, reviews=[draft], posted_on=D(2024, 9, 30))  # before the meeting
    review_submit(user=officer, reviews=[draft], submitted_on=D(2024, 10, 8))
    with pytest.raises(WorkflowError):
        review_posting_correct(user=officer, reviews=[draft], posted_on=D(2024, 10, 3))


def test_the_posting_date_is_corrected_on_the_round_page(client, draft, officer, village):
    meet(officer, [draft], village, D(2024, 10, 1))
    review_post(user=officer, reviews=[draft], posted_on=D(2024, 10, 20))
    client.force_login(officer)
    page = client.get(draft.round.get_absolute_url())
    assert 'data-step="correct_posting"' in page.text
    assert (
        'href="' + draft.round.get_absolute_url() + '?state=posted#step-correct_posting"'
        in client.get(draft.get_absolute_url()).text
    )
    response = client.post(
        reverse("households:round-step", args=[draft.round_id, "correct_posting"]),
        {"correct_posting-reviews": [draft.pk], "correct_posting-posted_on": "02/10/2024"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.posted_on == D(2024, 10, 2)
