"""Celery application.

Long work (imports, big reports) goes through Celery when ``REDIS_URL`` is set; without it the settings
turn on ``CELERY_TASK_ALWAYS_EAGER`` so the same task code runs inline in the web process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyplan.settings.base")

app = Celery("povertyplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside app packages (the import jobs' task) are not found by the default discovery.
app.autodiscover_tasks(["households.imports"])
