"""``manage.py import_households FILE --commune <code> [--commit] [--user <username>] [--on YYYY-MM-DD]``.

Checks the workbook like the upload page does and prints every error; with ``--commit`` saves it (one
transaction, all or nothing). The changes are recorded in the history as made by ``--user`` (by default
the first active superuser), whose area also limits the import.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from households.imports.services import ImportRefused, import_check, import_commit
from households.models import AdministrativeUnit, UnitLevel


class Command(BaseCommand):
    help = "Check (and with --commit, save) households, members and reviews from an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--commune", required=True, help="Official code of the commune, e.g. 01990.")
        parser.add_argument("--commit", action="store_true", help="Save the file when it has no errors.")
        parser.add_argument("--user", help="Username the changes are recorded under (default: a superuser).")
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            help="A date (YYYY-MM-DD) the commune was in force, when its code was also used before the 2025 reform.",
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, file: Path, commune: str, commit: bool, user: str | None, language: str, **options):
        on = options.get("on")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        # A merged commune often keeps the code of one predecessor: the newest one unless --on says otherwise.
        communes = AdministrativeUnit.objects.filter(code=commune, level=UnitLevel.COMMUNE).order_by("-valid_from")
        if on:
            communes = communes.valid_on(on)
        unit = communes.first()
        if unit is None:
            raise CommandError(f"No commune with code {commune}.")
        users = get_user_model().objects.filter(is_active=True)
        actor = users.filter(username=user).first() if user else users.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No such user." if user else "Create a superuser first, or pass --user.")
        with translation.override(language):
            try:
                if commit:
                    result = import_commit(user=actor, commune=unit, source=file)
                else:
                    result = import_check(user=actor, commune=unit, source=file)
            except ImportRefused as refused:
                result = refused.result
            for error in result.error_dicts():
                self.stderr.write(f"{error['sheet']}\t{error['row']}\t{error['column']}\t{error['message']}")
            for name, counts in result.summary.items():
                self.stdout.write(f"{name}: {counts}")
            if result.errors:
                raise CommandError(f"{len(result.errors)} errors; nothing was saved.")
            self.stdout.write(
                self.style.SUCCESS("Saved." if result.committed else "No errors (dry run; nothing saved).")
            )
