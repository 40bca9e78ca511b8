import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to a file: pg_dump's custom format for PostgreSQL "
        "(restore with `pg_restore --no-owner -d <database> FILE`), or an SQLite copy (restore by copying it back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: backups/povertyplan-<time>.<dump|sqlite3>)")

    def handle(self, *args, output=None, **options):
        database = settings.DATABASES["default"]
        engine = database["ENGINE"]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if "postgresql" in engine:
            target = Path(output or f"backups/povertyplan-{stamp}.dump")
            target.parent.mkdir(parents=True, exist_ok=True)
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian package postgresql-client).")
            env = {"PGPASSWORD": database.get("PASSWORD") or ""}
            command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
            for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if database.get(key):
                    command.append(f"{flag}={database[key]}")
            command.append(database["NAME"])
            result = subprocess.run(command, env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        elif "sqlite" in engine:
            target = Path(output or f"backups/povertyplan-{stamp}.sqlite3")
            target.parent.mkdir(parents=True, exist_ok=True)
            # SQLite's online backup: a consistent copy even while the application writes.
            with sqlite3.connect(database["NAME"]) as source, sqlite3.connect(target) as copy:
                source.backup(copy)
        else:
            raise CommandError(f"No backup method for {engine}.")
        self.stdout.write(str(target))
