from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from common.pagination import LargeListPagination
from common.renderers import CSVRenderer, streaming_csv_response
from common.replica.scope import replica_reads
from households.api.filters import HouseholdApiFilter, ReviewApiFilter, UnitApiFilter
from households.models import Member
from households.selectors import review_list, units_visible_to
from households.selectors.registry import households_visible_to

from .serializers import (
    GROUP_FIELDS,
    HouseholdDetailSerializer,
    HouseholdSerializer,
    ReviewSerializer,
    UnitSerializer,
)

# The export's columns are the list's (HouseholdSerializer), read straight from the database: column → field.
EXPORT_COLUMNS = {
    "id": "id",
    "code": "code",
    "head_name": "head_name",
    "commune_code": "commune__code",
    "commune_name": "commune__name",
    "village_name": "village__name",
    "address": "address",
    "head_ethnicity": "head_ethnicity__name",
    **{name: name for name in GROUP_FIELDS},
    "status": "status",
    "status_date": "status_date",
}
EXPORT_CHUNK = 2000


@replica_reads
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units the caller may see, in both hierarchies; filter with ``on`` for one date."""

    serializer_class = UnitSerializer
    filterset_class = UnitApiFilter

    def get_queryset(self):
        # parent: every row shows its parent's code.
        return units_visible_to(self.request.user).select_related("parent").order_by("level", "code", "pk")


@replica_reads
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

    @extend_schema(
        description=(
            "Every household of the caller's area that the filters select, as one CSV file (UTF-8 with BOM) sent "
            "while it is read: no pages, and the server's memory does not grow with the rows. The columns are "
            "the list's. Read it with pandas: `pandas.read_csv(url, dtype={'code': str, 'commune_code': str}, "
            "storage_options={'Authorization': 'Token …'})`."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The households, one a row, ordered by id."
            )
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[JSONRenderer, CSVRenderer])
    def export(self, request):
        households = self.filter_queryset(households_visible_to(request.user)).order_by("pk")
        rows = households.values_list(*EXPORT_COLUMNS.values()).iterator(chunk_size=EXPORT_CHUNK)
        return streaming_csv_response(self.export_name, list(EXPORT_COLUMNS), rows)


@replica_reads
class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Household reviews of the caller's area. Phiếu rà soát hộ nghèo, cận nghèo."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewApiFilter
    pagination_class = LargeListPagination
    export_name = "reviews"

    def get_queryset(self):
        # household, round (year, kind, standard) and commune are shown in every row.
        return review_list(user=self.request.user).select_related("commune", "round__standard")
