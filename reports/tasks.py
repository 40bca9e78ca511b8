"""Celery's autodiscovery looks for a ``tasks`` module: the report job's task lives in ``jobs``."""

from .jobs import run_report_job

__all__ = ["run_report_job"]
