"""A replica for the tests, routed as in production.

The alias ``replica`` reads through the test's own connection (the default's raw connection), so that it holds
the rows of the test's transaction — a replica that has caught up — while Django counts its queries apart
(``CaptureQueriesContext(connections["replica"])``). Where a test needs a replica that lags, it says how far the
replica has replayed (``lagging``). Without ``DATABASE_REPLICA_URL`` the alias is added for the test only; with
it, the configured alias (a mirror of the test database, ``povertyplan/settings/test.py``) is used.
"""

import itertools

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections

from common.replica import REPLICA, positions, scope

ROUTER = "common.replica.router.ReplicaRouter"
MIDDLEWARE = "common.replica.middleware.ReplicaWritesMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
# The queries of the views' own data: the tables of REPLICA_APPS.
DOMAIN_TABLES = ('"households_', '"programmes_', '"reports_')

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="WAL positions are PostgreSQL's: DATABASE_URL=postgres://…"
)

without_a_replica = pytest.mark.skipif(
    REPLICA in connections.settings, reason="DATABASE_REPLICA_URL is set: these tests are of the app without it"
)


def domain_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT") and reads_domain(q["sql"])]


def reads_domain(sql: str) -> bool:
    return any(table in sql for table in DOMAIN_TABLES)


@pytest.fixture(scope="session", autouse=True)
def _configured_replica_closed(django_db_setup, django_db_blocker):
    """With DATABASE_REPLICA_URL set, the tests' transactions also open the replica alias's own connection to the
    test database: closed before that database is dropped."""
    yield
    if REPLICA in connections.settings:
        with django_db_blocker.unblock():
            connections[REPLICA].close()


@pytest.fixture
def replica(db, settings):
    added = REPLICA not in connections.settings
    if added:
        default = connections[DEFAULT_DB_ALIAS].settings_dict
        connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    settings.DATABASE_ROUTERS = [ROUTER]
    middleware = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    middleware.insert(middleware.index(AUTHENTICATION) + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    connections[DEFAULT_DB_ALIAS].ensure_connection()
    wrapper = connections[REPLICA]
    own = wrapper.connection
    wrapper.connection = connections[DEFAULT_DB_ALIAS].connection
    scope._replica_down_until = 0.0
    # The positions live in the cache, which outlives a test; the users' ids do not.
    cache.clear()
    try:
        yield wrapper
    finally:
        wrapper.connection = own
        scope._replica_down_until = 0.0
        cache.clear()
        if added:
            del connections[REPLICA]
            del connections.settings[REPLICA]


@pytest.fixture
def primary_lsn(monkeypatch):
    """The primary's WAL position: PostgreSQL's own; on SQLite, which has none, a position that grows with each
    write recorded. Returns a function giving the position now."""
    if connection.vendor == "postgresql":
        return positions.primary_position
    counter = itertools.count(0x1000, 0x100)
    latest = {"lsn": "0/0"}

    def fake() -> str:
        latest["lsn"] = f"0/{next(counter):X}"
        return latest["lsn"]

    monkeypatch.setattr(positions, "primary_position", fake)
    return lambda: latest["lsn"]


@pytest.fixture
def lagging(monkeypatch):
    """``lagging("0/0")``: the replica is a standby that has replayed up to there (as PostgreSQL answers)."""

    def at(replayed: str | None) -> None:
        monkeypatch.setattr(positions, "replica_position", lambda: (True, replayed))

    return at
