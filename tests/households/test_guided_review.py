"""The guided review (issue 22): from a household to its review in the open round, from a review to its next step and
who takes it, the staff's to-do list, and households ticked village by village for a step."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from households.models import HouseholdReview, ReviewKind, ReviewState
from households.services import (
    review_create,
    review_meeting_confirm,
    review_post,
    review_return,
    review_submit,
    round_open,
)
from households.workflow import Step, next_step, step_takers
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.reviews import GOOD, new_household, step_days

pytestmark = pytest.mark.django_db

# The 2026-2030 standard asks the waste indicator too.
FACTS = {**GOOD, "waste": "collected"}


@pytest.fixture
def commune(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Nà Làng")


@pytest.fixture
def other_village(commune):
    return VillageFactory(parent=commune, name="Thôn Khuổi Luông")


@pytest.fixture
def open_round(officer, commune):
    """The commune's ongoing round of this year: open from today to the end of the year."""
    return round_open(user=officer, commune=commune, year=timezone.localdate().year, kind=ReviewKind.ONGOING)


def enter(officer, review_round, village, code):
    household = new_household(officer, village, code)
    return review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_000_000, facts=FACTS
    )


def submit(officer, reviews, village):
    days = step_days(timezone.localdate().year)
    review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=days["held_on"], attendance=40, agreeing=30
    )
    review_post(user=officer, reviews=reviews, posted_on=days["posted_on"])
    review_submit(user=officer, reviews=reviews, submitted_on=days["submitted_on"])


# --- the rule: the next step, read from the workflow's table ------------------------------------------------------


def test_the_next_step_follows_the_table_of_the_workflow():
    assert next_step(ReviewState.DRAFT, with_district=False) == Step.CONFIRM_MEETING
    assert next_step(ReviewState.RETURNED, with_district=False) == Step.CONFIRM_MEETING
    assert next_step(ReviewState.RECHECKING, with_district=True) == Step.CONFIRM_MEETING
    assert next_step(ReviewState.MEETING_CONFIRMED, with_district=False) == Step.POST
    assert next_step(ReviewState.POSTED, with_district=False) == Step.SUBMIT
    # Until 30 June 2025 the district chair's opinion comes before the decision (Decision 24/2021/QĐ-TTg, art. 4).
    assert next_step(ReviewState.SUBMITTED, with_district=True) == Step.CONSULT_DISTRICT
    assert next_step(ReviewState.SUBMITTED, with_district=False) == Step.APPROVE
    assert next_step(ReviewState.DISTRICT_CONSULTED, with_district=True) == Step.APPROVE
    assert next_step(ReviewState.APPROVED, with_district=True) is None


def test_who_takes_a_step_without_the_district_level():
    assert step_takers(Step.CONFIRM_MEETING, with_district=True) == [Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER]
    assert step_takers(Step.CONFIRM_MEETING, with_district=False) == [Role.COMMUNE_OFFICER]
    assert step_takers(Step.APPROVE, with_district=False) == [Role.COMMUNE_CHAIR]


# --- from a household ---------------------------------------------------------------------------------------------


def test_review_this_household_for_the_open_round(client, officer, chair, village, open_round, make_user, commune):
    household = new_household(officer, village, "VL-1")
    create_url = reverse("households:review-create", args=[open_round.pk])
    client.force_login(officer)
    page = client.get(household.get_absolute_url())
    assert f'href="{create_url}?household={household.pk}"' in page.text
    # The review form comes with the household chosen.
    form = client.get(create_url, {"household": household.pk})
    assert str(form.context["form"]["household"].value()) == str(household.pk)
    assert re.search(rf'<option value="{household.pk}" selected>', form.text)

    # The chair decides on reviews and enters none; a viewer only reads.
    for user in (chair, make_user(Role.VIEWER, [commune])):
        client.force_login(user)
        page = client.get(household.get_absolute_url())
        assert create_url not in page.text
        assert "data-no-open-round" not in page.text


def test_a_household_already_in_the_round_links_to_its_review(client, officer, chair, village, open_round):
    review = enter(officer, open_round, village, "VL-2")
    for user in (officer, chair):
        client.force_login(user)
        page = client.get(review.household.get_absolute_url())
        assert f'<a class="button" href="{review.get_absolute_url()}">' in page.text
        assert reverse("households:review-create", args=[open_round.pk]) not in page.text


def test_without_an_open_round_the_page_says_so_and_who_opens_one(client, officer, village, commune):
    household = new_household(officer, village, "VL-3")
    # Last year's round is over: it does not count.
    round_open(user=officer, commune=commune, year=timezone.localdate().year - 1, kind=ReviewKind.ANNUAL)
    client.force_login(officer)
    page = client.get(household.get_absolute_url())
    assert "data-no-open-round" in page.text
    assert "Xã Văn Lang" in page.text
    assert f'href="{reverse("households:round-list")}"' in page.text
    assert "/new/?household=" not in page.text


# --- from a review: the next step and who takes it ----------------------------------------------------------------


