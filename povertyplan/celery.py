"""Celery application.

Long work (imports, big reports) goes through Celery when ``REDIS_URL`` is set; without it ``jobs.runner``
runs the same task in the web process or in a process of its own (``manage.py run_job``).
"""

import os

from celery import Celery
from celery.signals import worker_init

from common.process import mark_dedicated

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyplan.settings.base")

app = Celery("povertyplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside app packages (the import jobs' task) are not found by the default discovery.
app.autodiscover_tasks(["households.imports"])


@worker_init.connect
def _worker_started(**kwargs) -> None:
    """A worker runs tasks only (its pool's processes, forked from it, too): it may tune the interpreter for them."""
    mark_dedicated()
