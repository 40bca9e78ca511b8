from rest_framework import viewsets

from households.filters import UnitFilter
from households.selectors import units_visible_to

from .serializers import UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units the caller may see, in both hierarchies; filter with ``on`` for one date."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        # parent: every row shows its parent's code.
        return units_visible_to(self.request.user).select_related("parent").order_by("level", "code", "pk")
