"""The version of every user's scope (``households.scope_cache``), kept by triggers on PostgreSQL.

A scope changes only when units or the reform's successions change, or a user's assignments (the trigger on
``accounts_user_units`` is accounts' migration 0008). Each statement that writes one of those tables updates the
one row of ``households_scopeversion``; the id of the last transaction that updated it (its ``xmin``) is the
version. It becomes visible with the change itself, at commit, and is never given again, even when a
transaction that changed units rolls back. The triggers fire ``ALWAYS``: the import's COPY runs with
``session_replication_role = replica``. SQLite, which serves one process, gets nothing: its scope is computed
per request."""

from django.db import migrations

FUNCTION = """
CREATE TABLE households_scopeversion (id smallint PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL);
INSERT INTO households_scopeversion VALUES (1, 0);
CREATE FUNCTION households_scope_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE households_scopeversion SET changes = changes + 1 WHERE id = 1;
    RETURN NULL;
END $$;
"""
TABLES = ("households_administrativeunit", "households_unitsuccession")


def trigger(table: str) -> str:
    name = f"{table}_scope_changed"
    return (
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION households_scope_changed();"
        f" ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION + "".join(trigger(table) for table in TABLES))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER {table}_scope_changed ON {table}")
        schema_editor.execute("DROP FUNCTION households_scope_changed(); DROP TABLE households_scopeversion")


class Migration(migrations.Migration):
    dependencies = [("households", "0020_unit_regions_and_groups")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
