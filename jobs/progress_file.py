"""A running job's progress and heartbeat beside an SQLite database, where its readers see them during the job's
transaction.

On SQLite (the first run, without PostgreSQL or Redis) an import commits in one transaction, which holds the
database's only write lock from its first write to its commit: a progress written through the same connection is
invisible until the end (the page stayed at 1 %), and one written through another connection waits for the lock
and fails ("database is locked"). The progress therefore goes to a small database file of its own beside the main
one (``<name>-progress``), written in autocommit, one row per running job; ``BackgroundJob`` reads it back when
it loads a running job (``jobs.models``), and the reaper reads the heartbeat there before it takes a silent job
for a dead one. The job's own writes stay in its one transaction: all or nothing, as before.

PostgreSQL needs none of this: there the progress goes through a connection of its own (``jobs.runner``).
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# How long a write or a read waits for another (seconds): the rows are tiny, a wait means something is wrong, and
# a progress is never worth stalling the job or the page for.
TIMEOUT = 2.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS job_progress (job TEXT NOT NULL, id INTEGER NOT NULL, progress INTEGER NOT NULL, "
    "heartbeat_at TEXT NOT NULL, PRIMARY KEY (job, id))"
)


def progress_file() -> Path | None:
    """Where the progress of the jobs is kept: ``JOB_PROGRESS_FILE`` when set, else beside the default database when
    it is an SQLite file; None otherwise (PostgreSQL, or an in-memory database no other process sees)."""
    configured = getattr(settings, "JOB_PROGRESS_FILE", None)
    if configured:
        return Path(configured)
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "sqlite" or database.is_in_memory_db():
        return None
    name = Path(database.settings_dict["NAME"])
    return name.with_name(f"{name.name}-progress")


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)  # autocommit
    connection.execute(_SCHEMA)
    return connection


class ProgressFile:
    """The progress rows of one kind of job (``label``: the model's label) in ``path``."""

    def __init__(self, path: Path, label: str):
        self.path, self.label = path, label
        self.connection: sqlite3.Connection | None = None

    def write(self, pk: int, progress: int, heartbeat_at: datetime.datetime) -> None:
        if self.connection is None:
            self.connection = _connect(self.path)
        self.connection.execute(
            "INSERT INTO job_progress (job, id, progress, heartbeat_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (job, id) DO UPDATE SET progress = excluded.progress, heartbeat_at = excluded.heartbeat_at",
            (self.label, pk, progress, heartbeat_at.isoformat()),
        )

    def forget(self, pk: int) -> None:
        """Drop the job's row once it ended: its record holds the final figures."""
        if self.connection is None:
            self.connection = _connect(self.path)
        self.connection.execute("DELETE FROM job_progress WHERE job = ? AND id = ?", (self.label, pk))

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def read_progress(label: str, pks: list[int]) -> dict[int, tuple[int, datetime.datetime]]:
    """``{pk: (progress, heartbeat_at)}`` of the running jobs of kind ``label`` among ``pks`` that wrote one; empty
    without a progress file. A file that cannot be read says nothing: the job's record is shown as it is."""
    path = progress_file()
    if path is None or not pks or not path.exists():
        return {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=TIMEOUT)
        try:
            marks = ", ".join("?" * len(pks))
            rows = connection.execute(
                f"SELECT id, progress, heartbeat_at FROM job_progress WHERE job = ? AND id IN ({marks})",
                (label, *pks),
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    return {pk: (progress, datetime.datetime.fromisoformat(beat)) for pk, progress, beat in rows}
