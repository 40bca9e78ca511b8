"""The poverty standards leave this app for ``standards`` (its 0001); their tables stay (``db_table``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0015_round_standard_in_standards"),
        ("programmes", "0005_goal_comparison"),
        ("standards", "0001_standards_from_programmes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="dimension",
                    name="standard",
                ),
                migrations.RemoveField(
                    model_name="indicator",
                    name="dimension",
                ),
                migrations.RemoveField(
                    model_name="incomeline",
                    name="standard",
                ),
                migrations.RemoveField(
                    model_name="indicator",
                    name="standard",
                ),
                migrations.RemoveField(
                    model_name="povertystandard",
                    name="based_on",
                ),
                migrations.RemoveField(
                    model_name="povertystandard",
                    name="created_by",
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="standard",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The standard the rates are measured under.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="standards.povertystandard",
                        verbose_name="poverty standard",
                    ),
                ),
                migrations.DeleteModel(
                    name="PublicHoliday",
                ),
                migrations.DeleteModel(
                    name="Dimension",
                ),
                migrations.DeleteModel(
                    name="IncomeLine",
                ),
                migrations.DeleteModel(
                    name="Indicator",
                ),
                migrations.DeleteModel(
                    name="PovertyStandard",
                ),
            ],
            database_operations=[],
        ),
    ]
