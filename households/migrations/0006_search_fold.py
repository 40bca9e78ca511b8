"""Accent-insensitive search on PostgreSQL: the ``pp_fold`` function (lower case, no diacritics) and trigram
indexes on the folded code and names (households/search.py). SQLite registers ``pp_fold`` per connection."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # IMMUTABLE so that it can be indexed: the unaccent dictionary is named explicitly.
    "CREATE OR REPLACE FUNCTION pp_fold(text) RETURNS text AS "
    "$$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$ "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE",
    "CREATE INDEX household_code_fold_trgm ON households_household USING gin (pp_fold(code) gin_trgm_ops)",
    "CREATE INDEX household_head_fold_trgm ON households_household USING gin (pp_fold(head_name) gin_trgm_ops)",
    "CREATE INDEX member_name_fold_trgm ON households_member USING gin (pp_fold(full_name) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS member_name_fold_trgm",
    "DROP INDEX IF EXISTS household_head_fold_trgm",
    "DROP INDEX IF EXISTS household_code_fold_trgm",
    "DROP FUNCTION IF EXISTS pp_fold(text)",
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
    dependencies = [("households", "0005_review_round_state_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
