"""``GET /api/v1/statistics/national/``: the provinces or regions by status and the country's total."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.fields import WholeNumberField
from common.replica.scope import replica_reads
from households.models import CommuneGroup
from households.regions import Region
from reports.national import NATIONAL_BY, national_table, national_year
from reports.selectors import StatisticsError


class NationalQuerySerializer(serializers.Serializer):
    year = WholeNumberField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Year of the annual review; by default the latest year with figures in your area."),
    )
    by = serializers.ChoiceField(
        choices=NATIONAL_BY, default="province", help_text=gettext_lazy("One row per province or per region.")
    )
    group = serializers.ChoiceField(
        choices=CommuneGroup.choices,
        required=False,
        help_text=gettext_lazy("Only the communes of this group (marked by an administrator from its decision)."),
    )
    standard = serializers.CharField(
        required=False,
        max_length=9,
        help_text=gettext_lazy("Period of the poverty standard, e.g. 2021-2025; by default the year's."),
    )


def _rate():
    return serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True)


class NationalRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Province code (text: keep the leading zero), or region."))
    name = serializers.CharField()
    region = serializers.ChoiceField(choices=[("", ""), *Region.choices], allow_blank=True)
    resident_households = serializers.IntegerField(allow_null=True)
    households = serializers.IntegerField(help_text=gettext_lazy("Households whose review was approved."))
    poor = serializers.IntegerField()
    near_poor = serializers.IntegerField()
    average = serializers.IntegerField()
    not_poor = serializers.IntegerField()
    poor_rate = _rate()
    near_poor_rate = _rate()
    average_rate = _rate()
    poor_share = _rate()
    near_poor_share = _rate()
    average_share = _rate()
    communes = serializers.IntegerField()
    communes_reported = serializers.IntegerField()
    partial = serializers.BooleanField()


class NationalAnswerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    standard = serializers.CharField()
    by = serializers.ChoiceField(choices=NATIONAL_BY)
    group = serializers.CharField(allow_blank=True)
    results = NationalRowSerializer(many=True)
    total = NationalRowSerializer()
    notes = serializers.ListField(child=serializers.CharField())


@replica_reads
class NationalStatisticsView(APIView):
    """Households by status in each province (or region) and in the whole country.

    Số hộ nghèo, cận nghèo theo tỉnh hoặc vùng và toàn quốc. For the ministry's officers (403 for anyone else, whose
    area the statistics endpoint sums). A row is the figure of the province's own dashboard; a region's is the
    sum of its provinces'. ``?format=csv`` or ``xlsx`` gives the rows without the total.
    """

    export_name = "national-statistics"

    @extend_schema(
        parameters=[NationalQuerySerializer],
        responses={200: NationalAnswerSerializer, 403: OpenApiResponse(description="Not a ministry officer.")},
        examples=[
            OpenApiExample(
                "2026 by region, ethnic-minority communes (theo vùng, xã vùng đồng bào DTTS)",
                value={"year": 2026, "by": "region", "group": "ethnic_minority"},
                request_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        if not request.user.sees_every_unit:
            raise PermissionDenied(_("The national figures are for the ministry's officers."))
        query = NationalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            year = national_year(user=request.user, year=params.get("year"), standard=params.get("standard"))
        except StatisticsError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        table = national_table(
            user=request.user,
            year=year,
            standard=params.get("standard"),
            by=params["by"],
            group=params.get("group", ""),
        )
        body = {
            "year": table.year,
            "standard": table.standard,
            "by": table.by,
            "group": table.group,
            "results": [_public(row) for row in table.rows],
            "total": _public(table.total),
            "notes": table.notes,
        }
        return Response(body)


def _public(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "unit_pk"}
