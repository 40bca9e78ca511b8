"""The households' flows from one year to the next (``StatisticFlow``), kept on approval so that the change
table of Circular 07 reads a few rows per commune instead of every review of two years. The table is filled
from the standing reviews (``StatisticSource``) by a copy of ``households.services.statistics``'s rebuild
statement, written out here so that a later change of the service cannot change what this migration did.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

COLUMNS = "year, standard, start_commune_id, start_status, end_commune_id, end_status, transition"
# Those with an end (a source of the year), with their start if they have one (a source of the year before);
# then those with a start and no end.
FILL = f"""
INSERT INTO households_statisticflow ({COLUMNS}, households)
SELECT {COLUMNS}, COUNT(*) FROM (
    SELECT e.year AS year, e.standard AS standard,
        sr.commune_id AS start_commune_id, COALESCE(sr.status, '') AS start_status,
        er.commune_id AS end_commune_id, er.status AS end_status, er.transition AS transition
    FROM reports_statisticsource e
    JOIN households_householdreview er ON er.id = e.review_id
    LEFT JOIN reports_statisticsource s
        ON s.household_id = e.household_id AND s.year = e.year - 1 AND s.standard = e.standard
    LEFT JOIN households_householdreview sr ON sr.id = s.review_id
    UNION ALL
    SELECT s.year + 1, s.standard, sr.commune_id, sr.status, NULL, '', ''
    FROM reports_statisticsource s
    JOIN households_householdreview sr ON sr.id = s.review_id
    WHERE NOT EXISTS (
        SELECT 1 FROM reports_statisticsource e
        WHERE e.household_id = s.household_id AND e.year = s.year + 1 AND e.standard = s.standard
    )
) flows
GROUP BY {COLUMNS}
"""


class Migration(migrations.Migration):
    dependencies = [("households", "0017_registry_count")]

    operations = [
        migrations.CreateModel(
            name="StatisticFlow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("standard", models.CharField(max_length=9)),
                ("start_status", models.CharField(blank=True, max_length=10)),
                ("end_status", models.CharField(blank=True, max_length=10)),
                ("transition", models.CharField(blank=True, max_length=24)),
                ("households", models.IntegerField()),
                (
                    "end_commune",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="households.administrativeunit",
                    ),
                ),
                (
                    "start_commune",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="households.administrativeunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "statistic flow",
                "verbose_name_plural": "statistic flows",
                "constraints": [
                    models.UniqueConstraint(
                        models.F("year"),
                        models.F("standard"),
                        django.db.models.functions.comparison.Coalesce("start_commune", 0),
                        models.F("start_status"),
                        django.db.models.functions.comparison.Coalesce("end_commune", 0),
                        models.F("end_status"),
                        models.F("transition"),
                        name="statistic_flow_unique",
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
