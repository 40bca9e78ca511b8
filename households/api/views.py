from django.db.models import Prefetch
from rest_framework import viewsets

from common.pagination import LargeListPagination
from households.api.filters import HouseholdApiFilter, ReviewApiFilter
from households.filters import UnitFilter
from households.models import Member
from households.selectors import review_list, units_visible_to
from households.selectors.registry import households_visible_to

from .serializers import HouseholdDetailSerializer, HouseholdSerializer, ReviewSerializer, UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units the caller may see, in both hierarchies; filter with ``on`` for one date."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        # parent: every row shows its parent's code.
        return units_visible_to(self.request.user).select_related("parent").order_by("level", "code", "pk")


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Households of the caller's area; the detail lists the members. Hộ gia đình trong địa bàn được giao."""

    filterset_class = HouseholdApiFilter
    pagination_class = LargeListPagination
    export_name = "households"

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def get_queryset(self):
        # commune, village and ethnicity are shown in every row.
        households = households_visible_to(self.request.user).select_related("commune", "village", "head_ethnicity")
        if self.action == "retrieve":
            households = households.prefetch_related(
                Prefetch("members", queryset=Member.objects.select_related("ethnicity").order_by("pk"))
            )
        return households


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Household reviews of the caller's area. Phiếu rà soát hộ nghèo, cận nghèo."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewApiFilter
    pagination_class = LargeListPagination
    export_name = "reviews"

    def get_queryset(self):
        # household, round (year, kind, standard) and commune are shown in every row.
        return review_list(user=self.request.user).select_related("commune", "round__standard")
