"""Approved reviews in a few communes of Bắc Kạn (2023, 2024) and of Thái Nguyên after the reform (2026)."""

import datetime

import pytest

from accounts.models import Role
from households.models import ReviewKind
from households.services import household_create, review_create, round_open
from tests import reviews
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory, member_data
from tests.reviews import approve_all

POOR, NEAR, AVERAGE = "P", "N", "A"
# The review tests' facts, with the waste indicator of the 2026-2030 standard answered too.
GOOD = {**reviews.GOOD, "waste": "collected"}
DEPRIVED = {**reviews.DEPRIVED, "waste": "collected"}
FACTS = {POOR: (1_000_000, DEPRIVED), NEAR: (1_000_000, GOOD), AVERAGE: (2_000_000, GOOD)}

# commune → statuses of its households, per year. Lương Thượng and Kim Hỷ (Na Rì) became Xã Văn Lang;
# Bộc Bố (Pác Nặm) became Xã Bằng Thành.
PLAN = {
    2023: {"Xã Lương Thượng": "PPNA", "Xã Kim Hỷ": "PNA", "Xã Bộc Bố": "PPPN"},
    2024: {"Xã Lương Thượng": "PNNA", "Xã Kim Hỷ": "NNA", "Xã Bộc Bố": "PPNN"},
}
PLAN_2026 = {"Xã Văn Lang": "PNAA", "Xã Bằng Thành": "PPN"}


@pytest.fixture
def province_officer(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])


@pytest.fixture
def reviewed(make_user, unit):
    """Run the plans through the real workflow; returns the people who did it."""
    return build_reviewed(make_user, unit)


def build_reviewed(make_user, unit, *, plans=None, provinces=None) -> dict:
    """``plans``: (year, {commune name: statuses}) pairs, by default ``PLAN`` and ``PLAN_2026``, reviewed by
    staff of ``provinces`` (by default Bắc Kạn and Thái Nguyên)."""
    provinces = provinces or [unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)]
    staff = make_user(Role.DISTRICT_OFFICER, provinces)
    chair = make_user(Role.COMMUNE_CHAIR, provinces)
    households, villages = {}, {}
    for year, plan in plans or [*PLAN.items(), (2026, PLAN_2026)]:
        on = AFTER_REFORM if year >= 2026 else datetime.date(year, 1, 1)
        for commune_name, statuses in plan.items():
            commune = unit(commune_name, on=on)
            if commune.pk not in villages:
                villages[commune.pk] = VillageFactory(parent=commune, name=f"Thôn Nà Mò {commune.code}")
            village = villages[commune.pk]
            review_round = round_open(user=staff, commune=commune, year=year, kind=ReviewKind.ANNUAL)
            reviews = []
            for i, status in enumerate(statuses):
                key = (commune.pk, i)
                if key not in households:
                    households[key] = household_create(
                        user=staff,
                        village=village,
                        data={"code": f"{commune.pk}-{i}"},
                        members=[
                            member_data(
                                full_name=f"Chủ hộ {commune.code} {i}",
                                employment="self_employed",
                                education="lower_secondary",
                            )
                        ],
                    )
                income, facts = FACTS[status]
                reviews.append(
                    review_create(
                        user=staff,
                        review_round=review_round,
                        household=households[key],
                        income_per_capita=income,
                        facts=facts,
                    )
                )
            approve_all(reviews, officer=staff, chair=chair, village=village, year=year)
    return {"staff": staff, "chair": chair, "households": households}
