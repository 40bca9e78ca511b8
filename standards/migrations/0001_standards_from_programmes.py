"""The poverty standards, their rows and the public holidays become the models of this app. Their tables stay
where they are (``db_table``): only Django's record of which app holds them changes, and the content types
(so permissions and admin history follow the models).
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["povertystandard", "incomeline", "dimension", "indicator", "publicholiday"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Rows made for this app by a migrate that ran while it was rolled back; the old ones carry the permissions.
    ContentType.objects.filter(app_label="standards", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="programmes", model__in=MOVED).update(app_label="standards")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="standards", model__in=MOVED).update(app_label="programmes")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("programmes", "0005_goal_comparison"),
        ("households", "0014_review_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Dimension',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=40, verbose_name='code')),
                    ('name_vi', models.CharField(max_length=200, verbose_name='name (Vietnamese)')),
                    ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ],
                options={
                    'verbose_name': 'dimension',
                    'verbose_name_plural': 'dimensions',
                    'db_table': 'programmes_dimension',
                    'ordering': ['standard', 'order', 'code'],
                },
            ),
            migrations.CreateModel(
                name='PublicHoliday',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(unique=True, verbose_name='date')),
                    ('name', models.CharField(max_length=120, verbose_name='name')),
                    ('note', models.CharField(blank=True, help_text='Where the day comes from, and what is still to check.', max_length=255, verbose_name='note')),
                ],
                options={
                    'verbose_name': 'public holiday',
                    'verbose_name_plural': 'public holidays',
                    'db_table': 'programmes_publicholiday',
                    'ordering': ['date'],
                },
            ),
            migrations.CreateModel(
                name='PovertyStandard',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(help_text='For example 2021-2025.', max_length=9, validators=[django.core.validators.RegexValidator('^\\d{4}-\\d{4}$', 'Write the period as YYYY-YYYY.')], verbose_name='period')),
                    ('version', models.PositiveSmallIntegerField(default=1, editable=False, verbose_name='version')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('document_number', models.CharField(max_length=50, verbose_name='legal document number')),
                    ('document_date', models.DateField(verbose_name='legal document date')),
                    ('document_title', models.CharField(max_length=300, verbose_name='legal document title')),
                    ('notes', models.TextField(blank=True, help_text='Amendments, and values not yet confirmed against the legal text.', verbose_name='notes')),
                    ('year_from', models.PositiveSmallIntegerField(help_text='First year the standard classifies households for.', validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='first year')),
                    ('year_to', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='last year')),
                    ('method', models.CharField(choices=[('income_only', 'Income only'), ('income_or_deprivation', 'Income, or income and deprivations (2016-2020)'), ('income_and_deprivation', 'Income and deprivations (from 2021)')], max_length=30, verbose_name='rule')),
                    ('deprivation_cutoff', models.PositiveSmallIntegerField(blank=True, help_text='Poor with at least this many deprived indicators. Empty for income-only standards.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='deprivation cut-off')),
                    ('locked', models.BooleanField(default=False, editable=False, help_text='Used by approved reviews: changes need a new version.', verbose_name='locked')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                    ('based_on', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='standards.povertystandard', verbose_name='based on')),
                    ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'poverty standard',
                    'verbose_name_plural': 'poverty standards',
                    'db_table': 'programmes_povertystandard',
                    'ordering': ['year_from', 'version'],
                },
            ),
            migrations.CreateModel(
                name='Indicator',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=40, verbose_name='code')),
                    ('name_vi', models.CharField(max_length=200, verbose_name='name (Vietnamese)')),
                    ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                    ('thresholds', models.JSONField(blank=True, default=dict, verbose_name='thresholds')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('confirmed', models.BooleanField(default=False, verbose_name='confirmed against the legal text')),
                    ('notes', models.TextField(blank=True, help_text='The legal source of the indicator and its threshold.', verbose_name='notes')),
                    ('dimension', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='standards.dimension', verbose_name='dimension')),
                    ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='standards.povertystandard', verbose_name='poverty standard')),
                ],
                options={
                    'verbose_name': 'indicator',
                    'verbose_name_plural': 'indicators',
                    'db_table': 'programmes_indicator',
                    'ordering': ['standard', 'order', 'code'],
                },
            ),
            migrations.CreateModel(
                name='IncomeLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year_from', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='first year')),
                    ('year_to', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='last year')),
                    ('poor_rural', models.PositiveIntegerField(verbose_name='poor line, rural')),
                    ('poor_urban', models.PositiveIntegerField(verbose_name='poor line, urban')),
                    ('poor_rural_mountain', models.PositiveIntegerField(blank=True, null=True, verbose_name='poor line, rural mountainous and island areas')),
                    ('near_poor_rural', models.PositiveIntegerField(blank=True, null=True, verbose_name='near-poor upper bound, rural')),
                    ('near_poor_urban', models.PositiveIntegerField(blank=True, null=True, verbose_name='near-poor upper bound, urban')),
                    ('minimum_living_rural', models.PositiveIntegerField(blank=True, null=True, verbose_name='minimum living standard, rural')),
                    ('minimum_living_urban', models.PositiveIntegerField(blank=True, null=True, verbose_name='minimum living standard, urban')),
                    ('average_rural', models.PositiveIntegerField(blank=True, null=True, verbose_name='average living standard upper bound, rural')),
                    ('average_urban', models.PositiveIntegerField(blank=True, null=True, verbose_name='average living standard upper bound, urban')),
                    ('confirmed', models.BooleanField(default=False, verbose_name='confirmed against the legal text')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('standard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='income_lines', to='standards.povertystandard', verbose_name='poverty standard')),
                ],
                options={
                    'verbose_name': 'income line',
                    'verbose_name_plural': 'income lines',
                    'db_table': 'programmes_incomeline',
                    'ordering': ['standard', 'year_from'],
                },
            ),
            migrations.AddField(
                model_name='dimension',
                name='standard',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dimensions', to='standards.povertystandard', verbose_name='poverty standard'),
            ),
            migrations.AddConstraint(
                model_name='povertystandard',
                constraint=models.UniqueConstraint(fields=('code', 'version'), name='standard_code_version_unique'),
            ),
            migrations.AddConstraint(
                model_name='povertystandard',
                constraint=models.CheckConstraint(condition=models.Q(('year_from__lte', models.F('year_to'))), name='standard_years_ordered'),
            ),
            migrations.AddConstraint(
                model_name='indicator',
                constraint=models.UniqueConstraint(fields=('standard', 'code'), name='indicator_code_unique'),
            ),
            migrations.AddConstraint(
                model_name='incomeline',
                constraint=models.UniqueConstraint(fields=('standard', 'year_from'), name='income_line_unique_start'),
            ),
            migrations.AddConstraint(
                model_name='incomeline',
                constraint=models.CheckConstraint(condition=models.Q(('year_from__lte', models.F('year_to'))), name='income_line_years_ordered'),
            ),
            migrations.AddConstraint(
                model_name='dimension',
                constraint=models.UniqueConstraint(fields=('standard', 'code'), name='dimension_code_unique'),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
