"""The ongoing review's calendar (Decision 24/2021/QĐ-TTg, arts. 5 and 7): requests taken up from the 15th of each
month, the decision and certificate within 15 days, the commune's report on the 5th from February to September;
the round page shows what is due and what is late."""

import datetime

import pytest
from django.utils import timezone

from households.models import ReviewKind
from households.ongoing import OngoingRequest, decision_due, ongoing_schedule, report_days, taken_up_on
from households.services import review_create, round_open
from tests.reviews import DEPRIVED, new_household

D = datetime.date


def test_a_request_is_taken_up_on_the_15th_and_decided_within_15_days():
    assert taken_up_on(D(2024, 3, 2)) == D(2024, 3, 15)
    assert taken_up_on(D(2024, 3, 15)) == D(2024, 3, 15)
    assert taken_up_on(D(2024, 3, 16)) == D(2024, 4, 15)
    assert taken_up_on(D(2024, 12, 20)) == D(2025, 1, 15)
    assert decision_due(D(2024, 3, 2)) == D(2024, 3, 30)


def test_the_monthly_report_is_due_on_the_5th_from_february_to_september():
    assert report_days(2024) == tuple(D(2024, month, 5) for month in range(2, 10))


def test_what_is_waiting_and_what_is_late():
    requests = [
        OngoingRequest(1, "OG-1", D(2024, 3, 2), decided_on=D(2024, 3, 28)),  # in time
        OngoingRequest(2, "OG-2", D(2024, 3, 10), decided_on=D(2024, 4, 2)),  # decided after 30/3
        OngoingRequest(3, "OG-3", D(2024, 4, 1)),  # due 30/4, not decided, past
        OngoingRequest(4, "OG-4", D(2024, 5, 20)),  # taken up 15/6, due 30/6: still in time
    ]
    schedule = ongoing_schedule(requests, today=D(2024, 6, 3), year=2024)
    assert [row.request.household_code for row in schedule.late] == ["OG-2", "OG-3"]
    assert [(row.request.household_code, row.due_on) for row in schedule.waiting] == [("OG-4", D(2024, 6, 30))]
    assert schedule.next_intake == D(2024, 6, 15)
    assert schedule.next_report == D(2024, 6, 5)
    assert ongoing_schedule([], today=D(2024, 9, 6), year=2024).next_report is None


@pytest.mark.django_db
def test_the_ongoing_round_page_shows_what_is_due_and_late(client, officer, village, commune):
    review_round = round_open(
        user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=D(2024, 1, 2)
    )
    review_create(
        user=officer,
        review_round=review_round,
        household=new_household(officer, village, "OG-9"),
        income_per_capita=1_000_000,
        facts=DEPRIVED,
        requested_on=D(2024, 2, 1),
    )
    client.force_login(officer)
    page = client.get(review_round.get_absolute_url())
    assert "data-schedule" in page.text
    assert 'data-late="1"' in page.text
    assert "01/03/2024" in page.text  # due: taken up on 15/2, decided by 1/3
    assert f"{taken_up_on(timezone.localdate()):%d/%m/%Y}" in page.text


@pytest.mark.django_db
def test_the_request_day_is_entered_on_the_form_of_an_ongoing_round(client, officer, village, commune):
    from django.urls import reverse

    from households.models import HouseholdReview

    review_round = round_open(
        user=officer, commune=commune, year=2024, kind=ReviewKind.ONGOING, starts_on=D(2024, 1, 2)
    )
    household = new_household(officer, village, "OG-10")
    client.force_login(officer)
    url = reverse("households:review-create", args=[review_round.pk])
    assert 'name="requested_on"' in client.get(url).text
    annual = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    assert 'name="requested_on"' not in client.get(reverse("households:review-create", args=[annual.pk])).text
    data = {
        "household": household.pk,
        "income_per_capita": "1.000.000",
        "requested_on": "03/02/2024",
        "fact_housing": "simple",
        "fact_living_area_m2": "20",
        "fact_water_source": "surface",
        "fact_latrine": "none",
        "fact_telecom": ["phone"],
        "fact_devices": ["tv"],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.text
    assert HouseholdReview.objects.get(household=household).requested_on == D(2024, 2, 3)
