"""Plans, their target tables and progress, and the national programme's projects, within the caller's area."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.models import PlanTask, TargetRow
from programmes.selectors import plan_list, plan_progress, project_list, target_table, target_years

from .filters import PlanApiFilter, ProjectApiFilter
from .serializers import (
    CheckSerializer,
    FiguresSerializer,
    PlanSerializer,
    ProgressSerializer,
    ProjectSerializer,
    TargetRowSerializer,
    YearQuerySerializer,
    _figures,
)

# The year's bounds are the serializer's that reads it, so the description states them.
_YEAR = YearQuerySerializer
_NOT_FOUND = OpenApiResponse(description="No such plan in the caller's area.")


@extend_schema_view(
    list=extend_schema(description="Plans whose unit, or a unit of whose target table, the caller may see."),
    retrieve=extend_schema(
        description="A plan with its goals and task table.", responses={200: PlanSerializer, 404: _NOT_FOUND}
    ),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Poverty-reduction plans: the decision, period, goals, output targets and task-assignment table."""

    serializer_class = PlanSerializer
    filterset_class = PlanApiFilter

    def get_queryset(self):
        # goals and tasks are listed with every plan: two queries for the page.
        return plan_list(user=self.request.user).prefetch_related(
            "goals", Prefetch("tasks", queryset=PlanTask.objects.order_by("order", "pk"))
        )

    def _year(self, request: Request, plan) -> int:
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year")
        if year is None:
            years = target_years(plan=plan)
            year = years[0] if years else plan.year_from
        return year

    @extend_schema(
        description=(
            "The target table of a year: the rows the caller may see, with rates computed from the counts and the "
            "printed figures beside them; `total` is computed from the rows, and `total_checks` compares it with "
            "the printed total row (only for a caller who sees the whole table)."
        ),
        parameters=[_YEAR],
        responses={200: TargetRowSerializer(many=True), 400: OpenApiResponse(description="Bad year."), 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def targets(self, request: Request, pk=None) -> Response:
        plan = self.get_object()
        year = self._year(request, plan)
        table = target_table(user=request.user, plan=plan, year=year)
        rows: list[TargetRow] = [r.row for r in table.rows]
        page = self.paginate_queryset(rows)
        context = {**self.get_serializer_context(), "table_rows": {r.row.pk: r for r in table.rows}}
        response = self.get_paginated_response(TargetRowSerializer(page, many=True, context=context).data)
        response.data["year"] = year
        response.data["total"] = FiguresSerializer(_figures(table.total)).data
        response.data["complete"] = table.complete
        response.data["total_checks"] = CheckSerializer(table.total_checks, many=True).data
        return response

    @extend_schema(
        description=(
            "Progress in a year: for each target row the caller may see, the actual households, poor households "
            "and rate from approved annual reviews, the actual reduction against the target and a verdict "
            "(reached / on_track / behind / no_data) with the gap; the same for the goals (output targets compare "
            "the entered actuals); and a projection of the end-of-period rate (linear least-squares trend)."
        ),
        parameters=[_YEAR],
        responses={200: ProgressSerializer, 400: OpenApiResponse(description="Bad year."), 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def progress(self, request: Request, pk=None) -> Response:
        plan = self.get_object()
        year = self._year(request, plan)
        return Response(ProgressSerializer(progress_data(plan_progress(user=request.user, plan=plan, year=year))).data)


def progress_data(progress) -> dict:
    def unit(u):
        return None if u is None else {"id": u.pk, "code": u.code, "name": u.name, "level": u.level}

    def row(r, u):
        return {
            "unit": unit(u),
            "target": _figures(r.target),
            "actual": _counts(r.actual),
            "reduction_households": r.reduction_households,
            "reduction_pp": r.reduction_pp,
            "verdict_households": r.households,
            "verdict_pp": r.pp,
            "near_poor_reduction_households": r.near_poor_reduction_households,
            "verdict_near_poor": r.near_poor,
        }

    return {
        "plan": progress.plan.pk,
        "year": progress.year,
        "rows": [row(r, u) for r, u in zip(progress.rows, progress.row_units, strict=True)],
        "total": row(progress.total, None) if progress.total else None,
        "goals": progress.goals,
        "series": [{"year": y, **_counts(c)} for y, c in sorted(progress.series.items())],
        "projection": progress.projection,
        "notes": list(progress.notes),
    }


def _counts(c) -> dict | None:
    if c is None:
        return None
    return {
        "households": c.households,
        "poor": c.poor,
        "near_poor": c.near_poor,
        "resident_households": c.resident_households,
        "poor_rate": c.poor_rate,
        "near_poor_rate": c.near_poor_rate,
        "communes": c.communes,
        "communes_reported": c.communes_reported,
        "partial": c.partial,
    }


@extend_schema_view(
    list=extend_schema(description="Projects of the national target programmes in the caller's area."),
    retrieve=extend_schema(description="A project with its budget lines and output indicators."),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects and sub-projects of the national target programme, with budget by source, disbursement,
    output indicators and the number of beneficiary households."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectApiFilter

    def get_queryset(self):
        return project_list(user=self.request.user)
