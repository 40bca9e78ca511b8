"""Whether this process exists for background work only (a Celery worker, ``manage.py run_job``, a benchmark).

Such a process may change interpreter-wide settings for speed (the import turns the cycle collector off and
shortens the thread switch interval): in a web worker the same change would slow or stall every other request
it serves, so there the work runs with the interpreter as it is.
"""

_dedicated = False


def mark_dedicated() -> None:
    """Called once at the start of a process that runs background work and nothing else."""
    global _dedicated
    _dedicated = True


def is_dedicated() -> bool:
    return _dedicated
