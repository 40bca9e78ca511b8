from django.shortcuts import render
from django.utils import timezone

from households.models import LAST_LEGACY_DAY, UnitLevel
from households.selectors import units_visible_to


def home(request):
    """The landing page: public welcome, and for a signed-in user the size of their area."""
    context = {}
    if request.user.is_authenticated:
        visible = units_visible_to(request.user)
        context["area"] = {
            "communes_now": visible.valid_on(timezone.localdate()).filter(level=UnitLevel.COMMUNE).count(),
            "communes_before_reform": visible.valid_on(LAST_LEGACY_DAY).filter(level=UnitLevel.COMMUNE).count(),
            "assigned": list(request.user.units.order_by("level", "name")),
        }
    return render(request, "reports/home.html", context)
