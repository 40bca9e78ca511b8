"""Committed data for the tests marked ``live`` (browser, concurrency): their database is emptied after each."""

import datetime

import pytest
from django.core.management import call_command

from accounts.models import Role
from accounts.services import user_create
from households.models import LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, ReviewKind, UnitLevel, UnitType
from households.services import household_create, review_create, round_open, village_create
from tests.factories import member_data
from tests.reviews import approve_all

PASSWORD = "Trình-duyệt-2026"


@pytest.fixture
def live_world(transactional_db):
    """Units, standards, a village of Xã Văn Lang, its officer and chair, a province officer, a ministry officer;
    committed."""
    call_command("load_units", province=["Bắc Kạn", "Thái Nguyên"], verbosity=0)
    call_command("loaddata", "standards", "ethnicities", verbosity=0)
    commune = AdministrativeUnit.objects.valid_on(REFORM_DATE).get(name="Xã Văn Lang")
    village = village_create(commune=commune, name="Thôn Nà Làng", unit_type=UnitType.THON)
    province_new = AdministrativeUnit.objects.valid_on(REFORM_DATE).get(level=UnitLevel.PROVINCE, code="19")
    province_old = AdministrativeUnit.objects.valid_on(LAST_LEGACY_DAY).get(level=UnitLevel.PROVINCE, code="06")
    people = {
        "officer": user_create(
            username="can.bo.xa",
            password=PASSWORD,
            role=Role.COMMUNE_OFFICER,
            units=[commune],
            full_name="Lương Thị Hà",
        ),
        "chair": user_create(
            username="chu.tich.xa",
            password=PASSWORD,
            role=Role.COMMUNE_CHAIR,
            units=[commune],
            full_name="Hà Văn Khánh",
        ),
        "province": user_create(
            username="can.bo.tinh",
            password=PASSWORD,
            role=Role.PROVINCE_OFFICER,
            units=[province_old, province_new],
            full_name="Hoàng Thị Lan",
        ),
        "ministry": user_create(
            username="bo.nnmt", password=PASSWORD, role=Role.MINISTRY_OFFICER, full_name="Trần Quốc Hùng"
        ),
    }
    return {"commune": commune, "village": village, **people}


def approved_review(world: dict, code: str):
    """One approved poor review of this year in the live world's village, entered through the services."""
    year = datetime.date.today().year
    household = household_create(
        user=world["officer"],
        village=world["village"],
        data={"code": code},
        members=[member_data(full_name="Nông Văn Páo", employment="self_employed", education="lower_secondary")],
    )
    review_round = round_open(user=world["officer"], commune=world["commune"], year=year, kind=ReviewKind.ANNUAL)
    facts = {
        "housing": "simple",
        "living_area_m2": "20",
        "water_source": "surface",
        "latrine": "none",
        "telecom": ["phone"],
        "waste": "collected",
    }
    review = review_create(
        user=world["officer"], review_round=review_round, household=household, income_per_capita=900_000, facts=facts
    )
    approve_all([review], officer=world["officer"], chair=world["chair"], village=world["village"], year=year)
    return review
