from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from households.boundaries import DEFAULT_TOLERANCE, BoundaryFileError, read_features
from households.models import LAST_LEGACY_DAY, REFORM_DATE, UnitLevel
from households.services import BoundaryLoadError, boundaries_load

# Official code lengths (Decision 19/2025/QĐ-TTg): numeric codes in a file are padded to these.
CODE_LENGTHS = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
TREES = ("before-reform", "after-reform")
# Problems listed in full up to this many; beyond, a count (a national file loaded into one province).
SHOWN = 30


class Command(BaseCommand):
    help = (
        "Load the boundaries of administrative units from a GeoJSON FeatureCollection of Polygons and "
        "MultiPolygons, matched on the unit code, simplified for the dashboard's map. The whole file loads, "
        "or nothing does."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON file (WGS 84 longitude and latitude).")
        parser.add_argument(
            "--code-property", default="code", help="The feature property holding the unit code (default: code)."
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--tree",
            choices=TREES,
            help="Match units of one tree: before-reform (province/district/commune until 30/06/2025) or "
            "after-reform (province/commune from 01/07/2025). Needed when codes are shared across the reform.",
        )
        when.add_argument("--on", type=date.fromisoformat, help="Match units in force on this day (YYYY-MM-DD).")
        parser.add_argument(
            "--level", choices=list(CODE_LENGTHS), help="Match units of this level only; pads numeric codes."
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help=f"Simplification tolerance in degrees (default {DEFAULT_TOLERANCE}, about 50 m).",
        )
        parser.add_argument(
            "--skip-unmatched",
            action="store_true",
            help="Load the features that match a unit and list the others (e.g. a national file for one province).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, file, code_property, tree, on, level, tolerance, skip_unmatched, dry_run, **options):
        if tolerance < 0:
            raise CommandError("--tolerance cannot be negative.")
        if isinstance(on, str):  # call_command(on="2025-07-01") passes the text unparsed
            on = date.fromisoformat(on)
        if tree == "before-reform":
            on = LAST_LEGACY_DAY
        elif tree == "after-reform":
            on = max(timezone.localdate(), REFORM_DATE)
        path = Path(file)
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        try:
            read = read_features(
                text, code_property=code_property, tolerance=tolerance, code_length=CODE_LENGTHS.get(level)
            )
        except BoundaryFileError as error:
            raise CommandError(f"{file}: {error}") from None
        if not read.features and not read.problems:
            raise CommandError(f"{file}: the FeatureCollection has no features.")
        try:
            load = boundaries_load(
                features=read.features,
                on=on,
                level=level,
                source=path.name,
                problems=read.problems,
                skip_unmatched=skip_unmatched,
                dry_run=dry_run,
            )
        except BoundaryLoadError as error:
            self._list(error.lines)
            hint = (
                " Pass --skip-unmatched to load the others."
                if error.load.unmatched and not (error.load.problems or error.load.ambiguous)
                else ""
            )
            count = len(error.lines)
            raise CommandError(f"{file}: {count} problem{'s' if count != 1 else ''}, nothing loaded.{hint}") from None
        if load.unmatched:
            self.stdout.write(f"Skipped, matching no unit: {len(load.unmatched)} features.")
            self._list(load.unmatched, stream=self.stdout)
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {len(load.matched)} boundaries: {load.created} new, {load.replaced} replaced.")
        )

    def _list(self, lines: list[str], stream=None) -> None:
        stream = stream or self.stderr
        for line in lines[:SHOWN]:
            stream.write(f"  {line}")
        if len(lines) > SHOWN:
            stream.write(f"  … and {len(lines) - SHOWN} more.")
