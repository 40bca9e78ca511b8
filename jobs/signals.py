"""A Celery worker that starts marks failed the jobs its dead predecessors left running."""

from celery.signals import worker_ready

from .runner import stale_jobs_fail_all


def _on_worker_ready(**_kwargs) -> None:
    stale_jobs_fail_all()


def connect() -> None:
    worker_ready.connect(_on_worker_ready, weak=False, dispatch_uid="jobs.stale_jobs_fail_all")
