"""The tables of a distributed PostgreSQL (Citus): which are split by province, which are copied whole to every node,
and the statements that turn this project's database into that layout (``manage.py citus_distribute``).

Distributed, with ``province_id`` as the distribution column and all co-located with the households: the tables that
grow with the households (a household, its members, reviews, statistic sources and their history), and the statistic
cells and registry counts of each commune. A household's rows all live on one shard, so every write of a household and
every read of one province's figures is answered by one node. The application sets ``province_id`` on every insert
(``households.provinces``): Citus routes a row by the value the coordinator sees.

Reference tables: every other table of the project (units, standards, ethnicities, users, rounds, plans…), small or
read everywhere; each node keeps a full copy, so the distributed tables' foreign keys to them hold on every shard.

Citus wants the distribution column in every primary key and unique constraint of a distributed table, and in the
foreign keys between two of them. So a household code and a citizen ID (CCCD) become unique within a province: the
database alone can no longer refuse the same CCCD in two provinces (``households.selectors.cccd_conflicts``, which
the services ask before saving, still does).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

from households.models import (
    Household,
    HouseholdReview,
    Member,
    RegistryCount,
    StatisticCount,
    StatisticSource,
)

DISTRIBUTION_COLUMN = "province_id"


def distributed_models() -> list[type[models.Model]]:
    """The models split by province, the households first (the others are co-located with it), then in the order
    their foreign keys to each other need."""
    return [
        Household,
        HouseholdReview,
        Member,
        StatisticSource,
        StatisticCount,
        RegistryCount,
        # simple-history's tables grow with every save: split with their objects.
        Household.history.model,
        HouseholdReview.history.model,
        Member.history.model,
    ]


def distributed_tables() -> list[str]:
    return [model._meta.db_table for model in distributed_models()]


def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def local_tables() -> list[tuple[str, str]]:
    """Tables that refer to a distributed table but have no province of their own: (table, the column). Citus takes
    no foreign key from a reference or local table to a distributed one, so theirs is dropped."""
    distributed = set(distributed_models())
    found = []
    for model in _project_models():
        if model in distributed:
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.remote_field.model in distributed and field.db_constraint:
                found.append((model._meta.db_table, field.column))
    return sorted(found)


def reference_tables() -> list[str]:
    """Every other table of the project: copied whole to each node, a table after those its foreign keys name."""
    distributed = set(distributed_tables())
    local = {table for table, _column in local_tables()}
    refers: dict[str, set[str]] = {}
    for model in _project_models():
        table = model._meta.db_table
        if table in distributed or table in local:
            continue
        refers.setdefault(table, set()).update(
            f.remote_field.model._meta.db_table
            for f in model._meta.concrete_fields
            if f.many_to_one and f.db_constraint and f.remote_field.model._meta.db_table != table
        )
    ordered: list[str] = []
    while refers:
        ready = sorted(t for t, targets in refers.items() if not (targets & refers.keys()))
        ready = ready or sorted(refers)[:1]  # a cycle of foreign keys: Citus takes it in any order
        for table in ready:
            ordered.append(table)
            del refers[table]
    return ordered


def _constraints(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def citus_statements() -> list[str]:
    """The statements, in order, that distribute this database (PostgreSQL, the Citus extension created). Read from
    the database's own constraints, so that the names are the ones it has."""
    distributed = distributed_models()
    by_table = {m._meta.db_table: m for m in distributed}
    statements: list[str] = [
        "SET citus.multi_shard_modify_mode TO 'sequential'",
        # The registry counts' triggers on the households (migration 0017) go to the shards with them: they write
        # only counts of the rows' own province, on the same shard, which is what Citus calls a safe use of them.
        "SET citus.enable_unsafe_triggers TO on",
    ]
    # 1. Foreign keys between distributed tables, and from tables that stay local, go first: the keys they name change.
    readded: list[str] = []
    for model in distributed:
        table = model._meta.db_table
        for name, info in sorted(_constraints(table).items()):
            target = info.get("foreign_key")
            if not target or target[0] not in by_table:
                continue
            column = info["columns"][0]
            statements.append(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
            readded.append(
                f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} FOREIGN KEY ({_quote(column)}, "
                f"{DISTRIBUTION_COLUMN}) REFERENCES {_quote(target[0])} ({_quote(target[1])}, {DISTRIBUTION_COLUMN}) "
                "DEFERRABLE INITIALLY DEFERRED"
            )
    for table, column in local_tables():
        for name, info in sorted(_constraints(table).items()):
            if info.get("foreign_key") and info["columns"] == [column]:
                statements.append(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
    # 2. History rows of households deleted before the column existed: their last known province.
    for model in distributed[-3:]:
        statements.extend(_history_fill(model))
    # 3. Primary keys and unique constraints with the province in them.
    with connection.schema_editor(collect_sql=True) as editor:
        for model in distributed:
            table = model._meta.db_table
            for name, info in sorted(_constraints(table).items()):
                if info.get("primary_key"):
                    statements.append(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
                    keys = ", ".join(_quote(c) for c in info["columns"])
                    statements.append(f"ALTER TABLE {_quote(table)} ADD PRIMARY KEY ({keys}, {DISTRIBUTION_COLUMN})")
                elif info.get("unique") and not info.get("foreign_key") and DISTRIBUTION_COLUMN not in info["columns"]:
                    statements.extend(_unique_with_province(model, name, info, editor))
    # 4. The layout: reference tables, then the households and the tables co-located with them.
    statements.extend(f"SELECT create_reference_table('{table}')" for table in reference_tables())
    first = distributed[0]._meta.db_table
    statements.append(f"SELECT create_distributed_table('{first}', '{DISTRIBUTION_COLUMN}')")
    statements.extend(
        f"SELECT create_distributed_table('{m._meta.db_table}', '{DISTRIBUTION_COLUMN}', colocate_with => '{first}')"
        for m in distributed[1:]
    )
    statements.extend(readded)
    return statements


def _history_fill(history: type[models.Model]) -> list[str]:
    table = _quote(history._meta.db_table)
    if history is Household.history.model:
        # As the migration: the province above the commune, in the commune's own tree.
        units = _quote("households_administrativeunit")
        source = (
            f"UPDATE {table} t SET {DISTRIBUTION_COLUMN} = CASE WHEN p.level = 'province' THEN p.id ELSE p.parent_id "
            f"END FROM {units} c JOIN {units} p ON p.id = c.parent_id WHERE c.id = t.commune_id"
        )
    else:
        households = _quote(Household.history.model._meta.db_table)
        source = (
            f"UPDATE {table} t SET {DISTRIBUTION_COLUMN} = h.{DISTRIBUTION_COLUMN} FROM (SELECT DISTINCT ON (id) id, "
            f"{DISTRIBUTION_COLUMN} FROM {households} ORDER BY id, history_id DESC) h WHERE h.id = t.household_id"
        )
    return [
        f"{source} AND t.{DISTRIBUTION_COLUMN} IS NULL",
        f"ALTER TABLE {table} ALTER COLUMN {DISTRIBUTION_COLUMN} SET NOT NULL",
    ]


def _unique_with_province(model, name: str, info: dict, editor) -> list[str]:
    """A unique constraint or index made again with the province: the model's own ``UniqueConstraint`` (its
    condition kept), or a field's ``unique=True``."""
    table = _quote(model._meta.db_table)
    declared = {c.name: c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)}
    if name in declared:
        constraint = declared[name]
        if constraint.expressions:
            return []  # the expression keys already hold the province (statistic cells, registry counts)
        widened = models.UniqueConstraint(
            fields=[*constraint.fields, "province"], condition=constraint.condition, name=constraint.name
        )
        return [str(constraint.remove_sql(model, editor)), str(widened.create_sql(model, editor))]
    columns = ", ".join(_quote(c) for c in info["columns"])
    # An index made unique (a field's ``unique=True`` makes a constraint, a conditional key an index).
    drop = f"DROP INDEX {_quote(name)}" if info.get("index") else f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}"
    return [drop, f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} UNIQUE ({columns}, {DISTRIBUTION_COLUMN})"]
