"""Which database each query goes to, when a replica is configured (``DATABASE_ROUTERS``)."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from . import REPLICA
from .scope import current_scope

SAME_DATA = frozenset({DEFAULT_DB_ALIAS, REPLICA, None})


def primary_in_transaction() -> bool:
    """An atomic block is open on the primary: its reads must see its own writes and one snapshot. The blocks a
    test case wraps each test in do not count (Django marks them so)."""
    return any(not block._from_testcase for block in connections[DEFAULT_DB_ALIAS].atomic_blocks)


class ReplicaRouter:
    """Reads of the tables of ``settings.REPLICA_APPS`` inside a marked view (``scope.replica_reads``) go where
    its scope says; every other read, and every write, goes to the primary. Sessions, users, tokens, the audit
    log, the counters and the database cache stay on the primary: they are read back by the very request after
    the one that wrote them (a sign-in), before any position could be checked."""

    def db_for_read(self, model, **hints):
        scope = current_scope()
        if scope is None or model._meta.app_label not in settings.REPLICA_APPS or primary_in_transaction():
            return DEFAULT_DB_ALIAS
        return scope.alias()

    def db_for_write(self, model, **hints):
        scope = current_scope()
        if scope is not None and model._meta.app_label in settings.REPLICA_APPS:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """A row read from the replica is the primary's row: a new row may point to it (it is saved on the
        primary)."""
        return True if {obj1._state.db, obj2._state.db} <= SAME_DATA else None

    def allow_migrate(self, db, app_label, **hints):
        """The replica follows the primary's WAL, migrations included, and takes no writes of its own."""
        return False if db == REPLICA else None
