"""A round's standard is now a model of the ``standards`` app; the column and its constraint are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0014_review_workflow"),
        ("standards", "0001_standards_from_programmes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reviewround",
                    name="standard",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="standards.povertystandard",
                        verbose_name="poverty standard",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
