from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from households.models import CommuneGroup
from households.selectors.unit_codes import Tree
from households.services.units import unit_groups_mark


class Command(BaseCommand):
    help = (
        "Put communes or districts in one of the groups the national tables count apart (ethnic-minority areas, "
        "poor districts, coastal and island communes, border communes), by their codes, from the decision that "
        "lists them. All or nothing: an unknown code, or one both trees hold without --tree, marks nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("group", choices=CommuneGroup.values)
        parser.add_argument("codes", nargs="*", help="Unit codes (districts 3 digits, communes 5).")
        parser.add_argument("--file", help="A text file with one code per line (or separated by commas).")
        parser.add_argument("--tree", choices=Tree.values, help="Which tree the codes are read in.")
        parser.add_argument("--source", default="", help='The decision, e.g. "353/QĐ-TTg ngày 15/3/2022".')
        parser.add_argument("--clear", action="store_true", help="Take every other unit out of the group.")

    def handle(self, *args, group, codes, file=None, tree=None, source="", clear=False, **options):
        if file:
            with open(file, encoding="utf-8-sig") as handle:
                codes = [*codes, *(c.strip() for line in handle for c in line.replace(",", " ").split())]
        if not codes:
            raise CommandError("Give unit codes or --file.")
        try:
            result = unit_groups_mark(group=group, codes=codes, tree=tree, source=source, clear=clear)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{group}: {result.added} added, {result.kept} already marked, {result.removed} removed.")
