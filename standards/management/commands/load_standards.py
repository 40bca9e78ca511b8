from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from standards.services import standards_load


class Command(BaseCommand):
    help = (
        "Load the poverty standards of fixtures/standards.json (or FILE): standards new to the database are "
        "added, the others left as they are; with --update, unlocked standards loaded from a file are "
        "rewritten from it. A standard used by approved reviews (locked) never changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A fixture of standards; fixtures/standards.json by default.")
        parser.add_argument("--update", action="store_true", help="Rewrite unlocked standards from the file.")

    def handle(self, *args, file=None, update=False, **options):
        path = Path(file) if file else Path(settings.BASE_DIR) / "fixtures" / "standards.json"
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        loaded = standards_load(fixture=path, update=update)
        for label, names in (("added", loaded.added), ("updated", loaded.updated), ("left as they are", loaded.kept)):
            self.stdout.write(f"Standards {label}: {', '.join(names) or '-'}")
