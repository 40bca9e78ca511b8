"""`manage.py backup` and a restore into a fresh database give the same statistics.

The backup runs against a database of its own (created, migrated and filled by the project's commands in
subprocesses), because a dump cannot see the uncommitted data of a test transaction. PostgreSQL when the
suite runs on it (CI), SQLite otherwise.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FILL = "from tests.backup_fill import fill; fill()"


def manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "povertyplan.settings.base"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def statistics_rows(url: str) -> list:
    query = (
        "SELECT year, standard, commune_id, dimension, key, status, households, people FROM reports_statisticcount"
        " ORDER BY 1, 2, 3, 4, 5, 6"
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(query).fetchall()
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def test_backup_and_restore_keep_the_statistics(tmp_path):
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    name = f"pp_backup_{uuid.uuid4().hex[:8]}"
    server = "postgres://postgres@127.0.0.1:5432"
    if on_postgres:
        admin = psycopg2.connect(f"{server}/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
            cursor.execute(f"CREATE DATABASE {name}_restored")
        source, restored = f"{server}/{name}", f"{server}/{name}_restored"
    else:
        source, restored = f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        manage(source, "migrate", "-v0")
        manage(source, "shell", "-c", FILL)
        before = statistics_rows(source)
        assert before, "the fill made approved reviews"
        backup = manage(source, "backup", "--output", str(tmp_path / "backup.bin")).strip()
        if on_postgres:
            subprocess.run(["pg_restore", "--no-owner", "-d", restored, backup], check=True, capture_output=True)
        else:
            Path(restored.removeprefix("sqlite:///")).write_bytes(Path(backup).read_bytes())
        assert statistics_rows(restored) == before
        manage(restored, "rebuild_statistics")
        assert statistics_rows(restored) == before
    finally:
        if on_postgres:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
                cursor.execute(f"DROP DATABASE IF EXISTS {name}_restored")
            admin.close()
