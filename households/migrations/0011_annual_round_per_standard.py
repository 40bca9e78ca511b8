from django.db import migrations, models


class Migration(migrations.Migration):
    """One annual round per commune, year and standard (the end-of-period review opens the next period)."""

    dependencies = [
        ("households", "0010_history_read_by_object"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reviewround",
            name="one_annual_round_per_commune_year",
        ),
        migrations.AddConstraint(
            model_name="reviewround",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "annual")),
                fields=("commune", "year", "standard"),
                name="one_annual_round_per_commune_year_standard",
            ),
        ),
    ]
