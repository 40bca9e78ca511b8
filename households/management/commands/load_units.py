import difflib

from django.core.management.base import BaseCommand, CommandError

from households import unit_sources
from households.services import LoadResult, units_load


class Command(BaseCommand):
    help = (
        "Load a province's administrative units before and after the 1 July 2025 reform, and the mapping "
        "from old communes to new ones, from the vietnamadminunits and vietnam-provinces packages."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--province", nargs="+", action="extend", help="Names or codes of provinces.")
        target.add_argument("--all", action="store_true", help="Every province of the country.")

    def handle(self, *args, province=None, all=False, **options):
        if all:
            pairs = [unit_sources.resolve_province(code) for code in unit_sources.legacy_province_names()]
        else:
            pairs = [self._resolve(text) for text in province]
        total = LoadResult()
        for pair in pairs:
            total += units_load(pair=pair)
        self.stdout.write(
            f"Units created: {total.created}, updated: {total.updated}; "
            f"old→new links created: {total.successions_created}."
        )

    def _resolve(self, text: str) -> unit_sources.ProvincePair:
        try:
            return unit_sources.resolve_province(text)
        except LookupError as error:
            names = error.args[0]
            by_key = {unit_sources.name_key(name): name for name in names}
            close = difflib.get_close_matches(unit_sources.name_key(text), list(by_key), n=5, cutoff=0.5)
            suggestion = ", ".join(by_key[key] for key in close) or ", ".join(names[:5])
            raise CommandError(f"Unknown province {text!r}. Closest names: {suggestion}.") from None
