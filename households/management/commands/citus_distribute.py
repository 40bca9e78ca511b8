from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from households.sharding import citus_statements


class Command(BaseCommand):
    help = (
        "Distribute the database over a Citus cluster by province (households.sharding): reference tables, the "
        "household tables split by province_id and co-located, their keys widened to hold it. --sql prints the "
        "statements and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sql", action="store_true", help="Print the statements only (a dry run).")

    def handle(self, *args, sql, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if connection.vendor != "postgresql":
            raise CommandError(
                _("Citus runs on PostgreSQL; this database is %(vendor)s.") % {"vendor": connection.vendor}
            )
        statements = citus_statements()
        if sql:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if not self._citus_available():
            raise CommandError(
                _(
                    "The Citus extension is not installed on this PostgreSQL server (CREATE EXTENSION citus is not "
                    "available): nothing was changed. Install Citus on every node first, or see the statements "
                    "with --sql."
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS citus")
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            _("%(count)s statements run: the database is distributed by province.") % {"count": len(statements)}
        )

    def _citus_available(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'citus'")
            return cursor.fetchone() is not None
