"""The workflow's dates and steps (Decision 24/2021/QĐ-TTg, art. 4): re-checking after a village meeting where
under half agreed, the district chair's opinion before 1 July 2025, and the days the review was submitted and
the district consulted."""

from django.db import migrations, models

STATE = models.CharField(
    choices=[
        ("draft", "Draft"),
        ("rechecking", "Being checked again"),
        ("meeting_confirmed", "Confirmed by the village meeting"),
        ("posted", "Posted publicly"),
        ("submitted", "Submitted"),
        ("district_consulted", "District chair consulted"),
        ("approved", "Approved"),
        ("returned", "Returned"),
    ],
    default="draft",
    max_length=20,
    verbose_name="state",
)


class Migration(migrations.Migration):
    dependencies = [("households", "0013_classification_facts"), ("programmes", "0004_public_holidays")]

    operations = [
        migrations.AddField(
            model_name="historicalhouseholdreview",
            name="district_consulted_on",
            field=models.DateField(blank=True, null=True, verbose_name="district chair consulted on"),
        ),
        migrations.AddField(
            model_name="historicalhouseholdreview",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="submitted on"),
        ),
        migrations.AddField(
            model_name="householdreview",
            name="district_consulted_on",
            field=models.DateField(blank=True, null=True, verbose_name="district chair consulted on"),
        ),
        migrations.AddField(
            model_name="householdreview",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="submitted on"),
        ),
        migrations.AddField(
            model_name="villagemeeting",
            name="agreed",
            field=models.BooleanField(default=True, verbose_name="agreed"),
        ),
        migrations.AlterField(model_name="historicalhouseholdreview", name="state", field=STATE),
        migrations.AlterField(model_name="householdreview", name="state", field=STATE),
    ]
