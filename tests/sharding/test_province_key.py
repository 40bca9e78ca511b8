"""The sharding key (households.sharding): every table that grows with the households carries a NOT NULL province,
and every write path sets it: a household's the province above its commune; its members', reviews' and statistic
sources' the household's (co-located on its shard, even a review of an old commune); a statistic cell's and a
registry count's the province of its own commune. The carry-over moves households into another province."""

import pytest
from django.db import connection

from accounts.models import Role
from households.imports.services import import_commit
from households.models import (
    Household,
    HouseholdReview,
    Member,
    RegistryCount,
    ReviewKind,
    StatisticCount,
    StatisticSource,
)
from households.provinces import province_of, provinces_of
from households.services import carry_over_commit, household_update, review_create, round_open, village_create
from households.services.statistics import statistics_rebuild
from tests import reviews
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory, member_data
from tests.reviews import approve_all, new_household
from tests.workbooks import clean_file

pytestmark = pytest.mark.django_db
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the registry counts are triggers'")


# Every table that grows with the households (households.sharding lists them for a distributed PostgreSQL).
DISTRIBUTED = [Household, Member, HouseholdReview, StatisticSource, StatisticCount, RegistryCount]


@pytest.mark.parametrize(
    "model",
    [*DISTRIBUTED, *(m.history.model for m in (Household, Member, HouseholdReview))],
    ids=lambda m: m._meta.db_table,
)
def test_every_table_that_grows_with_the_households_has_the_province(model):
    with connection.cursor() as cursor:
        columns = {c.name: c for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
    assert "province_id" in columns
    # simple-history makes every copied foreign key empty-able; ``citus_distribute`` fills and closes them.
    assert columns["province_id"].null_ok is hasattr(model, "history_id")


def test_the_province_of_a_commune_in_either_tree(unit):
    bac_kan, thai_nguyen = unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    old, new = unit("Xã Bộc Bố"), unit("Xã Văn Lang", on=AFTER_REFORM)
    assert old.parent.parent == bac_kan  # a legacy commune is under a district
    assert provinces_of([old.pk, new.pk, old.parent_id, bac_kan.pk]) == {
        old.pk: bac_kan.pk,
        new.pk: thai_nguyen.pk,
        old.parent_id: bac_kan.pk,
        bac_kan.pk: bac_kan.pk,
    }
    with pytest.raises(LookupError):
        province_of(10**9)


def rows_of(households) -> dict[str, set[int]]:
    """The provinces of the households' own rows and of those that live on their shard."""
    ids = [h.pk for h in households]
    return {
        "households": set(Household.objects.filter(pk__in=ids).values_list("province_id", flat=True)),
        "members": set(Member.objects.filter(household__in=ids).values_list("province_id", flat=True)),
        "reviews": set(HouseholdReview.objects.filter(household__in=ids).values_list("province_id", flat=True)),
        "sources": set(StatisticSource.objects.filter(household__in=ids).values_list("province_id", flat=True)),
        "history": set(Household.history.filter(id__in=ids).values_list("province_id", flat=True)),
    }


def everywhere(province: int) -> dict[str, set[int]]:
    return {key: {province} for key in ("households", "members", "reviews", "sources", "history")}


def assert_cells_in_their_communes_provinces():
    cells = list(StatisticCount.objects.values_list("commune_id", "province_id").distinct())
    assert cells
    assert all(province == province_of(commune) for commune, province in cells)
    if connection.vendor == "postgresql":
        counts = list(RegistryCount.objects.values_list("commune_id", "province_id").distinct())
        assert counts
        assert all(province == province_of(commune) for commune, province in counts)


def test_the_workflow_sets_it_on_every_row(reviewed, unit):
    bac_kan, thai_nguyen = unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    households = list(reviewed["households"].values())
    old = [h for h in households if h.commune.valid_to]
    new = [h for h in households if not h.commune.valid_to]
    assert old
    assert new
    assert rows_of(old) == everywhere(bac_kan.pk)
    assert rows_of(new) == everywhere(thai_nguyen.pk)
    assert_cells_in_their_communes_provinces()


def test_a_rebuild_sets_it_again(reviewed, unit):
    statistics_rebuild()
    households = list(reviewed["households"].values())
    assert all(
        province == household_province
        for province, household_province in StatisticSource.objects.values_list("province_id", "household__province_id")
    )
    assert len(rows_of(households)["sources"]) == 2
    assert_cells_in_their_communes_provinces()


def test_the_import_sets_it_on_every_row_and_its_history(make_user, unit):
    commune = unit("Xã Bộc Bố")
    VillageFactory(parent=commune, name="Thôn Nà Hin")
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    import_commit(user=officer, commune=commune, source=clean_file())
    households = list(Household.objects.filter(commune=commune))
    assert households
    bac_kan = province_of(commune.pk)
    found = rows_of(households)
    assert found["households"] == found["members"] == found["history"] == {bac_kan}
    assert found["reviews"] <= {bac_kan}
    assert set(
        Member.history.filter(household_id__in=[h.pk for h in households]).values_list("province_id", flat=True)
    ) == {bac_kan}


def test_the_carry_over_moves_a_bac_kan_household_and_its_rows_to_thai_nguyen(make_user, unit):
    bac_kan, thai_nguyen = unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    province = make_user(Role.PROVINCE_OFFICER, [bac_kan, thai_nguyen])
    staff = make_user(Role.DISTRICT_OFFICER, [bac_kan])
    chair = make_user(Role.COMMUNE_CHAIR, [bac_kan])
    old = unit("Xã Lương Thượng")
    village = village_create(commune=old, name="Thôn Nà Làng", unit_type="thon")
    household = new_household(staff, village, "LT-01")
    review_round = round_open(user=staff, commune=old, year=2024, kind=ReviewKind.ANNUAL)
    income, facts = reviews.FACTS["P"]
    review = review_create(
        user=staff, review_round=review_round, household=household, income_per_capita=income, facts=facts
    )
    approve_all([review], officer=staff, chair=chair, village=village, year=2024)
    assert rows_of([household]) == everywhere(bac_kan.pk)

    carry_over_commit(user=province, code="19", decision="NQ 1683")

    household.refresh_from_db()
    assert household.commune == unit("Xã Văn Lang", on=AFTER_REFORM)
    found = rows_of([household])
    assert found["households"] == found["members"] == found["reviews"] == found["sources"] == {thai_nguyen.pk}
    # The history keeps both: the province it was in, and the one the carry-over's entry moved it to.
    assert found["history"] == {bac_kan.pk, thai_nguyen.pk}
    review.refresh_from_db()
    assert review.commune == old  # the unit it was made on stays; the shard is its household's
    # The 2024 cells stay the old commune's, in Bắc Kạn; the registry counts the household in Văn Lang's village.
    assert set(StatisticCount.objects.values_list("province_id", flat=True)) == {bac_kan.pk}
    if connection.vendor == "postgresql":
        assert set(RegistryCount.objects.filter(commune=household.commune).values_list("province_id", flat=True)) == {
            thai_nguyen.pk
        }
        assert not RegistryCount.objects.filter(commune=old).exists()


def test_a_household_moved_to_another_province_takes_its_rows_along(make_user, unit):
    bac_kan, thai_nguyen = unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)
    officer = make_user(Role.DISTRICT_OFFICER, [bac_kan, thai_nguyen])
    here = VillageFactory(parent=unit("Xã Bộc Bố"))
    there = VillageFactory(parent=unit("Xã Văn Lang", on=AFTER_REFORM))
    household = new_household(officer, here, "BB-77")
    review_round = round_open(user=officer, commune=here.parent, year=2024, kind=ReviewKind.ANNUAL)
    income, facts = reviews.FACTS["N"]
    review_create(user=officer, review_round=review_round, household=household, income_per_capita=income, facts=facts)
    member = household.members.get()
    household_update(
        user=officer,
        household=household,
        expected_version=household.version,
        village=there,
        data={},
        members=[member_data(id=member.pk, full_name=member.full_name)],
    )
    found = rows_of([household])
    assert found["households"] == found["members"] == found["reviews"] == {thai_nguyen.pk}
