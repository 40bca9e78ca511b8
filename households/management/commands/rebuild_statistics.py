import time

from django.core.management.base import BaseCommand

from households.services.statistics import statistics_rebuild


class Command(BaseCommand):
    help = "Recompute the statistics tables from all approved reviews."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counted = statistics_rebuild()
        self.stdout.write(
            f"Statistics rebuilt from {counted} household-years in {time.perf_counter() - started:.1f} s."
        )
