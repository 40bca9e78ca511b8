from django.db import migrations, models


class Migration(migrations.Migration):
    """One annual round per commune, year and standard (the end-of-period review opens the next period);
    the transition of a household first classified under a new standard (choices only, no change in the
    database)."""

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
        migrations.AlterField(
            model_name="historicalhouseholdreview",
            name="transition",
            field=models.CharField(
                choices=[('stayed_poor', 'Stayed poor'), ('stayed_near_poor', 'Stayed near-poor'), ('stayed_not_poor', 'Stayed out of poverty'), ('poor_to_near_poor', 'Escaped poverty to near-poor'), ('poor_escaped', 'Escaped poverty above near-poor'), ('near_poor_to_poor', 'Near-poor became poor'), ('fell_back_poor', 'Fell back into poverty'), ('newly_poor', 'Newly poor'), ('near_poor_escaped', 'Escaped near-poverty'), ('fell_back_near_poor', 'Fell back into near-poverty'), ('newly_near_poor', 'Newly near-poor'), ('baseline', 'First review under a new standard')],
                editable=False,
                max_length=24,
                verbose_name="transition",
            ),
        ),
        migrations.AlterField(
            model_name="householdreview",
            name="transition",
            field=models.CharField(
                choices=[('stayed_poor', 'Stayed poor'), ('stayed_near_poor', 'Stayed near-poor'), ('stayed_not_poor', 'Stayed out of poverty'), ('poor_to_near_poor', 'Escaped poverty to near-poor'), ('poor_escaped', 'Escaped poverty above near-poor'), ('near_poor_to_poor', 'Near-poor became poor'), ('fell_back_poor', 'Fell back into poverty'), ('newly_poor', 'Newly poor'), ('near_poor_escaped', 'Escaped near-poverty'), ('fell_back_near_poor', 'Fell back into near-poverty'), ('newly_near_poor', 'Newly near-poor'), ('baseline', 'First review under a new standard')],
                editable=False,
                max_length=24,
                verbose_name="transition",
            ),
        ),
    ]
