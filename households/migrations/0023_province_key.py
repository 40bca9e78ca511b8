"""The sharding key: a ``province`` column on every table that grows with the households (``households.sharding``).

Added empty, filled from the communes and households in a few set-based statements, then made NOT NULL: from here
on the application writes it (``households.provinces``). The registry count's triggers take it from the households'
rows they count, and are paused while the households are filled, since the fill changes no count. The history
tables get the column empty-able, as simple-history makes every copied foreign key; their rows are filled too.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

UNITS = "households_administrativeunit"
# The province above a commune ``c`` (joined to its parent ``p``): the parent itself in the 2025 tree, a legacy
# commune's grandparent (Resolution 202/2025/QH15).
PROVINCE = "CASE WHEN p.level = 'province' THEN p.id ELSE p.parent_id END"
BY_COMMUNE = (
    "households_household",
    "households_historicalhousehold",
    "reports_statisticcount",
    "households_registrycount",
)
BY_HOUSEHOLD = (
    "households_member",
    "households_householdreview",
    "reports_statisticsource",
    "households_historicalmember",
    "households_historicalhouseholdreview",
)
TRIGGERS = ("insert", "update", "delete")

# Migration 0017's functions with the province in the key (a migration keeps its own SQL).
KEY = (
    "commune_id, village_id, province_id, "
    "CASE WHEN status = 'active' OR status_date IS NULL THEN NULL ELSE extract(year FROM status_date)::smallint END"
)
CHANGES = {
    "insert": f"SELECT {KEY}, 1 FROM new_rows",
    "update": f"SELECT {KEY}, 1 FROM new_rows UNION ALL SELECT {KEY}, -1 FROM old_rows",
    "delete": f"SELECT {KEY}, -1 FROM old_rows",
}


def _function(event: str, *, province: bool) -> str:
    key = "commune_id, village_id, province_id, left_in" if province else "commune_id, village_id, left_in"
    changes = CHANGES[event] if province else CHANGES[event].replace("province_id, ", "")
    target = "commune_id, village_id, (COALESCE(left_in, 0))" + (", province_id" if province else "")
    return f"""
CREATE OR REPLACE FUNCTION households_registry_count_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    emptied bigint[];
BEGIN
    WITH changed ({key}, n) AS ({changes}),
    written AS (
        INSERT INTO households_registrycount AS r ({key}, households)
        SELECT {key}, sum(n) FROM changed
        GROUP BY {key} HAVING sum(n) <> 0
        ORDER BY {key}
        ON CONFLICT ({target})
        DO UPDATE SET households = r.households + EXCLUDED.households
        RETURNING r.id, r.households
    )
    SELECT array_agg(id) FILTER (WHERE households = 0) INTO emptied FROM written;
    IF emptied IS NOT NULL THEN
        DELETE FROM households_registrycount WHERE id = ANY(emptied) AND households = 0;
    END IF;
    RETURN NULL;
END $$"""


def _fill_postgresql(cursor) -> None:
    for event in TRIGGERS:
        cursor.execute(f"ALTER TABLE households_household DISABLE TRIGGER households_registry_count_{event}")
    for table in BY_COMMUNE:
        cursor.execute(
            f"UPDATE {table} t SET province_id = {PROVINCE} FROM {UNITS} c JOIN {UNITS} p ON p.id = c.parent_id"
            " WHERE c.id = t.commune_id"
        )
    for table in BY_HOUSEHOLD:
        cursor.execute(
            f"UPDATE {table} t SET province_id = h.province_id FROM households_household h WHERE h.id = t.household_id"
        )
    for event in TRIGGERS:
        cursor.execute(f"ALTER TABLE households_household ENABLE ALWAYS TRIGGER households_registry_count_{event}")


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _fill_postgresql(cursor)
        return
    units = apps.get_model("households", "AdministrativeUnit").objects.filter(pk=OuterRef("commune_id"))
    province = Coalesce(
        Subquery(units.filter(parent__level="province").values("parent_id")[:1]),
        Subquery(units.values("parent__parent_id")[:1]),
    )
    for model in ("Household", "HistoricalHousehold", "StatisticCount", "RegistryCount"):
        apps.get_model("households", model).objects.update(province_id=province)
    households = apps.get_model("households", "Household").objects.filter(pk=OuterRef("household_id"))
    for model in ("Member", "HouseholdReview", "StatisticSource", "HistoricalMember", "HistoricalHouseholdReview"):
        apps.get_model("households", model).objects.update(province_id=Subquery(households.values("province_id")[:1]))


def triggers(*, province: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for event in TRIGGERS:
                cursor.execute(_function(event, province=province))

    return run


def _province(*, null: bool, history: bool = False):
    if history:
        return models.ForeignKey(
            blank=True,
            db_constraint=False,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to="households.administrativeunit",
            verbose_name="province",
        )
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="households.administrativeunit",
        verbose_name="province",
    )


DISTRIBUTED = ("household", "member", "householdreview", "statisticsource", "statisticcount", "registrycount")
HISTORY = ("historicalhousehold", "historicalmember", "historicalhouseholdreview")


class Migration(migrations.Migration):
    dependencies = [("households", "0022_read_indexes")]

    operations = [
        migrations.RemoveConstraint(model_name="registrycount", name="registry_count_unique"),
        migrations.RemoveConstraint(model_name="statisticcount", name="statistic_cell_unique"),
        *(migrations.AddField(model_name=m, name="province", field=_province(null=True)) for m in DISTRIBUTED),
        *(
            migrations.AddField(model_name=m, name="province", field=_province(null=True, history=True))
            for m in HISTORY
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(migrations.AlterField(model_name=m, name="province", field=_province(null=False)) for m in DISTRIBUTED),
        migrations.RunPython(triggers(province=True), triggers(province=False)),
        migrations.AddConstraint(
            model_name="registrycount",
            constraint=models.UniqueConstraint(
                models.F("commune"),
                models.F("village"),
                django.db.models.functions.comparison.Coalesce("left_in", 0),
                models.F("province"),
                name="registry_count_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="statisticcount",
            constraint=models.UniqueConstraint(
                fields=("year", "standard", "dimension", "commune", "key", "status", "province"),
                name="statistic_cell_unique",
            ),
        ),
    ]
