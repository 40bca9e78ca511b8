"""Read-your-writes, exactly: PostgreSQL's WAL positions (LSNs) of the primary's writes and of the replica's replay.

After a user's writes commit, the primary's WAL insert position is recorded for that user (in the cache, keyed by
the user's id: a browser session, an API token and a background job of the same user share it). A later read of
theirs goes to the replica only once the replica has replayed up to that position, and then forgets it: while a
position is recorded, a read costs one query on the replica, and nothing otherwise (a cache read: Redis, or one
indexed row of the database cache). The insert position, not ``pg_current_wal_lsn()`` (the written one): with
``synchronous_commit = off`` a commit returns before its record is written, and the written position could then
lie before it.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, Error, connections

from . import REPLICA, replica_configured

logger = logging.getLogger(__name__)
# A position is forgotten as soon as the replica is found past it; this only bounds what an idle user leaves in the
# cache. A replica a day behind is broken, not lagging.
REMEMBER_SECONDS = 24 * 3600


def lsn_value(lsn: str) -> int:
    """The byte position of an LSN as PostgreSQL writes it: ``"16/B374D848"`` → ``0x16B374D848``."""
    high, _slash, low = lsn.partition("/")
    return int(high, 16) << 32 | int(low, 16)


def primary_position() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def replica_position() -> tuple[bool, str | None]:
    """Whether the replica is replaying (a standby), and how far it has replayed (None before its first record)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
        in_recovery, replayed = cursor.fetchone()
    return in_recovery, replayed


def replica_has(position: str) -> bool:
    """The replica has replayed the primary's WAL up to ``position``. A server that is not replaying (a promoted
    standby, or the tests' mirror of the primary) holds everything it will ever hold."""
    in_recovery, replayed = replica_position()
    if not in_recovery:
        return True
    return replayed is not None and lsn_value(replayed) >= lsn_value(position)


def _key(user_id: int) -> str:
    return f"replica:written:{user_id}"


def writes_remember(*, user_id: int) -> None:
    """The user has just written (their transaction committed): their reads stay on the primary until the replica
    has replayed this far. Nothing without a replica."""
    if not replica_configured():
        return
    try:
        position = primary_position()
    except Error:
        # The writes are committed: an error now (a page, a failed job) would invite the user to make them again.
        logger.exception("The primary's WAL position after a write of user %s was not recorded.", user_id)
        return
    cache.set(_key(user_id), position, REMEMBER_SECONDS)


def writes_pending(*, user_id: int) -> str | None:
    """The position the user's last writes reached, if the replica has not yet been found past it."""
    return cache.get(_key(user_id))


def writes_forget(*, user_id: int, position: str) -> None:
    """The replica has replayed ``position``. Read again first, so that a write of the same user recorded since (a
    request from another tab) keeps its own position; the two cache calls are not atomic, which leaves a window of
    one cache round trip."""
    if cache.get(_key(user_id)) == position:
        cache.delete(_key(user_id))
