"""The queries that would cross shards in a distributed PostgreSQL (households.sharding): captured from the pages and
the API, each read of a distributed table is either confined to the provinces of the user's area (a filter on their
``province_id``, which Citus routes to those shards alone) or crosses every shard (the ministry's national table).

A province officer's statistics and dashboard name their provinces; the national table and API read every province's
aggregate cells, a few rows per commune, never the households (on PostgreSQL, where the registry is counted by
``RegistryCount``)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from households.provinces import provinces_of
from households.selectors import visible_unit_ids
from households.sharding import distributed_tables

pytestmark = pytest.mark.django_db
AGGREGATES = {"reports_statisticcount", "households_registrycount"}
PROVINCE_FILTER = re.compile(r'"province_id" (?:IN \(([\d, ]+)\)|= (\d+))')


def distributed_reads(client, url: str) -> list[tuple[set[str], set[int] | None]]:
    """The reads of distributed tables ``url`` makes: (the tables, the provinces it is confined to or None)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = []
    for query in queries.captured_queries:
        sql = query["sql"]
        tables = {t for t in distributed_tables() if f'"{t}"' in sql}
        if not tables or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        found = PROVINCE_FILTER.findall(sql)
        provinces = {int(p) for listed, one in found for p in (listed or one).split(",")} if found else None
        reads.append((tables, provinces))
    return reads


@pytest.mark.parametrize("url", ["/api/v1/statistics/?year=2024&unit=06", "/dashboard/?year=2024"])
def test_a_province_officer_reads_the_shards_of_its_provinces(reviewed, make_user, unit, client, url):
    officer = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    # Bắc Kạn, and the new Thái Nguyên its communes became part of (the officer follows them across the reform).
    area = set(provinces_of(visible_unit_ids(officer)).values())
    assert len(area) == 2
    client.force_login(officer)
    reads = distributed_reads(client, url)
    assert reads
    for tables, provinces in reads:
        assert provinces is not None, f"{tables} read across every shard"
        assert provinces <= area


@pytest.mark.parametrize("url", ["/national/?year=2024", "/api/v1/statistics/national/?year=2024"])
def test_the_national_table_crosses_every_shard_over_the_aggregates(reviewed, make_user, client, url):
    client.force_login(make_user(Role.MINISTRY_OFFICER))
    reads = distributed_reads(client, url)
    assert reads
    assert all(provinces is None for _tables, provinces in reads)
    if connection.vendor == "postgresql":
        assert set().union(*(tables for tables, _p in reads)) <= AGGREGATES
