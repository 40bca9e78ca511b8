"""Reviews as the tests make them: household facts that give each status, a household, and every step of the
workflow to the chair's decision (Decision 24/2021/QĐ-TTg, art. 4)."""

import datetime

from accounts.models import Role, User
from accounts.services import user_create
from households.models import ReviewDecision
from households.services import (
    household_create,
    review_approve,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_submit,
)
from households.workflow import consults_district
from tests.factories import member_data

# 2021-2025 standard (Decree 07/2021/NĐ-CP): rural poor line 1,500,000đ; average living standard up to 2,250,000đ.
POOR_INCOME = 1_000_000
AVERAGE_INCOME = 2_000_000
GOOD = {
    "housing": "permanent",
    "living_area_m2": "60",
    "water_source": "piped",
    "latrine": "septic",
    "telecom": ["phone"],
    "devices": ["tv"],
}
# Three deprivations: housing quality, water, latrine — the cut-off of Decree 07/2021/NĐ-CP, art. 3.
DEPRIVED = {**GOOD, "housing": "simple", "water_source": "surface", "latrine": "none"}
FACTS = {"P": (POOR_INCOME, DEPRIVED), "N": (POOR_INCOME, GOOD), "A": (AVERAGE_INCOME, GOOD)}


def new_household(user, village, code, **member):
    head = member_data(
        **{"full_name": f"Chủ hộ {code}", "employment": "self_employed", "education": "lower_secondary", **member}
    )
    return household_create(user=user, village=village, data={"code": code}, members=[head])


def step_days(year: int) -> dict[str, datetime.date]:
    """The days of the steps of a round of ``year``, all past (the steps refuse future days): meeting, posting,
    submission 18 days after the posting (3 working days even across a 9-day Tết), the district chair's
    opinion, the decision on 20 November or, in the current year, today."""
    end = min(datetime.date(year, 11, 20), datetime.date.today())
    ago = {"held_on": 35, "posted_on": 30, "submitted_on": 12, "consulted_on": 6, "signed_on": 0}
    return {step: end - datetime.timedelta(days=days) for step, days in ago.items()}


def district_officer_of(commune):
    """The district officer who records the district chair's opinion on the commune's rounds (before 2025)."""
    username = f"huyen-{commune.parent_id}"
    found = User.objects.filter(username=username).first()
    return found or user_create(username=username, password=None, role=Role.DISTRICT_OFFICER, units=[commune.parent])


def free_decision_number(review_round, year: int) -> str:
    """``{year}/QĐ-UBND``, or the next free one: a decision's number is its own in the commune and year."""
    taken = set(
        ReviewDecision.objects.filter(round__commune_id=review_round.commune_id, signed_on__year=year).values_list(
            "number", flat=True
        )
    )
    return next(n for n in (f"{year}/QĐ-UBND", *(f"{year}-{i}/QĐ-UBND" for i in range(2, 100))) if n not in taken)


def approve_all(reviews, *, officer, chair, village, year, district=None):
    """Take ``reviews`` through every step to the chair's decision, with the district chair's opinion for a
    round before 1 July 2025 (Decision 24/2021/QĐ-TTg, art. 4)."""
    days = step_days(year)
    review_meeting_confirm(
        user=officer, reviews=reviews, village=village, held_on=days["held_on"], attendance=40, agreeing=30
    )
    review_post(user=officer, reviews=reviews, posted_on=days["posted_on"])
    review_submit(user=officer, reviews=reviews, submitted_on=days["submitted_on"])
    review_round = reviews[0].round
    if consults_district(review_round.starts_on):
        district = district or district_officer_of(village.parent)
        review_district_consult(user=district, reviews=reviews, consulted_on=days["consulted_on"])
    number = free_decision_number(review_round, days["signed_on"].year)
    return review_approve(user=chair, reviews=reviews, decision_number=number, signed_on=days["signed_on"])
