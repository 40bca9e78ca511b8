"""The statistics tables and the resident counts become models of this app, whose approval writes them. Their
tables keep their names (``db_table``): only Django's record of which app holds them changes, and the content
types (so permissions and admin history follow the models).
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ["statisticcount", "statisticsource", "residentcount", "historicalresidentcount"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Rows made for this app by a migrate that ran while it was rolled back; the old ones carry the permissions.
    ContentType.objects.filter(app_label="households", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="reports", model__in=MOVED).update(app_label="households")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="households", model__in=MOVED).update(app_label="reports")


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0015_round_standard_in_standards'),
        ('reports', '0004_resident_counts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='HistoricalResidentCount',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('households', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='resident households')),
                ('people', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='resident people')),
                ('source', models.CharField(blank=True, help_text="Where the figures come from, e.g. the commune police's population records at 31/12.", max_length=300, verbose_name='source')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField()),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('commune', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='households.administrativeunit', verbose_name='commune')),
                ('entered_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical resident count',
                'verbose_name_plural': 'historical resident counts',
                'db_table': 'reports_historicalresidentcount',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ResidentCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('households', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='resident households')),
                ('people', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='resident people')),
                ('source', models.CharField(blank=True, help_text="Where the figures come from, e.g. the commune police's population records at 31/12.", max_length=300, verbose_name='source')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='households.administrativeunit', verbose_name='commune')),
                ('entered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
            ],
            options={
                'verbose_name': 'resident count',
                'verbose_name_plural': 'resident counts',
                'db_table': 'reports_residentcount',
                'ordering': ['-year', 'commune__name'],
                'constraints': [models.UniqueConstraint(fields=('commune', 'year'), name='resident_count_unique')],
            },
        ),
        migrations.CreateModel(
            name='StatisticCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('standard', models.CharField(max_length=9)),
                ('dimension', models.CharField(choices=[('status', 'Status'), ('transition', 'Transition'), ('ethnicity', 'Ethnicity'), ('group', 'Group'), ('cause', 'Cause'), ('indicator', 'Indicator')], max_length=12)),
                ('key', models.CharField(blank=True, max_length=40)),
                ('status', models.CharField(max_length=10)),
                ('households', models.IntegerField(default=0)),
                ('people', models.IntegerField(default=0)),
                ('commune', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='households.administrativeunit')),
            ],
            options={
                'verbose_name': 'statistic count',
                'verbose_name_plural': 'statistic counts',
                'db_table': 'reports_statisticcount',
                'indexes': [models.Index(fields=['year', 'standard', 'dimension', 'commune'], name='reports_sta_year_b8b78f_idx')],
                'constraints': [models.UniqueConstraint(fields=('year', 'standard', 'dimension', 'commune', 'key', 'status'), name='statistic_cell_unique')],
            },
        ),
        migrations.CreateModel(
            name='StatisticSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('standard', models.CharField(max_length=9)),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='households.household')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='households.householdreview')),
            ],
            options={
                'db_table': 'reports_statisticsource',
                'constraints': [models.UniqueConstraint(fields=('household', 'year', 'standard'), name='statistic_source_unique')],
            },
        ),
                ],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
