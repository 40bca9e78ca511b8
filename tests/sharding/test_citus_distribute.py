"""``manage.py citus_distribute``: refused where Citus is not installed (as here: no Debian package), and with
``--sql`` the statements a move to Citus would run (households.sharding)."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from households.models import Household, HouseholdReview, Member
from households.sharding import distributed_models, distributed_tables, local_tables, reference_tables
from tests.sharding.test_province_key import DISTRIBUTED

pytestmark = pytest.mark.django_db
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="Citus is a PostgreSQL extension")


def citus_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'citus'")
        return cursor.fetchone() is not None


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's refusal")
def test_sqlite_is_refused():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("citus_distribute")


@needs_postgresql
def test_without_the_extension_it_refuses_and_changes_nothing():
    if citus_available():
        pytest.skip("Citus is installed on this server")
    with pytest.raises(CommandError, match="CREATE EXTENSION citus"):
        call_command("citus_distribute")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        assert cursor.fetchone() is None


@pytest.fixture
def statements(capsys) -> list[str]:
    call_command("citus_distribute", "--sql")
    return [s.strip() for s in capsys.readouterr().out.split(";\n")]


def test_the_tables_split_by_province_are_those_with_the_key():
    history = [m.history.model for m in (Household, HouseholdReview, Member)]
    assert set(distributed_models()) == {*DISTRIBUTED, *history}


def test_the_tables_split_by_province_and_those_copied_whole():
    distributed = distributed_tables()
    assert distributed[0] == "households_household"
    assert {
        "households_member",
        "households_householdreview",
        "reports_statisticsource",
        "reports_statisticcount",
        "households_registrycount",
        "households_historicalhousehold",
    } <= set(distributed)
    references = reference_tables()
    assert {
        "households_administrativeunit",
        "households_ethnicity",
        "households_reviewround",
        "programmes_povertystandard",
        "accounts_user",
    } <= set(references)
    assert not set(references) & set(distributed)
    # Project beneficiaries name households and have no province: they stay on the coordinator.
    assert ("programmes_project_beneficiaries", "household_id") in local_tables()


@needs_postgresql
def test_the_statements_distribute_every_table_by_province_colocated(statements):
    created = [s for s in statements if s.startswith("SELECT create_distributed_table")]
    assert created[0] == "SELECT create_distributed_table('households_household', 'province_id')"
    assert created[1:] == [
        f"SELECT create_distributed_table('{table}', 'province_id', colocate_with => 'households_household')"
        for table in distributed_tables()[1:]
    ]
    references = [s for s in statements if s.startswith("SELECT create_reference_table")]
    assert references == [f"SELECT create_reference_table('{t}')" for t in reference_tables()]
    # The reference tables before the distributed ones that refer to them, the keys before both.
    assert statements.index(references[-1]) < statements.index(created[0])
    assert max(i for i, s in enumerate(statements) if "PRIMARY KEY" in s) < statements.index(references[0])


@needs_postgresql
def test_the_keys_take_the_province(statements):
    sql = "\n".join(statements)
    for table in distributed_tables():
        key = "history_id" if "historical" in table else "id"
        assert f'ALTER TABLE "{table}" ADD PRIMARY KEY ("{key}", province_id)' in sql
    # Unique keys hold the distribution column: a household code and a CCCD are unique within a province.
    assert 'UNIQUE ("code", province_id)' in sql
    assert re.search(
        r'CREATE UNIQUE INDEX "member_cccd_unique" ON "households_member" \("national_id", "province_id"\)', sql
    )
    assert 'UNIQUE ("round_id", "household_id", "province_id")' in sql
    assert 'UNIQUE ("household_id", "year", "standard", "province_id")' in sql
    # Foreign keys between distributed tables name the province too, re-made once the tables are distributed.
    for table, column, target in (
        ("households_member", "household_id", "households_household"),
        ("households_householdreview", "household_id", "households_household"),
        ("reports_statisticsource", "household_id", "households_household"),
        ("reports_statisticsource", "review_id", "households_householdreview"),
    ):
        pattern = (
            rf'ALTER TABLE "{table}" ADD CONSTRAINT "[^"]+" FOREIGN KEY \("{column}", province_id\) '
            rf'REFERENCES "{target}" \("id", province_id\)'
        )
        matches = [i for i, s in enumerate(statements) if re.match(pattern, s)]
        assert len(matches) == 1, pattern
        assert matches[0] > max(i for i, s in enumerate(statements) if "create_distributed_table" in s)
    # The history rows of households gone before the column existed get their last province, then NOT NULL.
    assert 'ALTER TABLE "households_historicalmember" ALTER COLUMN province_id SET NOT NULL' in sql
    assert re.search(r'ALTER TABLE "programmes_project_beneficiaries" DROP CONSTRAINT "[^"]+"', sql)
