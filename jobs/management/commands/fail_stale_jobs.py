from django.core.management.base import BaseCommand

from jobs.runner import stale_jobs_fail_all


class Command(BaseCommand):
    help = "Mark failed the background jobs whose process died (run it from cron, or after a restart)."

    def handle(self, *args, **options):
        count = stale_jobs_fail_all()
        self.stdout.write(f"{count}")
