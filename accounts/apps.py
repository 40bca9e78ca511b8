from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using, **kwargs) -> None:
    """The database cache's table (the shared cache when there is no Redis) comes with every ``migrate``:
    deploys, ``make run``, CI, the benchmarks and the test database, without a step to forget. Does nothing
    when the table exists or the cache is Redis."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit
        from .sessions import session_signed_in

        audit.connect()
        user_logged_in.connect(session_signed_in, dispatch_uid="session-signed-in")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="create-cache-table")
