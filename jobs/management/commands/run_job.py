from celery import current_app as app
from django.core.management.base import BaseCommand, CommandError

from common.process import mark_dedicated


class Command(BaseCommand):
    help = (
        "Run one background job in this process, as a Celery worker would run its task. Without Redis the web "
        "process starts it for a long job (jobs.runner.job_process_start); a job already taken is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("task", help="the job's Celery task, e.g. households.import_job_run")
        parser.add_argument("pk", type=int, help="the job's id")

    def handle(self, *args, task: str, pk: int, **options):
        # The project's Celery app (made current when the project package is imported); its task modules, found
        # as a worker finds them when it starts. Only those tasks run: the name is no path to any code.
        mark_dedicated()
        app.loader.import_default_modules()
        if task not in app.tasks:
            raise CommandError(f"No task {task!r}.")
        app.tasks[task](pk)
