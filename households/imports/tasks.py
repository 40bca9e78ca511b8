"""Celery's autodiscovery looks for a ``tasks`` module: the import job's task lives in ``jobs``."""

from .jobs import run_import_job

__all__ = ["run_import_job"]
