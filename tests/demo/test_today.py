"""Today's demo province (``demo.today``), loaded at a small scale on a few new communes."""

import pytest

from accounts.models import Role
from demo.today import today_load
from households.models import (
    REFORM_DATE,
    AdministrativeUnit,
    Household,
    HouseholdReview,
    ResidentCount,
    ReviewKind,
    ReviewRound,
    ReviewState,
    UnitSuccession,
)
from households.rates import rate
from households.selectors import household_list
from households.selectors.rollup import figures
from programmes.models import Plan, TargetRow
from programmes.selectors import plan_progress, poverty_counts
from tests.conftest import AFTER_REFORM, BEFORE_REFORM

# A merged commune of Bắc Kạn (Văn Lang took in Lương Thượng and Kim Hỷ), one that took in part of a split
# commune of old Thái Nguyên (Điềm Thụy: part of Thượng Đình), and a lowland one.
COMMUNES = ["Xã Văn Lang", "Xã Điềm Thụy", "Xã Bằng Thành"]
SCALE = 0.02


@pytest.fixture
def today(db, make_user, unit):
    province = make_user(
        Role.PROVINCE_OFFICER,
        [
            unit("Tỉnh Thái Nguyên", BEFORE_REFORM),
            unit("Tỉnh Bắc Kạn", BEFORE_REFORM),
            unit("Tỉnh Thái Nguyên", AFTER_REFORM),
        ],
    )
    van_lang = unit("Xã Văn Lang", AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [van_lang])
    chair = make_user(Role.COMMUNE_CHAIR, [van_lang])

    def load():
        return today_load(province_officer=province, staff={van_lang: (officer, chair)}, scale=SCALE, communes=COMMUNES)

    result = load()
    return {"result": result, "load": load, "province": province, "officer": officer, "van_lang": van_lang}


def test_the_new_communes_officer_sees_the_households_carried_over(today):
    van_lang = today["van_lang"]
    old = UnitSuccession.objects.filter(successor=van_lang, predecessor__level="commune").values("predecessor")
    carried = Household.objects.filter(commune=van_lang, reviews__round__commune__in=old).distinct()
    assert carried.exists()
    seen = household_list(user=today["officer"]).qs
    assert set(carried.values_list("pk", flat=True)) <= set(seen.values_list("pk", flat=True))
    # Each household sits in a village of the new commune, in force after the reform.
    for household in carried.select_related("village"):
        assert household.village.parent_id == van_lang.pk
        assert household.village.is_valid_on(REFORM_DATE)


def test_2025_is_complete_and_2026_partial_on_the_new_communes(today):
    communes = list(AdministrativeUnit.objects.valid_on(AFTER_REFORM).filter(name__in=COMMUNES, level="commune"))
    found = figures(
        user=today["province"], units=communes, years=[2025, 2026], standards={2025: "2021-2025", 2026: "2026-2030"}
    )
    assert all(found[(c.pk, 2025)].communes_reported == 1 for c in communes)
    reported_2026 = sum(found[(c.pk, 2026)].communes_reported for c in communes)
    assert 0 < reported_2026 < len(communes)
    # The demo commune's round waits for its chair; the others are approved or earlier in the workflow.
    states = set(
        HouseholdReview.objects.filter(round__year=2026, commune=today["van_lang"]).values_list("state", flat=True)
    )
    assert states == {ReviewState.SUBMITTED}


def test_the_2025_rates_are_over_resident_households(today):
    van_lang = today["van_lang"]
    counts = poverty_counts(user=today["province"], units=[van_lang], years=[2025])[(van_lang.pk, 2025)]
    residents = ResidentCount.objects.get(commune=van_lang, year=2025).households
    assert counts.resident_households == residents
    # Only listed households are reviewed: the resident households are more.
    assert residents > counts.households
    assert counts.poor_rate == rate(counts.poor, residents)


def test_each_round_is_under_the_standard_of_the_legal_calendar(today):
    standards = dict(
        ReviewRound.objects.filter(kind=ReviewKind.ANNUAL, commune__name__in=COMMUNES).values_list(
            "year", "standard__code"
        )
    )
    # The end-2025 review gives 2026's list under Decree 07; the end-2026 review the 2027 lines.
    assert standards[2025] == "2021-2025"
    assert standards[2026] == "2026-2030"
    assert set(
        ReviewRound.objects.filter(year=2024, kind=ReviewKind.ANNUAL).values_list("standard__code", flat=True)
    ) == {"2021-2025"}


def test_the_plan_shows_the_progress_of_the_new_communes(today):
    plan = today["result"].plan
    rows = TargetRow.objects.filter(plan=plan, year=2026)
    assert set(rows.values_list("unit__name", flat=True)) == set(COMMUNES)
    progress = plan_progress(user=today["province"], plan=plan, year=2026)
    assert any(row.actual is not None for row in progress.rows)


def test_a_second_run_adds_nothing(today):
    models = (Household, HouseholdReview, ReviewRound, AdministrativeUnit, ResidentCount, Plan, TargetRow)
    before = {model: model.objects.count() for model in models}
    history = Household.history.count()
    again = today["load"]()
    assert sum(again.reviews.values()) == 0
    assert {model: model.objects.count() for model in models} == before
    assert Household.history.count() == history
