"""When a user's scope (``households.selectors.units.visible_unit_ids``) must be computed again.

A scope depends only on the units, the reform's successions and the user's assignments. On PostgreSQL every
statement that writes one of those tables updates the one row of ``households_scopeversion`` (triggers of
households' migration 0021 and accounts' 0008), counting the changes; the id of the transaction that last did
(``xmin``) and that count are the version: the same in every process, visible with the change itself, and never
given again (a transaction that rolls back leaves its id behind). A process keeps the scopes of its recent users
under it: one primary-key read a request instead of three queries over the units (56 ms for a province officer's
2,243 units and villages with the country loaded). SQLite, which serves one process, has no such row: its scope
lives on the user object, at most for one request.

Within a request, a unit, succession or assignment saved in this process bumps ``version`` (signals): the next
read goes back to the database, which then gives the new version.
"""

from __future__ import annotations

from collections import OrderedDict

from django.db.models.signals import m2m_changed, post_delete, post_save

version = 0
# (database alias, user id, version) → the user's scope; the least recently read go first past ``KEPT``.
KEPT = 2048
_scopes: OrderedDict[tuple[str, int, str], frozenset[int]] = OrderedDict()


def bump(**kwargs) -> None:
    global version
    version += 1


def database_version(connection) -> str | None:
    """The scopes' version in the database ``connection`` reads, or None where it keeps none (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The transaction tells versions of different transactions apart, the count those of one transaction.
        cursor.execute("SELECT xmin::text || ':' || changes FROM households_scopeversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def get(key: tuple[str, int, str]) -> frozenset[int] | None:
    scope = _scopes.get(key)
    if scope is not None:
        _scopes.move_to_end(key)
    return scope


def keep(key: tuple[str, int, str], scope: frozenset[int]) -> None:
    _scopes[key] = scope
    while len(_scopes) > KEPT:
        _scopes.popitem(last=False)


def connect() -> None:
    from accounts.models import User
    from households.models import AdministrativeUnit, UnitSuccession

    for model in (AdministrativeUnit, UnitSuccession):
        post_save.connect(bump, sender=model, dispatch_uid=f"scope-cache-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"scope-cache-delete-{model.__name__}")
    m2m_changed.connect(bump, sender=User.units.through, dispatch_uid="scope-cache-assignments")
