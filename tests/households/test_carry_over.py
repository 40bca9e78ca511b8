"""The carry-over of a registry across the 2025 reform, on hand-made units (domain.md §1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import Role
from households.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    CarryOver,
    Household,
    HouseholdReview,
    ReviewKind,
    UnitLevel,
    UnitSuccession,
    UnitType,
)
from households.selectors import carry_over_plan, units_visible_to
from households.services import carry_over_commit, round_open, village_assign, village_create
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English; the pages' Vietnamese is checked where they are shown."""
    with translation.override("en"):
        yield


def _unit(name, level, unit_type, code, parent=None, legacy=True):
    return AdministrativeUnit.objects.create(
        name=name,
        short_name=name,
        level=level,
        unit_type=unit_type,
        code=code,
        parent=parent,
        valid_from=None if legacy else REFORM_DATE,
        valid_to=LAST_LEGACY_DAY if legacy else None,
    )


@pytest.fixture
def world(make_user):
    """Old province 99 (district, communes A, B merged into N1; C split between N1 and N2), new province 99."""
    old = _unit("Tỉnh Thử", UnitLevel.PROVINCE, UnitType.TINH, "99")
    district = _unit("Huyện Thử", UnitLevel.DISTRICT, UnitType.HUYEN, "999", old)
    a = _unit("Xã An", UnitLevel.COMMUNE, UnitType.XA, "99901", district)
    b = _unit("Xã Bình", UnitLevel.COMMUNE, UnitType.XA, "99902", district)
    c = _unit("Xã Cao", UnitLevel.COMMUNE, UnitType.XA, "99903", district)
    new = _unit("Tỉnh Thử", UnitLevel.PROVINCE, UnitType.TINH, "99", legacy=False)
    n1 = _unit("Xã An Bình", UnitLevel.COMMUNE, UnitType.XA, "99901", new, legacy=False)
    n2 = _unit("Xã Cao Sơn", UnitLevel.COMMUNE, UnitType.XA, "99904", new, legacy=False)
    UnitSuccession.objects.create(predecessor=a, successor=n1)
    UnitSuccession.objects.create(predecessor=b, successor=n1)
    UnitSuccession.objects.create(predecessor=c, successor=n1, is_split=True, is_default=False)
    UnitSuccession.objects.create(predecessor=c, successor=n2, is_split=True, is_default=True)
    villages = {
        name: village_create(commune=commune, name=name, unit_type=UnitType.THON)
        for name, commune in [("Thôn Một", a), ("Thôn Hai", a), ("Thôn Ba", b), ("Thôn Bốn", c), ("Thôn Năm", c)]
    }
    counts = {"Thôn Một": 3, "Thôn Hai": 2, "Thôn Ba": 4, "Thôn Bốn": 1, "Thôn Năm": 2}
    households = {name: HouseholdFactory.create_batch(n, village=villages[name]) for name, n in counts.items()}
    officer = make_user(Role.PROVINCE_OFFICER, [old, new])
    return {
        "a": a,
        "b": b,
        "c": c,
        "n1": n1,
        "n2": n2,
        "villages": villages,
        "households": households,
        "officer": officer,
    }


def test_the_dry_run_counts_per_new_commune_and_lists_split_villages_without_writing(world):
    plan = carry_over_plan(user=world["officer"], code="99")
    assert [(t.commune.name, t.villages, t.households) for t in plan.by_successor] == [("Xã An Bình", 3, 9)]
    assert sorted(m.village.name for m in plan.unassigned) == ["Thôn Bốn", "Thôn Năm"]
    assert {c.name for c in plan.unassigned[0].choices} == {"Xã An Bình", "Xã Cao Sơn"}
    assert not AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE, parent=world["n1"]).exists()


def test_the_commit_moves_villages_and_households_to_the_successor_keeping_codes(world):
    codes = {h.pk: h.code for h in world["households"]["Thôn Một"]}
    result = carry_over_commit(user=world["officer"], code="99", decision="Nghị quyết 1683/NQ-UBTVQH15")
    assert (result.villages_created, result.households_moved) == (3, 9)
    carried = AdministrativeUnit.objects.get(parent=world["n1"], name="Thôn Một")
    assert (carried.valid_from, carried.valid_to, carried.level) == (REFORM_DATE, None, UnitLevel.VILLAGE)
    assert UnitSuccession.objects.filter(predecessor=world["villages"]["Thôn Một"], successor=carried).exists()
    moved = Household.objects.filter(pk__in=codes)
    assert {h.code for h in moved} == set(codes.values())
    assert {(h.village_id, h.commune_id) for h in moved} == {(carried.pk, world["n1"].pk)}
    # The split commune's villages stay until assigned.
    assert Household.objects.filter(village=world["villages"]["Thôn Bốn"]).count() == 1


def test_each_move_is_one_history_entry_naming_who_and_the_decision(world):
    household = world["households"]["Thôn Ba"][0]
    result = carry_over_commit(user=world["officer"], code="99", decision="Nghị quyết 1683/NQ-UBTVQH15")
    entries = list(household.history.filter(history_type="~"))
    assert len(entries) == 1
    entry = entries[0]
    assert household.history.latest() == entry
    assert entry.history_user == world["officer"]
    assert entry.history_change_reason == f"Carry-over {result.record.pk}: Nghị quyết 1683/NQ-UBTVQH15"
    assert entry.commune_id == world["n1"].pk
    assert entry.code == household.code


def test_running_it_twice_moves_nothing_the_second_time(world):
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    villages = AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE).count()
    second = carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    assert (second.villages_created, second.households_moved, second.record) == (0, 0, None)
    assert AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE).count() == villages
    assert CarryOver.objects.count() == 1
    assert carry_over_plan(user=world["officer"], code="99").done == 3


