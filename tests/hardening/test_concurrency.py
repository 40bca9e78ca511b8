"""Two chairs approve the same review at the same moment: one wins, the other is told, the statistics count
the household once. Runs with committed data (``pytest -m live``) so that two connections see each other."""

import datetime
import threading

import pytest
from django.db import connection

from households.errors import WorkflowError
from households.models import ReviewKind, ReviewState, StatisticCount
from households.services import (
    household_create,
    review_approve,
    review_create,
    review_meeting_confirm,
    review_post,
    review_submit,
    round_open,
)
from tests.factories import member_data

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

FACTS = {
    "housing": "simple",
    "living_area_m2": "20",
    "water_source": "surface",
    "latrine": "none",
    "telecom": ["phone"],
    "waste": "collected",
}


def test_two_approvals_at_once_count_once(live_world):
    from accounts.models import Role
    from accounts.services import user_create

    world = live_world
    # The steps refuse days still to come: their days are counted back from today (Decision 24/2021/QĐ-TTg).
    today = datetime.date.today()
    year = today.year
    officer = world["officer"]
    second_chair = user_create(
        username="pho.chu.tich", password=None, role=Role.COMMUNE_CHAIR, units=[world["commune"]]
    )
    household = household_create(
        user=officer,
        village=world["village"],
        data={"code": "VL-9"},
        members=[member_data(employment="self_employed", education="lower_secondary")],
    )
    review_round = round_open(user=officer, commune=world["commune"], year=year, kind=ReviewKind.ANNUAL)
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=800_000, facts=FACTS
    )
    review_meeting_confirm(
        user=officer,
        reviews=[review],
        village=world["village"],
        held_on=today - datetime.timedelta(days=30),
        attendance=9,
        agreeing=9,
    )
    review_post(user=officer, reviews=[review], posted_on=today - datetime.timedelta(days=29))
    review_submit(user=officer, reviews=[review], submitted_on=today - datetime.timedelta(days=10))

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(chair, number):
        try:
            mine = type(review).objects.select_related("household", "round__standard", "village").get(pk=review.pk)
            barrier.wait()
            review_approve(user=chair, reviews=[mine], decision_number=number, signed_on=today)
            outcomes.append("approved")
        except WorkflowError as error:
            outcomes.append(f"refused: {error.messages[0]}")
        except Exception as error:
            outcomes.append(f"crashed: {error!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(world["chair"], "10/QĐ-UBND")),
        threading.Thread(target=approve, args=(second_chair, "11/QĐ-UBND")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes.count("approved") == 1
    (loser,) = [o for o in outcomes if o != "approved"]
    if connection.vendor == "postgresql":
        # The row lock makes the second approver wait, then read "approved", and be told so.
        assert loser.startswith("refused: VL-9")
    else:
        # SQLite (the first-run database) serialises writers: the second write fails whole, nothing half-done.
        assert "locked" in loser
    review.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    poor = StatisticCount.objects.get(year=year, commune=world["commune"], dimension="status", status="poor")
    assert poor.households == 1
