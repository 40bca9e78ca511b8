from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households and administrative units")

    def ready(self) -> None:
        from common import lookups  # noqa: F401 (registers ``any_of``)

        from . import scope_cache

        scope_cache.connect()
