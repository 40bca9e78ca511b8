"""A user's assignments are part of their scope: writing them changes the scope's version as writing units does
(households' migration 0021, ``households.scope_cache``). PostgreSQL only."""

from django.db import migrations

TABLE = "accounts_user_units"
NAME = f"{TABLE}_scope_changed"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION households_scope_changed();"
            f" ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {NAME}"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER {NAME} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_ministry_officer_role"), ("households", "0021_scope_version")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
