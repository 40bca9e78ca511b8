"""Reads from a streaming replica of the primary (PostgreSQL), for what is read most.

Without ``DATABASE_REPLICA_URL`` none of this is installed and every query goes to ``DATABASE_URL``. With it:

- ``scope.replica_reads`` marks a view whose reads may go to the replica (the statistics API, the dashboard,
  the report pages and files, the API's lists); only its GET, HEAD and OPTIONS requests, only the tables of
  ``settings.REPLICA_APPS``, never inside a transaction on the primary and never after the request has
  written one of those tables (``router.ReplicaRouter``). Every write goes to the primary.
- A user who has written reads from the primary until the replica has replayed the primary's WAL past the
  write (``positions``): the position is recorded after each successful unsafe request
  (``middleware.ReplicaWritesMiddleware``) and when a background job of theirs ends (``jobs.runner``).
- A replica that cannot be reached, or fails during a view, is left for ``scope.RETRY_AFTER`` seconds and
  the reads go to the primary: a warning in the log, never an error page.
"""

from django.db import connections

REPLICA = "replica"


def replica_configured() -> bool:
    """A replica is among the databases (``DATABASE_REPLICA_URL``; in the tests, ``tests/replica``)."""
    return REPLICA in connections.settings
