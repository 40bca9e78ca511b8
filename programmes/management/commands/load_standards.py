from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programmes.services import standards_load


class Command(BaseCommand):
    help = (
        "Load the poverty standards of fixtures/standards.json (or FILE): new ones are added, unlocked ones "
        "updated; a standard used by approved reviews (locked) is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A fixture of standards; fixtures/standards.json by default.")

    def handle(self, *args, file=None, **options):
        path = Path(file) if file else Path(settings.BASE_DIR) / "fixtures" / "standards.json"
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        loaded = standards_load(fixture=path)
        self.stdout.write(f"Standards: {loaded.saved} rows loaded from {path.name}.")
        for standard in loaded.kept:
            self.stdout.write(f"  {standard} is locked (used by approved reviews): left as it is.")
