"""The registry's households per commune and year (the statistics' coverage), read from ``RegistryCount`` on
PostgreSQL: the triggers of migration 0017 keep it exactly in step with the households after every kind of
write, and the answer is the one the households themselves give.

The oracle is the count the roll-up made before the table existed, written out below as it was: a scan of the
households of the communes on every request.
"""

import datetime
import re
from collections import Counter, defaultdict
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.imports.services import import_commit
from households.models import REFORM_DATE, Household, HouseholdStatus, RegistryCount
from households.provinces import province_of
from households.selectors import rollup
from households.selectors.rollup import year_end
from households.services import carry_over_commit, household_create, household_update, village_assign
from households.services import statistics as statistics_services
from households.services.statistics import statistics_rebuild
from tests.factories import HouseholdFactory, VillageFactory, member_data
from tests.households.test_carry_over import world  # noqa: F401  (the hand-made units of the reform)
from tests.workbooks import household, make_workbook, person

pytestmark = pytest.mark.django_db
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")

YEARS = [2023, 2024, 2025, 2026]


def counted_before(communes, years):
    """The roll-up's registry as it was counted before ``RegistryCount``, unchanged."""
    rows = (
        Household.objects.filter(commune_id__in=communes)
        .values_list("commune_id", "status", "status_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = defaultdict(int)
    for commune, status, since, n in rows:
        for year in years:
            if status == HouseholdStatus.ACTIVE or since is None or since > year_end(year):
                result[(commune, year)] += n
    if any(year_end(year) < REFORM_DATE for year in years):
        carried = (
            Household.objects.filter(
                village__predecessions__effective_on=REFORM_DATE,
                village__predecessions__predecessor__parent_id__in=communes,
            )
            .values_list("village__predecessions__predecessor__parent_id", "status", "status_date")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for commune, status, since, n in carried:
            for year in (y for y in years if year_end(y) < REFORM_DATE):
                if status == HouseholdStatus.ACTIVE or since is None or since > year_end(year):
                    result[(commune, year)] += n
    return result


def table():
    return {(r.commune_id, r.village_id, r.left_in): r.households for r in RegistryCount.objects.all()}


def grouped_now():
    """What the table should hold: the households grouped by commune, village and the year they left."""
    rows = Household.objects.values_list("commune_id", "village_id", "status", "status_date").annotate(n=Count("pk"))
    result = Counter()
    for commune, village, status, since, n in rows.order_by():
        result[(commune, village, rollup._left_in(status, since))] += n
    return dict(result)


def assert_in_step(*communes):
    """The table holds what the households give, and the registry read from it is the one counted before, for
    the communes asked and for the same communes read by the scan SQLite keeps."""
    ids = {c.pk for c in communes}
    assert table() == grouped_now()
    expected = {key: n for key, n in counted_before(ids, YEARS).items() if n}
    assert {key: n for key, n in rollup._registry(ids, YEARS).items() if n} == expected
    with mock.patch.object(rollup, "_counted_rows", rollup._scanned_rows):
        assert {key: n for key, n in rollup._registry(ids, YEARS).items() if n} == expected


@pytest.fixture
def staff(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])


@pytest.fixture
def villages(commune, unit):
    other = unit("Xã Lương Thượng")
    return {
        "Nà Hin": VillageFactory(parent=commune, name="Thôn Nà Hin"),
        "Khuổi Bốc": VillageFactory(parent=commune, name="Thôn Khuổi Bốc"),
        "Nà Mò": VillageFactory(parent=other, name="Thôn Nà Mò"),
    }


def create(staff, village, code, **data):
    return household_create(
        user=staff, village=village, data={"code": code, **data}, members=[member_data(full_name=f"Chủ hộ {code}")]
    )


def update(staff, household, village=None, **data):
    household.refresh_from_db()
    members = [member_data(id=m.pk, full_name=m.full_name) for m in household.members.all()]
    return household_update(
        user=staff,
        household=household,
        expected_version=household.version,
        village=village or household.village,
        data=data,
        members=members,
    )


@needs_postgresql
def test_the_table_follows_creates_status_changes_moves_and_deletes(staff, villages, commune, unit):
    other = unit("Xã Lương Thượng")
    first = create(staff, villages["Nà Hin"], "BB-01")
    second = create(staff, villages["Nà Hin"], "BB-02")
    create(staff, villages["Khuổi Bốc"], "BB-03", status=HouseholdStatus.MOVED, status_date=datetime.date(2024, 3, 1))
    assert table() == {
        (commune.pk, villages["Nà Hin"].pk, None): 2,
        (commune.pk, villages["Khuổi Bốc"].pk, 2024): 1,
    }
    assert_in_step(commune, other)

    # Gone by the end of 2024 when it left on its last day; still there when it left the next morning.
    update(staff, first, status=HouseholdStatus.SPLIT, status_date=datetime.date(2024, 12, 31))
    assert rollup._registry({commune.pk}, [2024, 2025]) == {(commune.pk, 2024): 1, (commune.pk, 2025): 1}
    assert_in_step(commune, other)
    update(staff, first, status_date=datetime.date(2025, 1, 1))
    assert rollup._registry({commune.pk}, [2024, 2025]) == {(commune.pk, 2024): 2, (commune.pk, 2025): 1}
    assert_in_step(commune, other)
    update(staff, first, status=HouseholdStatus.ACTIVE, status_date=None)
    assert_in_step(commune, other)

    update(staff, second, village=villages["Khuổi Bốc"])  # another village of the commune
    assert_in_step(commune, other)
    update(staff, second, village=villages["Nà Mò"])  # another commune
    assert table()[(other.pk, villages["Nà Mò"].pk, None)] == 1
    assert_in_step(commune, other)

    second.delete()
    first.delete()
    assert table() == {(commune.pk, villages["Khuổi Bốc"].pk, 2024): 1}  # a row that falls to zero goes
    assert_in_step(commune, other)


@needs_postgresql
def test_a_statement_over_many_rows_is_added_at_once(villages, commune, unit):
    HouseholdFactory.create_batch(30, village=villages["Nà Hin"])
    HouseholdFactory.create_batch(
        5, village=villages["Khuổi Bốc"], status="moved", status_date=datetime.date(2023, 5, 1)
    )
    Household.objects.filter(village=villages["Nà Hin"]).update(status="merged", status_date=datetime.date(2026, 2, 2))
    Household.objects.filter(village=villages["Khuổi Bốc"]).update(
        village=villages["Nà Mò"], commune=unit("Xã Lương Thượng")
    )
    Household.objects.filter(code__in=list(Household.objects.values_list("code", flat=True)[:7])).delete()
    assert_in_step(commune, unit("Xã Lương Thượng"))


@needs_postgresql
def test_the_triggers_fire_with_the_replication_role_the_import_sets(villages, commune):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        HouseholdFactory.create_batch(3, village=villages["Nà Hin"])
        Household.objects.filter(village=villages["Nà Hin"]).update(status="moved", status_date="2025-08-01")
    assert table() == {(commune.pk, villages["Nà Hin"].pk, 2025): 3}
    assert_in_step(commune)


@needs_postgresql
def test_the_fill_counts_the_households_there(villages, commune):
    HouseholdFactory.create_batch(4, village=villages["Nà Hin"])
    HouseholdFactory.create_batch(2, village=villages["Khuổi Bốc"], status="split", status_date="2022-10-10")
    HouseholdFactory.create_batch(1, village=villages["Khuổi Bốc"], status="moved", status_date=None)
    # Migration 0017's fill predates the province (0021); the rebuild's refill repeats its key with it.
    fill = statistics_services._REGISTRY_REFILL[-1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM households_registrycount")
        cursor.execute(fill)
    assert table() == grouped_now()
    assert table()[(commune.pk, villages["Khuổi Bốc"].pk, None)] == 1  # left, no day given: still counted
    assert set(RegistryCount.objects.values_list("province_id", flat=True)) == {province_of(commune.pk)}


@needs_postgresql
def test_rebuild_statistics_refills_a_table_gone_wrong(villages, commune):
    HouseholdFactory.create_batch(3, village=villages["Nà Hin"])
    HouseholdFactory.create_batch(2, village=villages["Khuổi Bốc"], status="split", status_date="2022-10-10")
    expected = table()
    with connection.cursor() as cursor:  # as a restore of the households alone, or a trigger turned off, would
        cursor.execute("UPDATE households_registrycount SET households = households + 7")
        cursor.execute(
            "INSERT INTO households_registrycount (commune_id, village_id, province_id, left_in, households)"
            " VALUES (%s, %s, %s, 2019, 5)",
            [commune.pk, villages["Nà Mò"].pk, province_of(commune.pk)],
        )
    assert table() != expected
    statistics_rebuild()
    assert table() == expected == grouped_now()


@needs_postgresql
def test_a_truncate_empties_the_table(villages, commune):
    HouseholdFactory.create_batch(3, village=villages["Nà Hin"])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign-key check may wait for the commit
        cursor.execute("TRUNCATE households_household CASCADE")
    assert not RegistryCount.objects.exists()


@needs_postgresql
def test_an_import_copies_and_updates_and_the_table_follows(officer, commune, villages):
    def workbook(*rows):
        people = [person(row["Mã hộ"], f"Chủ hộ {row['Mã hộ']}") for row in rows]
        return make_workbook(households=rows, members=people)

    first = [household(f"BB-{i:02d}", "Thôn Nà Hin" if i % 3 else "Thôn Khuổi Bốc") for i in range(1, 13)]
    assert import_commit(user=officer, commune=commune, source=workbook(*first)).committed
    assert table() == {(commune.pk, villages["Nà Hin"].pk, None): 8, (commune.pk, villages["Khuổi Bốc"].pk, None): 4}
    assert_in_step(commune)

    # Again, with four households in the other village and two new ones.
    again = [household(f"BB-{i:02d}", "Thôn Khuổi Bốc" if i <= 4 else "Thôn Nà Hin") for i in range(1, 15)]
    assert import_commit(user=officer, commune=commune, source=workbook(*again)).committed
    assert table() == {(commune.pk, villages["Nà Hin"].pk, None): 10, (commune.pk, villages["Khuổi Bốc"].pk, None): 4}
    assert_in_step(commune)


@needs_postgresql
def test_the_carry_over_moves_the_count_and_the_old_communes_keep_their_past_years(world):  # noqa: F811
    moved = world["households"]["Thôn Hai"][0]
    Household.objects.filter(pk=moved.pk).update(status="moved", status_date=datetime.date(2024, 6, 1))
    old = [world["a"], world["b"], world["c"]]
    new = [world["n1"], world["n2"]]
    assert_in_step(*old, *new)

    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    assert not RegistryCount.objects.filter(commune=world["a"]).exists()
    assert rollup._registry({world["a"].pk}, [2023, 2024, 2026]) == {(world["a"].pk, 2023): 5, (world["a"].pk, 2024): 4}
    assert_in_step(*old, *new)

    # The split commune's villages follow once assigned.
    village_assign(user=world["officer"], village=world["villages"]["Thôn Bốn"], successor=world["n2"])
    village_assign(user=world["officer"], village=world["villages"]["Thôn Năm"], successor=world["n1"])
    carry_over_commit(user=world["officer"], code="99", decision="NQ 1")
    assert_in_step(*old, *new)


@pytest.mark.parametrize("day", ["2024-12-31", "2025-01-01", "2025-06-30", "2025-07-01", None])
def test_the_registry_is_the_one_counted_before_on_the_year_boundaries(villages, commune, day):
    """On both databases: SQLite counts the households, PostgreSQL reads the table."""
    HouseholdFactory.create_batch(2, village=villages["Nà Hin"])
    HouseholdFactory.create_batch(3, village=villages["Nà Hin"], status="moved", status_date=day)
    expected = {key: n for key, n in counted_before({commune.pk}, YEARS).items() if n}
    assert {key: n for key, n in rollup._registry({commune.pk}, YEARS).items() if n} == expected


@needs_postgresql
def test_the_statistics_api_reads_no_household(client, reviewed, province_officer, unit):
    """The coverage comes from the table: the same queries, none of the households table, however many."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=province_officer)[0].key}"
    reads_households = re.compile(r'"households_household"')

    def ask():
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/statistics/", {"year": 2024, "unit": "06"}).json()
        assert not [q["sql"] for q in queries if reads_households.search(q["sql"])]
        return len(queries), body["coverage"]["registry_households"]

    queries, registry = ask()
    HouseholdFactory.create_batch(40, village=VillageFactory(parent=unit("Xã Bộc Bố")))
    assert ask() == (queries, registry + 40)
