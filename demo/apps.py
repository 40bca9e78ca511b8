from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (``manage.py load_demo``): written through the apps' services, on top of every app and
    used by none of them; the benchmarks share its generators."""

    name = "demo"
    verbose_name = _("Demo data")
