"""Fixtures of the plan tests: a province officer, and a plan with targets and goals over hand-made reviews."""

import datetime

import pytest

from accounts.models import Role
from programmes.models import GoalKind
from programmes.services import goal_create, plan_create, target_rows_replace
from tests.factories import residents_everywhere
from tests.plans import approved


@pytest.fixture
def province_user(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])


@pytest.fixture
def reviewed_plan(unit, province_user, make_user):
    signer = make_user(Role.COMMUNE_CHAIR)
    luong_thuong, boc_bo = unit("Xã Lương Thượng"), unit("Xã Bộc Bố")
    first = approved(luong_thuong, 2023, ["poor", "poor", "near_poor", "not_poor"], signer=signer)
    approved(luong_thuong, 2024, ["poor", "near_poor", "near_poor", "not_poor"], signer=signer, households=first)
    second = approved(boc_bo, 2023, ["poor", "poor", "poor", "near_poor"], signer=signer)
    approved(boc_bo, 2024, ["poor", "poor", "near_poor", "near_poor"], signer=signer, households=second)
    # Resident households: 4 in each reviewed commune (as if everyone were reviewed), 1 in every other one.
    for year in (2023, 2024):
        residents_everywhere(year, 1, under=unit("Tỉnh Bắc Kạn"), **{"Xã Lương Thượng": 4, "Xã Bộc Bố": 4})
    plan = plan_create(
        user=province_user,
        title="Kế hoạch giảm nghèo 2024-2025",
        decision_number="5/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 10),
        issuing_body="UBND tỉnh Bắc Kạn",
        unit=unit("Tỉnh Bắc Kạn"),
        period_from=2021,
        period_to=2025,
        year_from=2024,
        year_to=2025,
        baseline_year=2023,
    )
    target_rows_replace(
        user=province_user,
        plan=plan,
        year=2024,
        rows=[
            {"unit": luong_thuong, "households": 4, "poor_households": 2, "reduction_households": 1},
            {"unit": boc_bo, "households": 4, "poor_households": 3, "reduction_households": 2},
            {"unit": unit("Huyện Na Rì"), "households": 4, "poor_households": 2, "reduction_households": 1},
        ],
    )
    goal_create(user=province_user, plan=plan, kind=GoalKind.REDUCTION_PP, description="≥ 2%/năm", target_low=2)
    goal_create(
        user=province_user,
        plan=plan,
        kind=GoalKind.END_RATE,
        # "Dưới" is strict (issue 19 D): the goal is worded "below"; "at_most" now contradicts the description.
        direction="below",
        description="Dưới 30% năm 2025",
        target_low=30,
        year=2025,
    )
    goal_create(
        user=province_user,
        plan=plan,
        kind=GoalKind.OUTPUT,
        description="Việc làm",
        target_low=100,
        unit_of_measure="người",
        actual=80,
    )
    return plan
