from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households and administrative units")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import scope_cache
        from .search import register_sqlite_fold

        scope_cache.connect()
        connection_created.connect(register_sqlite_fold, dispatch_uid="households.search.pp_fold")
