"""The statistics tables moved to ``households`` (its migration 0016 takes them over, tables unchanged)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_resident_counts'),
        ('households', '0016_statistics_from_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='residentcount',
            name='commune',
        ),
        migrations.RemoveField(
            model_name='residentcount',
            name='entered_by',
        ),
        migrations.RemoveField(
            model_name='statisticcount',
            name='commune',
        ),
        migrations.RemoveField(
            model_name='statisticsource',
            name='household',
        ),
        migrations.RemoveField(
            model_name='statisticsource',
            name='review',
        ),
        migrations.DeleteModel(
            name='HistoricalResidentCount',
        ),
        migrations.DeleteModel(
            name='ResidentCount',
        ),
        migrations.DeleteModel(
            name='StatisticCount',
        ),
        migrations.DeleteModel(
            name='StatisticSource',
        ),
                ],
        ),
    ]