def test_a_split_communes_villages_move_one_by_one_once_assigned(world):
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    village_assign(user=world["officer"], village=world["villages"]["Thôn Bốn"], successor=world["n2"])
    plan = carry_over_plan(user=world["officer"], code="99")
    assert [m.village.name for m in plan.unassigned] == ["Thôn Năm"]
    result = carry_over_commit(user=world["officer"], code="99", decision="NQ 2")
    assert (result.villages_created, result.households_moved) == (1, 1)
    assert Household.objects.get(pk=world["households"]["Thôn Bốn"][0].pk).commune == world["n2"]


def test_a_village_can_only_go_to_a_successor_of_its_commune(world):
    with pytest.raises(ValidationError, match="not one of the communes"):
        village_assign(user=world["officer"], village=world["villages"]["Thôn Một"], successor=world["n2"])


def test_a_household_added_after_a_partial_run_is_moved_by_the_next(world):
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    late = HouseholdFactory(village=world["villages"]["Thôn Một"])
    result = carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    assert (result.villages_created, result.households_moved) == (0, 1)
    late.refresh_from_db()
    assert late.village.parent == world["n1"]


def test_draft_reviews_on_old_communes_are_reported_and_left(world, monkeypatch):
    officer = world["officer"]
    review_round = round_open(user=officer, commune=world["a"], year=2024, kind=ReviewKind.ANNUAL)
    household = world["households"]["Thôn Một"][0]
    HouseholdReview.objects.create(
        round=review_round,
        household=household,
        province_id=household.province_id,
        commune=world["a"],
        village=household.village,
        is_urban=False,
        income_per_capita=1_000_000,
        status="poor",
        transition="stayed_poor",
    )
    plan = carry_over_plan(user=officer, code="99")
    assert [(d.commune_name, d.year, d.reviews) for d in plan.drafts] == [("Xã An", 2024, 1)]
    carry_over_commit(user=officer, code="99", decision="NQ 1")
    review = HouseholdReview.objects.get(household=household)
    assert (review.round_id, review.commune_id, review.village_id) == (
        review_round.pk,
        world["a"].pk,
        world["villages"]["Thôn Một"].pk,
    )


def test_the_new_communes_officer_sees_the_carried_households(world, make_user):
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    officer = make_user(Role.COMMUNE_OFFICER, [world["n1"]])
    visible = units_visible_to(officer, on=datetime.date(2026, 12, 7))
    assert set(visible.filter(level=UnitLevel.VILLAGE).values_list("name", flat=True)) == {
        "Thôn Một",
        "Thôn Hai",
        "Thôn Ba",
    }


def test_a_user_outside_the_province_is_refused(world, make_user, unit):
    stranger = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    with pytest.raises(ValidationError, match="No province with the code 99"):
        carry_over_plan(user=stranger, code="99")


def test_the_command_dry_runs_then_commits(world, capsys):
    call_command("carry_over_reform", province="99", user=world["officer"].username)
    out = capsys.readouterr().out
    assert "3 villages and 9 households to move" in out
    assert "Dry run" in out
    assert not Household.objects.filter(commune=world["n1"]).exists()
    with pytest.raises(CommandError, match="Name the decision"):
        call_command("carry_over_reform", province="99", user=world["officer"].username, commit=True)
    village = world["villages"]["Thôn Bốn"]
    call_command(
        "carry_over_reform",
        province="99",
        user=world["officer"].username,
        commit=True,
        decision="NQ 1",
        assign=[f"{village.pk}=99904"],
    )
    assert "Committed: 4 villages created, 10 households moved." in capsys.readouterr().out
    assert Household.objects.filter(commune=world["n2"]).count() == 1


def test_a_village_the_new_commune_made_by_hand_is_taken_as_the_carried_one(world):
    by_hand = village_create(commune=world["n1"], name="thôn một", unit_type=UnitType.THON)
    plan = carry_over_plan(user=world["officer"], code="99")
    assert plan.villages_to_create == 2
    result = carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    assert result.villages_created == 2
    assert UnitSuccession.objects.filter(predecessor=world["villages"]["Thôn Một"], successor=by_hand).exists()
    assert Household.objects.filter(village=by_hand).count() == 3
    assert carry_over_commit(user=world["officer"], code="99", decision="NQ 1").households_moved == 0


def test_a_legacy_district_officer_reads_the_carried_history_but_changes_nothing_new(world, make_user):
    from households.access import check_can_edit_unit
    from households.errors import ScopeError
    from households.selectors import household_get

    district = AdministrativeUnit.objects.get(name="Huyện Thử")
    legacy = make_user(Role.DISTRICT_OFFICER, [district])
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    household = world["households"]["Thôn Một"][0]
    assert household_get(user=legacy, pk=household.pk).commune == world["n1"]
    check_can_edit_unit(legacy, world["a"])
    with pytest.raises(ScopeError, match="ended with the 2025 reform"):
        check_can_edit_unit(legacy, world["n1"])


def test_the_old_communes_registry_of_past_years_still_counts_the_carried_households(world):
    from households.selectors.rollup import figures

    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    (before,) = figures(user=world["officer"], units=[world["a"]], years=[2024], standards={2024: "2021-2025"}).values()
    (after,) = figures(user=world["officer"], units=[world["n1"]], years=[2026], standards={2026: "2021-2025"}).values()
    assert before.registry_households == 5  # Thôn Một's 3 and Thôn Hai's 2, now in Xã An Bình
    assert after.registry_households == 9