def test_a_draft_shows_the_village_meeting_as_next_step_with_its_button_for_the_staff(
    client, officer, chair, village, open_round
):
    review = enter(officer, open_round, village, "VL-4")
    client.force_login(officer)
    page = client.get(review.get_absolute_url())
    assert 'data-next-step="confirm_meeting"' in page.text
    assert reverse("households:round-step-choose", args=[open_round.pk, "confirm_meeting"]) in page.text

    client.force_login(chair)
    page = client.get(review.get_absolute_url())
    assert 'data-next-step="confirm_meeting"' in page.text
    assert reverse("households:round-step-choose", args=[open_round.pk, "confirm_meeting"]) not in page.text


def test_a_submitted_review_waits_for_the_chair_who_sees_approve_and_return(
    client, officer, chair, village, open_round
):
    review = enter(officer, open_round, village, "VL-5")
    submit(officer, [review], village)
    client.force_login(officer)
    page = client.get(review.get_absolute_url())
    assert 'data-next-step="approve"' in page.text
    assert "/steps/" not in page.text  # the staff take no step on a submitted review

    client.force_login(chair)
    page = client.get(review.get_absolute_url())
    assert reverse("households:round-step-choose", args=[open_round.pk, "approve"]) in page.text
    assert reverse("households:round-step-choose", args=[open_round.pk, "return"]) in page.text


def test_the_next_step_in_vietnamese(client, officer, chair, village, open_round):
    """Needs the compiled catalogue with the msgids of this issue."""
    review = enter(officer, open_round, village, "VL-6")
    client.force_login(officer)
    assert "Bước tiếp theo: cuộc họp thôn — Cán bộ cấp xã" in client.get(review.get_absolute_url()).text
    submit(officer, [review], village)
    assert "Chờ Chủ tịch UBND xã: phê duyệt" in client.get(review.get_absolute_url()).text


# --- the staff's to-do list ---------------------------------------------------------------------------------------


def test_a_returned_review_is_in_the_officers_to_do_not_in_the_chairs_queue(
    client, officer, chair, village, open_round, django_assert_max_num_queries
):
    returned, waiting = enter(officer, open_round, village, "VL-7"), enter(officer, open_round, village, "VL-8")
    submit(officer, [returned, waiting], village)
    review_return(user=chair, reviews=[returned], reason="Thiếu biên bản họp thôn")
    drafts = [enter(officer, open_round, village, f"VL-D{n}") for n in range(3)]

    client.force_login(officer)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("households:todo"))
    returned_part = page.text.split('data-todo="returned"')[1].split("</section>")[0]
    assert "Thiếu biên bản họp thôn" in returned_part
    assert returned.get_absolute_url() in returned_part
    assert reverse("households:review-edit", args=[returned.pk]) in returned_part
    meeting_part = page.text.split('data-todo="confirm_meeting"')[1].split("</div>")[0]
    assert all(d.household.code in meeting_part for d in drafts)
    assert "VL-7" not in meeting_part
    assert "VL-8" not in page.text  # submitted: the chair's, not the staff's

    client.force_login(chair)
    queue = client.get(reverse("households:approval-queue"))
    assert "VL-8" in queue.text
    assert "VL-7" not in queue.text
    assert "Thiếu biên bản họp thôn" not in queue.text


def test_the_to_do_list_costs_the_same_queries_for_more_reviews(
    client, officer, village, open_round, django_assert_max_num_queries
):
    for n in range(12):
        enter(officer, open_round, village, f"VL-Q{n}")
    client.force_login(officer)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("households:todo"))
    assert page.text.count('href="/reviews/') >= 12


def test_the_to_do_list_stays_in_the_users_area(client, officer, village, open_round, make_user, unit):
    enter(officer, open_round, village, "VL-9")
    elsewhere = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bằng Thành", on=AFTER_REFORM)])
    client.force_login(elsewhere)
    page = client.get(reverse("households:todo"))
    assert page.status_code == 200
    assert "VL-9" not in page.text


def test_the_menu_links_the_to_do_list_for_the_staff_only(client, officer, chair):
    todo = f'href="{reverse("households:todo")}"'
    client.force_login(officer)
    assert todo in client.get(reverse("households:round-list")).text
    client.force_login(chair)
    assert todo not in client.get(reverse("households:round-list")).text


# --- choosing households: checkboxes, village by village ----------------------------------------------------------


def groups(html: str) -> dict[str, set[str]]:
    """The ids of the checkboxes of each village group of the page, by village id."""
    found = {}
    for part in html.split('data-village="')[1:]:
        village_id, body = part.split('"', 1)
        body = body.split("</fieldset>")[0]
        found[village_id] = set(re.findall(r'name="[a-z_]+-reviews" value="(\d+)"', body))
    return found


