from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.selectors import StatisticsError, check_standard, resolve_unit, statistics_table, statistics_years

from .serializers import StatisticsQuerySerializer, StatisticsResponseSerializer


class StatisticsView(APIView):
    """Counts and rates of households by unit, status, ethnicity, group, cause, transition or indicator.

    Thống kê số hộ, tỷ lệ hộ nghèo, cận nghèo theo đơn vị, phân loại, dân tộc, nhóm đối tượng, nguyên nhân,
    biến động hoặc chỉ số thiếu hụt. Read from aggregate tables kept up to date on each approval.
    """

    export_name = "statistics"

    @extend_schema(
        parameters=[StatisticsQuerySerializer],
        responses={
            200: StatisticsResponseSerializer,
            400: OpenApiResponse(
                description='Field errors, e.g. {"unit": ["No administrative unit has the code 999."]}'
            ),
            404: OpenApiResponse(description="The unit is outside your area."),
        },
        examples=[
            OpenApiExample(
                "Bắc Kạn by district and status (theo huyện và phân loại)",
                value={"year": 2019, "unit": "06", "group_by": "unit,status"},
                request_only=True,
            ),
            OpenApiExample(
                "2021 under the 2016-2020 standard (năm 2021 theo chuẩn nghèo 2016-2020)",
                value={"year": 2021, "unit": "06", "standard": "2016-2020"},
                request_only=True,
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        years = statistics_years(user=request.user)
        for name in ("year", "compare"):
            if name in params and params[name] not in years:
                raise serializers.ValidationError({name: [f"No approved reviews in your area for {params[name]}."]})
        try:
            if "standard" in params:
                check_standard(params["standard"])
                if params["year"] not in statistics_years(user=request.user, standard=params["standard"]):
                    message = f"No approved reviews under {params['standard']} in your area for {params['year']}."
                    raise StatisticsError("standard", message)
            unit = resolve_unit(user=request.user, code=params["unit"], year=params["year"], tree=params.get("tree"))
        except StatisticsError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        table = statistics_table(
            user=request.user,
            unit=unit,
            year=params["year"],
            group_by=params["group_by"],
            compare=params.get("compare"),
            standard=params.get("standard"),
        )
        body = {
            "year": table.year,
            "standard": table.standard,
            "compare": table.compare,
            "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
            "group_by": table.group_by,
            "notes": table.notes,
            # How far the figures go: communes that reported of the unit's, reviews approved of the registry.
            "coverage": table.figures.coverage(),
            "results": table.rows,
        }
        return Response(body)
