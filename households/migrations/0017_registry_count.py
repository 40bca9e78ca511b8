"""The registry's households per commune, village and the year they left it (``RegistryCount``), kept by
triggers on PostgreSQL, so that the coverage of the statistics reads a few rows per village instead of
counting every household of the communes on each request.

One trigger per kind of write, each ``FOR EACH STATEMENT`` with its transition tables: a statement's rows are
grouped by key and added in one upsert, whatever their number (an import's COPY, the carry-over's bulk move).
They are enabled ``ALWAYS``: the import sets ``session_replication_role = replica`` to skip the foreign keys'
triggers, which skips ordinary triggers too. The keys are upserted in order, so that two statements changing
the same villages' counts wait for each other's commit rather than deadlock. The table is filled from the households under the triggers' lock on the
table: no write falls between the fill and the first trigger. SQLite gets the empty table and counts the
households (``households.selectors.rollup``)."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

TABLE = "households_registrycount"
# The year a household left the registry, or NULL while it is in it; the selector counts it in a year when
# that year is NULL or later (``households.selectors.rollup._left_in`` says the same in Python).
KEY = (
    "commune_id, village_id, "
    "CASE WHEN status = 'active' OR status_date IS NULL THEN NULL ELSE extract(year FROM status_date)::smallint END"
)
CHANGES = {
    "insert": f"SELECT {KEY}, 1 FROM new_rows",
    "update": f"SELECT {KEY}, 1 FROM new_rows UNION ALL SELECT {KEY}, -1 FROM old_rows",
    "delete": f"SELECT {KEY}, -1 FROM old_rows",
}
TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _function(event: str) -> str:
    return f"""
CREATE FUNCTION households_registry_count_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    emptied bigint[];
BEGIN
    WITH changed (commune_id, village_id, left_in, n) AS ({CHANGES[event]}),
    written AS (
        INSERT INTO {TABLE} AS r (commune_id, village_id, left_in, households)
        SELECT commune_id, village_id, left_in, sum(n) FROM changed
        GROUP BY commune_id, village_id, left_in HAVING sum(n) <> 0
        ORDER BY commune_id, village_id, left_in
        ON CONFLICT (commune_id, village_id, (COALESCE(left_in, 0)))
        DO UPDATE SET households = r.households + EXCLUDED.households
        RETURNING r.id, r.households
    )
    SELECT array_agg(id) FILTER (WHERE households = 0) INTO emptied FROM written;
    IF emptied IS NOT NULL THEN
        DELETE FROM {TABLE} WHERE id = ANY(emptied) AND households = 0;
    END IF;
    RETURN NULL;
END $$"""


FORWARD = [
    *(_function(event) for event in CHANGES),
    f"CREATE FUNCTION households_registry_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$"
    f" BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER households_registry_count_{event} AFTER {event.upper()} ON households_household"
        f" REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION households_registry_count_{event}()"
        for event in CHANGES
    ),
    "CREATE TRIGGER households_registry_count_truncate AFTER TRUNCATE ON households_household"
    " FOR EACH STATEMENT EXECUTE FUNCTION households_registry_count_truncate()",
    *(
        f"ALTER TABLE households_household ENABLE ALWAYS TRIGGER households_registry_count_{event}"
        for event in (*CHANGES, "truncate")
    ),
    # After the triggers: creating them locked the table against writes until this migration commits.
    f"INSERT INTO {TABLE} (commune_id, village_id, left_in, households)"
    f" SELECT {KEY}, count(*) FROM households_household GROUP BY 1, 2, 3",
]
BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS households_registry_count_{event} ON households_household"
        for event in (*CHANGES, "truncate")
    ),
    *(f"DROP FUNCTION IF EXISTS households_registry_count_{event}()" for event in (*CHANGES, "truncate")),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("households", "0016_statistics_from_reports")]

    operations = [
        migrations.CreateModel(
            name="RegistryCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("left_in", models.PositiveSmallIntegerField(null=True)),
                ("households", models.IntegerField()),
                (
                    "commune",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="households.administrativeunit",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="households.administrativeunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "registry count",
                "verbose_name_plural": "registry counts",
                "constraints": [
                    models.UniqueConstraint(
                        models.F("commune"),
                        models.F("village"),
                        django.db.models.functions.comparison.Coalesce("left_in", 0),
                        name="registry_count_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