def test_households_are_ticked_village_by_village_and_a_village_alone_is_chosen(
    client, officer, village, other_village, open_round
):
    here = [enter(officer, open_round, village, f"VL-H{n}") for n in range(2)]
    there = [enter(officer, open_round, other_village, f"VL-T{n}") for n in range(2)]
    for reviews, at in ((here, village), (there, other_village)):
        days = step_days(timezone.localdate().year)
        review_meeting_confirm(
            user=officer, reviews=reviews, village=at, held_on=days["held_on"], attendance=20, agreeing=15
        )
    client.force_login(officer)
    url = reverse("households:round-step-choose", args=[open_round.pk, "post"])
    page = client.get(url, {"review": here[0].pk})
    assert groups(page.text) == {
        str(village.pk): {str(r.pk) for r in here},
        str(other_village.pk): {str(r.pk) for r in there},
    }
    assert f'value="{here[0].pk}" id="id_post-reviews_{here[0].pk}" checked' in page.text
    # Without scripts the "select all" box stays hidden and sends nothing: each household is ticked by hand.
    assert page.text.count("hidden data-select-all") == 2
    assert not re.search(r"<input[^>]*name=[^>]*data-select-all-box", page.text)
    assert "<select" not in page.text.split('class="review-choices"')[1].split("</fieldset>")[0]

    # What "select all in this village" sends: the households of that village only.
    response = client.post(
        url,
        {
            "village": village.pk,
            "post-reviews": [r.pk for r in here],
            "post-posted_on": step_days(timezone.localdate().year)["posted_on"].strftime("%d/%m/%Y"),
            "next": here[0].get_absolute_url(),
        },
    )
    assert response["Location"] == here[0].get_absolute_url()
    states = dict(HouseholdReview.objects.values_list("household__code", "state"))
    assert {states[r.household.code] for r in here} == {ReviewState.POSTED}
    assert {states[r.household.code] for r in there} == {ReviewState.MEETING_CONFIRMED}


def test_a_village_meeting_lists_one_village_and_keeps_what_was_typed(
    client, officer, village, other_village, open_round
):
    mine = enter(officer, open_round, village, "VL-M1")
    enter(officer, open_round, other_village, "VL-M2")
    client.force_login(officer)
    url = reverse("households:round-step-choose", args=[open_round.pk, "confirm_meeting"])
    page = client.get(url, {"review": mine.pk, "village": village.pk})
    assert set(groups(page.text)) == {str(village.pk)}
    assert page.context["form"]["village"].value() == village.pk  # the meeting's village, chosen

    # Nothing ticked: the page again, saying so, with the figures typed.
    response = client.post(
        url, {"village": village.pk, "confirm_meeting-attendance": "32", "confirm_meeting-held_on": "01/10/2026"}
    )
    assert response.status_code == 200
    assert 'value="32"' in response.text
    assert 'id="id_confirm_meeting-reviews_error"' in response.text
    assert HouseholdReview.objects.get(pk=mine.pk).state == ReviewState.DRAFT


def test_the_approval_queue_checkboxes_have_a_touch_sized_label(client, officer, chair, village, open_round):
    review = enter(officer, open_round, village, "VL-A1")
    submit(officer, [review], village)
    client.force_login(chair)
    page = client.get(reverse("households:approval-queue"))
    assert f'<label class="tick" for="approve-{review.pk}"><input type="checkbox"' in page.text


def test_a_step_page_outside_the_area_or_role(client, officer, chair, village, open_round, make_user, unit):
    review = enter(officer, open_round, village, "VL-S1")
    url = reverse("households:round-step-choose", args=[open_round.pk, "confirm_meeting"])
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bằng Thành", on=AFTER_REFORM)]))
    assert client.get(url).status_code == 404
    assert client.get(review.get_absolute_url()).status_code == 404
    assert client.get(review.household.get_absolute_url()).status_code == 404
    client.force_login(chair)
    assert client.get(url).status_code == 403
    assert client.get(reverse("households:round-step-choose", args=[open_round.pk, "no_such_step"])).status_code == 404


def test_an_external_next_is_ignored_on_the_step_page(client, officer, village, open_round):
    review = enter(officer, open_round, village, "VL-N1")
    client.force_login(officer)
    url = reverse("households:round-step-choose", args=[open_round.pk, "confirm_meeting"])
    held_on = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(
        url,
        {
            "village": village.pk,
            "confirm_meeting-reviews": [review.pk],
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": held_on,
            "confirm_meeting-attendance": "20",
            "confirm_meeting-agreeing": "15",
            "next": "https://example.com/",
        },
    )
    assert response["Location"] == open_round.get_absolute_url()


def test_a_review_refused_for_the_members_details_links_to_the_household_form(client, officer, village, open_round):
    household = new_household(officer, village, "VL-77", employment="", has_health_insurance=None)
    client.force_login(officer)
    url = reverse("households:review-create", args=[open_round.pk])
    data = {"household": household.pk, "income_per_capita": "1.200.000", **{f"fact_{k}": v for k, v in FACTS.items()}}
    page = client.post(f"{url}?household={household.pk}", data)
    assert page.status_code == 200
    assert "Chủ hộ VL-77" in page.text  # the refusal names the member
    edit = reverse("households:household-edit", args=[household.pk])
    assert re.search(rf'<a href="{edit}" target="_blank" rel="noopener">[^<]*VL-77', page.text)
    assert 'value="1.200.000"' in page.text  # what was typed stays, to be saved again
    assert not HouseholdReview.objects.filter(household=household).exists()

    # Nothing to complete: no such link on the empty form.
    assert edit not in client.get(f"{url}?household={household.pk}").text
