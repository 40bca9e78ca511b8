"""Fill the search text of 0007, then a full-text GIN index replaces the three trigram indexes of 0006 and
``pp_fold`` goes (households/search.py).

Not atomic, so that households stay readable and writable while it runs (3 minutes at a million households
with two members each): the text is filled 5,000 households at a time, each part committed, and the index is
built CONCURRENTLY. Run again after an interruption, it fills the households still without a text and builds
what is missing."""

import importlib

from django.db import migrations

from households.search import household_search_refresh

INDEX = "household_search_text_fts"
FORWARD = [
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON households_household"
    " USING gin (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX CONCURRENTLY IF EXISTS member_name_fold_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS household_head_fold_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS household_code_fold_trgm",
    "DROP FUNCTION IF EXISTS pp_fold(text)",
]
SEARCH_FOLD = importlib.import_module("households.migrations.0006_search_fold")
BACKWARD = [f"DROP INDEX IF EXISTS {INDEX}", *SEARCH_FOLD.FORWARD]
_run = SEARCH_FOLD._run  # statements run on PostgreSQL only


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    household_search_refresh(
        apps.get_model("households", "Household").objects.using(db).filter(search_text=""),
        apps.get_model("households", "Member").objects.using(db).all(),
    )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("households", "0007_search_text")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
