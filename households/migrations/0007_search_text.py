"""Search by one folded text per household (households/search.py) instead of folding in SQL: the text is
added and filled, a full-text GIN index replaces the three trigram indexes, and ``pp_fold`` goes."""

import importlib

from django.db import migrations, models

from households.search import household_search_refresh

INDEX = "household_search_text_fts"
FORWARD = [
    f"CREATE INDEX {INDEX} ON households_household USING gin (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX IF EXISTS member_name_fold_trgm",
    "DROP INDEX IF EXISTS household_head_fold_trgm",
    "DROP INDEX IF EXISTS household_code_fold_trgm",
    "DROP FUNCTION IF EXISTS pp_fold(text)",
]
SEARCH_FOLD = importlib.import_module("households.migrations.0006_search_fold")
BACKWARD = [f"DROP INDEX IF EXISTS {INDEX}", *SEARCH_FOLD.FORWARD]
_run = SEARCH_FOLD._run  # statements run on PostgreSQL only


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    household_search_refresh(
        apps.get_model("households", "Household").objects.using(db).all(),
        apps.get_model("households", "Member").objects.using(db).all(),
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0006_search_fold")]

    operations = [
        migrations.AddField(
            model_name="household", name="search_text", field=models.TextField(default="", editable=False)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
