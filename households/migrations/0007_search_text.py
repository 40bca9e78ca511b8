"""The folded search text of each household (households/search.py), added empty: no rewrite of the table on
PostgreSQL, so it takes a moment. 0008 fills it and indexes it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("households", "0006_search_fold")]

    operations = [
        migrations.AddField(
            model_name="household", name="search_text", field=models.TextField(default="", editable=False)
        ),
    ]
