from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from standards.classification import ClassificationError, classify
from standards.models import PovertyStandard
from standards.selectors import standard_applying, standard_get, standard_list, standard_rules

from .serializers import ClassifyRequestSerializer, ClassifyResponseSerializer, StandardSerializer

_CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The period of the standard, e.g. 2021-2025.",
    pattern=r"^\d{4}-\d{4}$",
)


# The period is a parameter of the two operations whose path holds it, not of the list.
@extend_schema_view(retrieve=extend_schema(parameters=[_CODE]), classify=extend_schema(parameters=[_CODE]))
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """Poverty standards (the newest version of each period) and the classification of a household under one."""

    serializer_class = StandardSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{4}-\d{4}"

    def get_queryset(self):
        return standard_list()

    def get_object(self) -> PovertyStandard:
        try:
            return standard_get(self.kwargs["code"])
        except PovertyStandard.DoesNotExist:
            raise Http404 from None

    @extend_schema(
        request=ClassifyRequestSerializer,
        responses={
            200: ClassifyResponseSerializer,
            400: OpenApiResponse(
                description='Field errors, e.g. {"year": ["..."]}; {"deprived": ["..."]} names an indicator that is '
                "not part of the standard for that year."
            ),
            404: OpenApiResponse(description="No standard for this period."),
        },
        examples=[
            OpenApiExample(
                "Rural household in 2024",
                value={"year": 2024, "area": "rural", "income": 1400000, "deprived": ["health_insurance"]},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def classify(self, request: Request, code: str) -> Response:
        """Classify a household: poor, near-poor, average living standard or not poor, with the reasons.

        A year of the period outside the years its standard is in force is classified under the standard in
        force that year, which the answer names: 2026 under 2026-2030 is classified by Decree 07/2021/NĐ-CP's
        lines and 12 indicators, which Decree 351/2025/NĐ-CP keeps until 31/12/2026. An indicator that is
        not part of that standard is refused (400, naming it)."""
        named = self.get_object()
        data = ClassifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        standard = standard_applying(named, year=data.validated_data["year"])
        try:
            result = classify(standard_rules(standard), **data.validated_data)
        except ClassificationError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        body = {
            "standard": standard.code,
            "version": standard.version,
            "status": result.status.value,
            "deprived_count": result.deprived_count,
            "deprived": list(result.deprived),
            "explanation": list(result.explanation),
        }
        return Response(ClassifyResponseSerializer(body).data)
